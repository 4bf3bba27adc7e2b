"""Submissions through the real service: a published service and valid form data for it."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from melayani.applications import services
from melayani.applications.models import Application
from melayani.catalog.models import ServiceType
from melayani.core.models import OPD
from tests.catalog.factories import published_service

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NIK = "9301011708900003"
PHONE = "+6281234567890"
EMAIL = "yohana@example.id"


def service_make(opd: OPD, **kwargs: Any) -> ServiceType:
    """A service with the catalogue's default form (text, date, NIK, choice, phone; KTP upload)."""
    return published_service(opd, **kwargs)


def pdf(name: str = "ktp.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "applicant_name": "Yohana Gebze",
        "applicant_phone": "0812-3456-7890",
        "applicant_email": EMAIL,
        "applicant_nik": NIK,
        "nama-anak": "Maria Gebze",
        "tanggal-lahir": "2026-10-01",
        "jenis-kelamin": "Perempuan",
        "telepon": "0812 3456 7891",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit(
    service: ServiceType, *, files: dict[str, Any] | None = None, **kwargs: Any
) -> Application:
    data = form_data(**kwargs.pop("data", {}))
    return services.application_submit(
        service=service,
        data=data,
        files={"ktp": pdf()} if files is None else files,
        **kwargs,
    )
