"""Applications in any state for the workbench tests, written directly (the state is the input).

The catalogue's ``published_service`` gives the service and its published standard; the rows
below are what the lifecycle services would have left behind for each status.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from melayani.applications.models import Application, ApplicationDocument, ApplicationStatus
from melayani.catalog.models import ServiceType
from melayani.core.models import OPD
from tests.catalog.factories import published_service
from tests.conftest import World

_counter = {"n": 0}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _code() -> str:
    _counter["n"] += 1
    return f"WB{_counter['n']:08d}"


def service_for(opd: OPD, **kwargs: Any) -> ServiceType:
    return published_service(opd, **kwargs)


def application_make(
    service: ServiceType,
    *,
    opd: OPD | None = None,
    status: str = ApplicationStatus.SUBMITTED,
    due_at: dt.datetime | None = None,
    submitted_at: dt.datetime | None = None,
    applicant_name: str = "Yohana Gebze",
    tracking_code: str | None = None,
    **fields: Any,
) -> Application:
    """An application of ``service`` (handled by ``opd``, default the service's unit)."""
    now = timezone.now()
    submitted = submitted_at or now - dt.timedelta(days=3)
    clock_started = status not in (ApplicationStatus.SUBMITTED,)
    values: dict[str, Any] = {
        "applicant_phone": "081234567890",
        "applicant_email": "yohana@example.id",
        "applicant_nik": "9301011708900003",
        "verified_at": submitted + dt.timedelta(hours=2) if clock_started else None,
        "due_at": due_at,
        "answers": {"nama-anak": "Maria Gebze"},
    }
    if status == ApplicationStatus.REJECTED:
        values.update(rejection_reason="Berkas palsu", rejected_at=now)
    if status == ApplicationStatus.COMPLETED:
        values.update(completed_at=now)
    values.update(fields)
    standard = service.standards.get(status="published")
    return Application.objects.create(
        pemda=service.pemda,
        opd=opd or service.opd,
        service=service,
        standard=standard,
        tracking_code=tracking_code or _code(),
        status=status,
        applicant_name=applicant_name,
        submitted_at=submitted,
        **values,
    )


def document_make(
    application: Application, *, name: str = "ktp.pdf", content: bytes = PDF
) -> ApplicationDocument:
    doc = ApplicationDocument(
        application=application,
        field_key="ktp",
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    doc.file.save(name, ContentFile(content), save=False)
    doc.save()
    return doc


# --- A small Merauke desk with applications in and out of each persona's reach ------------------


@dataclass
class Desk:
    world: World
    desk_service: ServiceType
    head_service: ServiceType
    dinkes_service: ServiceType
    jogja_service: ServiceType
    submitted: Application  # desk sub-unit: the officer's
    overdue: Application  # desk sub-unit, in process, past its deadline
    parent: Application  # Dukcapil itself: the head's, not the desk officer's
    dinkes: Application
    jogja: Application


@pytest.fixture(name="desk")
def desk_fixture(world: World, settings: Any, tmp_path: Any) -> Desk:
    settings.MEDIA_ROOT = tmp_path / "media"
    now = timezone.now()
    desk_service = service_for(world.dukcapil_service_desk, code="akta", name="Akta Kelahiran")
    head_service = service_for(world.dukcapil, code="kk", name="Kartu Keluarga")
    dinkes_service = service_for(world.dinkes, code="sip", name="Surat Izin Praktik")
    jogja_service = service_for(world.jogja_dukcapil, code="akta", name="Akta Yogyakarta")
    return Desk(
        world=world,
        desk_service=desk_service,
        head_service=head_service,
        dinkes_service=dinkes_service,
        jogja_service=jogja_service,
        submitted=application_make(desk_service, applicant_name="Yohana Gebze"),
        overdue=application_make(
            desk_service,
            status=ApplicationStatus.IN_PROCESS,
            due_at=now - dt.timedelta(days=1),
            applicant_name="Petrus Kaize",
        ),
        parent=application_make(head_service, applicant_name="Agustina Mahuze"),
        dinkes=application_make(dinkes_service, applicant_name="Markus Ndiken"),
        jogja=application_make(jogja_service, applicant_name="Sri Rahayu"),
    )
