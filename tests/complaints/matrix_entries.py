"""Entries for the tenancy matrix (tests/core/test_tenancy_matrix.py):

    from tests.complaints.matrix_entries import COMPLAINT_OBJECT_TYPES, COMPLAINT_URL_KWARGS
    URL_KWARGS.update(COMPLAINT_URL_KWARGS); OBJECT_TYPES.update(COMPLAINT_OBJECT_TYPES)

Through the core access layer a complaint is the coordinators' (``complaints.coordinate``); a
disposition and a unit's answer belong to the unit (``complaints.handle``); the Pemda's stage
limits are shared within the Pemda. The finer rules (whistleblowing, anonim, rahasia) live in
``melayani.complaints.access`` and are proven in tests/complaints/test_confidentiality.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

MATRIX_CODE = "ZZZZZZZZZZ"  # a code that exists nowhere: reporter pages answer "track first"
COORDINATORS = {"complaint_coordinator"}
UNIT_HANDLERS = {"opd_head", "liaison"}
SHARED_IN_PEMDA = {
    "officer",
    "opd_head",
    "liaison",
    "pemda_admin",
    "reform_team",
    "inspector",
    "complaint_coordinator",
    "dpo",
    "leader",
    "national_analyst",
    "kemenpanrb_evaluator",
    "platform_admin",
}


def _complaint(w: Any) -> Any:
    from melayani.complaints.models import Complaint

    existing = getattr(w, "_matrix_complaint", None)
    if existing is not None and Complaint.objects.filter(pk=existing.pk).exists():
        return existing
    import secrets

    complaint = Complaint.objects.create(
        pemda=w.merauke,
        tracking_code=secrets.token_hex(5).upper(),
        channel="web",
        title="Jalan rusak",
        text="Jalan di depan kantor distrik rusak berat.",
        reporter_name="Warga",
        reporter_phone="+6281234567890",
        submitted_at=timezone.now(),
    )
    w._matrix_complaint = complaint
    return complaint


def _fresh_complaint(w: Any) -> Any:
    w._matrix_complaint = None
    return _complaint(w)


def _disposition(w: Any) -> Any:
    now = timezone.now()
    return _fresh_complaint(w).dispositions.create(
        to_opd=w.dukcapil, created_at=now, started_at=now
    )


def _response(w: Any) -> Any:
    return _fresh_complaint(w).responses.create(
        opd=w.dukcapil, author=w["liaison"], text="Jawaban", created_at=timezone.now()
    )


def _event(w: Any) -> Any:
    return _fresh_complaint(w).events.create(created_at=timezone.now(), action="submit")


def _attachment(w: Any) -> Any:
    from django.core.files.base import ContentFile

    return _fresh_complaint(w).attachments.create(
        file=ContentFile(b"%PDF-1.4", name="foto.pdf"),
        original_name="foto.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
    )


def _rule(w: Any) -> Any:
    from melayani.complaints.models import DeadlineRule

    return DeadlineRule.objects.create(
        pemda=w.merauke,
        stage="follow_up",
        value=7,
        unit="working_days",
        clock_start="disposed",
        valid_from=dt.date(2026, 1, 1),
    )


COMPLAINT_OBJECT_TYPES: dict[str, tuple[Callable[[Any], Any], str, set[str]]] = {
    "complaints.complaint": (_fresh_complaint, "complaints.coordinate", COORDINATORS),
    "complaints.complaintevent": (_event, "complaints.coordinate", COORDINATORS),
    "complaints.complaintattachment": (_attachment, "complaints.coordinate", COORDINATORS),
    "complaints.complaintdisposition": (_disposition, "complaints.handle", UNIT_HANDLERS),
    "complaints.complaintresponse": (_response, "complaints.handle", UNIT_HANDLERS),
    "complaints.deadlinerule": (_rule, "pemda.view", SHARED_IN_PEMDA),
}


def _merauke(w: Any) -> dict[str, Any]:
    return {"pemda_code": w.merauke.code}


COMPLAINT_URL_KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "complaints:submit": _merauke,
    "complaints:public": _merauke,
    "complaints:status": lambda w: {"code": MATRIX_CODE},
    "complaints:receipt": lambda w: {"code": MATRIX_CODE},
    "complaints:reply": lambda w: {"code": MATRIX_CODE},
    "complaints:detail": lambda w: {"pk": _complaint(w).pk},
    "complaints:act": lambda w: {"pk": _complaint(w).pk, "action": "verify"},
    "complaints:attachment": lambda w: {"pk": _complaint(w).pk, "attachment_pk": 999999},
    "api-v1:complaint_submit": _merauke,
    **{
        f"api-v1:complaint_{name}": (lambda w: {"tracking_code": MATRIX_CODE})
        for name in (
            "officer_detail",
            "classify",
            "hold",
            "verify",
            "archive",
            "dispose",
            "answer",
            "review",
        )
    },
}
