"""Factories for the service catalogue; other apps' tests import ``published_service`` too.

``published_service(opd, code="akta-kelahiran")`` gives a ServiceType with one published standard
(through the real services, so it obeys every publishing rule) including form fields of several
types and a file field tied to each requirement that needs an upload.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import factory

from melayani.catalog import services
from melayani.catalog.models import ServiceStandard, ServiceType
from melayani.core.models import OPD
from tests.core.factories import OPDFactory


class ServiceTypeFactory(factory.django.DjangoModelFactory[ServiceType]):
    class Meta:
        model = ServiceType

    opd = factory.SubFactory(OPDFactory)
    pemda = factory.LazyAttribute(lambda s: s.opd.pemda)
    code = factory.Sequence(lambda n: f"layanan-{n}")
    name = factory.Sequence(lambda n: f"Layanan Contoh {n}")
    description = "Layanan contoh untuk pengujian."
    keywords = ""
    accepts_online = True
    is_active = True


COMPONENTS: dict[str, Any] = {
    "product": "Akta Kelahiran (dokumen elektronik dengan TTE)",
    "complaint_handling": "SP4N-LAPOR!, WhatsApp 0811-0000-0000, kotak saran di loket",
    "legal_basis": "UU 24/2013 tentang Administrasi Kependudukan",
    "facilities": "Ruang tunggu, loket prioritas untuk penyandang disabilitas dan lansia",
    "staff_competence": "Memahami peraturan adminduk dan SIAK",
    "internal_supervision": "Kepala Bidang dan Kepala Dinas",
    "staff_count": "4 orang",
    "service_guarantee": "Pelayanan sesuai standar yang ditetapkan",
    "safety_guarantee": "Data pemohon dijaga kerahasiaannya",
    "performance_evaluation": "Evaluasi setiap tiga bulan",
}

DEFAULT_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    # (key, label, field_type, choices)
    ("nama-anak", "Nama anak", "text", ""),
    ("tanggal-lahir", "Tanggal lahir", "date", ""),
    ("nik-pelapor", "NIK pelapor", "nik", ""),
    ("jenis-kelamin", "Jenis kelamin", "choice", "Laki-laki\nPerempuan"),
    ("telepon", "Nomor telepon", "phone", ""),
)


def draft_standard(
    service: ServiceType,
    *,
    completion: tuple[int, str] = (5, "working_days"),
    fee: int | None = None,
    requirements: Sequence[tuple[str, bool]] = (("KTP", True), ("Kartu Keluarga", False)),
    steps: Sequence[str] = ("Isi formulir", "Petugas memeriksa berkas", "Ambil produk"),
    fields: Sequence[tuple[str, str, str, str]] = DEFAULT_FIELDS,
    **components: Any,
) -> ServiceStandard:
    """A complete draft (ready to publish) built through the services."""
    values = {**COMPONENTS, **components}
    if fee is not None:
        values.update(
            fee_is_free=False,
            fee_amount=Decimal(fee),
            fee_legal_basis=values.get("fee_legal_basis") or "Perda 1/2024 tentang Retribusi",
        )
    standard = services.standard_draft_create(
        actor=None,
        service=service,
        completion_time_value=completion[0],
        completion_time_unit=completion[1],
        **values,
    )
    for text, needs_upload in requirements:
        services.requirement_add(
            actor=None, standard=standard, text=text, needs_upload=needs_upload
        )
    for text in steps:
        services.step_add(actor=None, standard=standard, text=text)
    for key, label, field_type, choices in fields:
        services.form_field_add(
            actor=None,
            standard=standard,
            key=key,
            label=label,
            field_type=field_type,
            choices=choices,
        )
    return standard


def published_service(
    opd: OPD | None = None,
    *,
    code: str | None = None,
    name: str | None = None,
    completion: tuple[int, str] = (5, "working_days"),
    fee: int | None = None,
    requirements: Sequence[tuple[str, bool]] = (("KTP", True), ("Kartu Keluarga", False)),
    steps: Sequence[str] = ("Isi formulir", "Petugas memeriksa berkas", "Ambil produk"),
    fields: Sequence[tuple[str, str, str, str]] = DEFAULT_FIELDS,
    keywords: str = "",
    description: str = "Layanan contoh untuk pengujian.",
    accepts_online: bool = True,
    decree_number: str = "188.4/12/2026",
    decree_date: datetime.date = datetime.date(2026, 1, 5),
    **components: Any,
) -> ServiceType:
    """A service of ``opd`` with one published standard (version 1).

    Each ``(text, True)`` requirement gets a required file field tied to it; ``fields`` adds
    ``(key, label, type, choices)`` fields (default: text, date, NIK, choice and phone).
    """
    opd = opd or OPDFactory()
    extra: dict[str, Any] = {
        "keywords": keywords,
        "description": description,
        "accepts_online": accepts_online,
    }
    if code is not None:
        extra["code"] = code
    if name is not None:
        extra["name"] = name
    service = ServiceTypeFactory(opd=opd, **extra)
    standard = draft_standard(
        service,
        completion=completion,
        fee=fee,
        requirements=requirements,
        steps=steps,
        fields=fields,
        **components,
    )
    services.standard_publish(
        actor=None, standard=standard, decree_number=decree_number, decree_date=decree_date
    )
    return service
