"""Entries for the tenancy matrix (tests/core/test_tenancy_matrix.py)::

    from tests.privacy.matrix_entries import PRIVACY_OBJECT_TYPES, PRIVACY_URL_KWARGS
    URL_KWARGS.update(PRIVACY_URL_KWARGS)
    OBJECT_TYPES.update(PRIVACY_OBJECT_TYPES)

Data-subject requests, breaches and their notices, consents and retention policies are the data
protection officer's (``privacy.manage``): nobody else reads them, not even platform staff.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.utils import timezone

DPO_ONLY = {"dpo"}


def _request(w: Any) -> Any:
    from melayani.privacy.inventory import SubjectIdentity
    from melayani.privacy.services import subject_request_submit

    phone = f"+62812{secrets.randbelow(10**8):08d}"
    return subject_request_submit(
        pemda=w.merauke,
        kind="access",
        identity=SubjectIdentity(pemda_id=w.merauke.pk, phones=(phone,)),
        verified_by="tracking_code",
        contact=phone,
    )


def _breach(w: Any) -> Any:
    from melayani.privacy.services import breach_record

    return breach_record(actor=w["dpo"], pemda=w.merauke, title="Matrix breach")


def _notice(w: Any) -> Any:
    from melayani.privacy.models import BreachNotice

    return BreachNotice.objects.create(
        breach=_breach(w),
        audience="authority",
        body="x",
        issued_at=timezone.now(),
        issued_by=w["dpo"],
    )


def _consent(w: Any) -> Any:
    from melayani.privacy.services import consent_give

    return consent_give(pemda=w.merauke, purpose="whatsapp", contact="+6281200000002")


def _policy(w: Any) -> Any:
    from melayani.privacy.models import RetentionPolicy

    return RetentionPolicy.objects.create(
        pemda=w.merauke, record_type="applications.application", days=400
    )


PRIVACY_OBJECT_TYPES: dict[str, tuple[Callable[[Any], Any], str, set[str]]] = {
    "privacy.subjectrequest": (_request, "privacy.manage", DPO_ONLY),
    "privacy.breach": (_breach, "privacy.manage", DPO_ONLY),
    "privacy.breachnotice": (_notice, "privacy.manage", DPO_ONLY),
    "privacy.consent": (_consent, "privacy.manage", DPO_ONLY),
    "privacy.retentionpolicy": (_policy, "privacy.manage", DPO_ONLY),
}


def _pemda(w: Any) -> dict[str, Any]:
    return {"pemda_code": w.merauke.code}


PRIVACY_URL_KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "privacy:dashboard": _pemda,
    "privacy:register": _pemda,
    "privacy:register-xlsx": _pemda,
    "privacy:register-json": _pemda,
    "privacy:access-log": _pemda,
    "privacy:access-log-xlsx": _pemda,
    "privacy:request": lambda w: {**_pemda(w), "reference": _request(w).reference},
    "privacy:request-export": lambda w: {**_pemda(w), "reference": _request(w).reference},
    "privacy:breach-new": _pemda,
    "privacy:breach": lambda w: {**_pemda(w), "reference": _breach(w).reference},
    "privacy:retention": _pemda,
    "privacy:request-new": _pemda,
    "privacy:request-status": _pemda,
    "privacy:consent": _pemda,
    "privacy:notice": _pemda,
}
