"""Complaint factories: reports made through the intake service, as citizens make them."""

from __future__ import annotations

from typing import Any

from melayani.complaints import services
from melayani.complaints.models import Complaint
from melayani.core.models import Pemda

REPORTER = {
    "reporter_name": "Maria Gebze",
    "reporter_phone": "0812-4455-6677",
    "reporter_email": "maria.gebze@example.com",
    "reporter_nik": "9301014506900003",
}


def report_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "classification": "complaint",
        "title": "KTP belum selesai dua minggu",
        "text": "Saya mengurus KTP elektronik di Dukcapil sejak dua minggu lalu dan belum selesai.",
        **REPORTER,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def report(pemda: Pemda, **overrides: Any) -> Complaint:
    return services.complaint_submit(pemda=pemda, data=report_data(**overrides))
