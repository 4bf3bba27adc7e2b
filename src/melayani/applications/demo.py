"""Demo applications: for every demo service, applications in every state, some overdue.

Run after :func:`melayani.catalog.demo.catalog_demo_seed`. Idempotent: a service that already has
demo applications (channel ``demo``) is left alone. Submissions go through the real service;
afterwards their dates are moved into the past (spread over days, the "overdue" ones past their
due moment), which nothing else may do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from melayani.applications import services
from melayani.applications.models import Application, ApplicationEvent, ClockSuspension
from melayani.catalog.models import FieldType, FormField, ServiceType
from melayani.regions.models import Region
from melayani.workcalendar.selectors import clock_for_pemda

DEMO_CHANNEL = "demo"
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NAMES = (
    "Yohana Gebze",
    "Markus Kaize",
    "Siti Rahmawati",
    "Agus Santoso",
    "Maria Ndiken",
    "Budi Prasetyo",
    "Theresia Mahuze",
    "Rizky Hidayat",
)
# (steps after submission, days in the past it was submitted, overdue)
PLAN: tuple[tuple[tuple[str, ...], int, bool], ...] = (
    ((), 0, False),
    (("verify",), 1, False),
    (("verify", "start"), 2, False),
    (("verify", "start"), 30, True),
    (("verify", "return"), 3, False),
    (("verify", "start", "complete"), 10, False),
    (("reject",), 4, False),
    (("verify",), 40, True),
)


def _region_for(service: ServiceType) -> Region | None:
    return (
        Region.objects.filter(code__startswith=f"{service.pemda.code}.", level__gte=3)
        .order_by("level", "code")
        .first()
    )


def _answer(ff: FormField, region: Region | None, n: int) -> dict[str, Any]:
    kind = ff.field_type
    if kind == FieldType.NIK:
        return {}  # applicant_nik, below
    if kind == FieldType.ADDRESS:
        return {
            ff.key: f"Jl. Contoh No. {n + 1}, RT 01/RW 02",
            f"{ff.key}_region": region.code if region else "",
        }
    values: dict[str, str] = {
        FieldType.NUMBER: "1",
        FieldType.DATE: "2026-01-15",
        FieldType.CHOICE: (ff.choice_list or [""])[0],
        FieldType.PHONE: "0812 3456 7891",
        FieldType.EMAIL: "kontak@example.id",
        FieldType.LONG_TEXT: "Mohon diproses. Terima kasih.",
    }
    value = values.get(str(kind), "Contoh isian")
    return {ff.key: value}


def _nik(region: Region | None, n: int) -> str:
    digits = region.code.replace(".", "")[:6] if region else "930101"
    return f"{digits}1708{90 - n % 10:02d}{n + 1:04d}"


def _submit(service: ServiceType, n: int) -> Application:
    standard = services.published_standard(service)
    region = _region_for(service)
    data: dict[str, Any] = {
        "applicant_name": NAMES[n % len(NAMES)],
        "applicant_phone": f"0812 3456 78{n:02d}",
        "applicant_email": f"pemohon{n}@example.id",
    }
    files = {}
    for ff in standard.form_fields.order_by("order"):
        if ff.field_type == FieldType.NIK and "applicant_nik" not in data:
            data["applicant_nik"] = _nik(region, n)
        elif ff.field_type == FieldType.FILE:
            files[ff.key] = SimpleUploadedFile(f"{ff.key}.pdf", DEMO_PDF)
        else:
            data.update(_answer(ff, region, n))
    return services.application_submit(
        service=service,
        data=data,
        files=files,
        idempotency_key=f"demo-{service.pk}-{n}",
        channel=DEMO_CHANNEL,
    )


STEPS = {
    "verify": lambda app: services.application_verify(actor=None, application=app),
    "start": lambda app: services.application_start(actor=None, application=app),
    "return": lambda app: services.application_return(
        actor=None, application=app, reason="Foto KTP tidak terbaca. Mohon unggah ulang."
    ),
    "complete": lambda app: services.application_complete(
        actor=None, application=app, message="Dokumen dapat diambil di loket 2."
    ),
    "reject": lambda app: services.application_reject(
        actor=None, application=app, reason="Layanan ini untuk penduduk kabupaten ini saja."
    ),
}


def applications_demo_seed() -> int:
    """Create the demo applications; returns how many were created."""
    created = 0
    demo_services = ServiceType.objects.filter(
        pemda__is_active=True, is_active=True, accepts_online=True, standards__status="published"
    ).select_related("pemda", "opd")
    for service in demo_services:
        if Application.objects.filter(service=service, channel=DEMO_CHANNEL).exists():
            continue
        with transaction.atomic():
            for n, (steps, days_ago, overdue) in enumerate(PLAN):
                app = _submit(service, n)
                for step in steps:
                    STEPS[step](app)
                _backdate(app, days_ago, overdue)
                created += 1
    return created


#: The moments each step sets, besides its timeline event.
STEP_FIELDS = {
    "submit": ("submitted_at",),
    "verify": ("verified_at",),
    "complete": ("completed_at", "product_ready_at"),
    "reject": ("rejected_at",),
}


def _backdate(app: Application, days_ago: int, overdue: bool) -> None:
    """Move a demo application's dates into the past (demo data only): submitted ``days_ago``
    days ago, each later step a day after the one before (closer together when that would
    reach today). Overdue ones stay open past their due moment, for the escalation job to find
    as it would in real life."""
    if not days_ago:
        return
    events = list(app.events.order_by("created_at", "pk"))
    first = timezone.now() - dt.timedelta(days=days_ago)
    gap = min(dt.timedelta(days=1), dt.timedelta(days=days_ago) / (len(events) + 1))
    moments: dict[str, dt.datetime] = {}
    for i, event in enumerate(events):
        moments[event.action] = first + gap * i
        ApplicationEvent.objects.filter(pk=event.pk).update(created_at=moments[event.action])
    Application.objects.filter(pk=app.pk).update(
        **{
            name: moments[action]
            for action, names in STEP_FIELDS.items()
            if action in moments
            for name in names
        }
    )
    app.documents.update(uploaded_at=moments["submit"])  # sent with the application
    if "return" in moments:
        ClockSuspension.objects.filter(application=app).update(started_at=moments["return"])
    app.refresh_from_db()
    app.due_at = services.application_due_compute(app)
    Application.objects.filter(pk=app.pk).update(due_at=app.due_at)
    if app.verified_at is not None:
        # What the verification told the citizen: the standard's time from then, before any
        # later return for correction stopped the clock.
        standard = app.standard
        promised = clock_for_pemda(app.pemda).add(
            app.verified_at, standard.completion_time_value, standard.completion_time_unit
        )
        app.events.filter(action="verify").update(message=services.due_message(app, promised))
    assert not overdue or app.is_open
