"""Reads of personal-data protection: the processing register, the access log, requests,
breaches, consent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from melayani.audit.models import AuditEvent
from melayani.core import access
from melayani.core.models import Pemda, Role
from melayani.privacy import subjects
from melayani.privacy.inventory import PersonalRecord, RetentionAction, records
from melayani.privacy.models import (
    Breach,
    Consent,
    RetentionPolicy,
    SubjectRequest,
)

MANAGE = "privacy.manage"
REVIEW_ACCESS_LOG = "audit.view_events"
UNMASKED_ACTION = "personal_data.viewed_unmasked"
#: A clock shows "due soon" this long before a 3 × 24 hour deadline.
DUE_SOON = dt.timedelta(hours=24)


def pemda_for(user: Any, code: str, action: str) -> Pemda | None:
    """The Pemda with this code if ``user`` may perform ``action`` in it (else ``None``)."""
    return access.scoped(user, Pemda.objects.filter(code=code), action).first()


# --- the processing register ------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    record_type: str
    description: str
    purpose: str
    basis: str
    basis_label: str
    subjects: str
    fields: list[str]
    data_classes: list[str]
    retention_days: int | None
    retention_action: str
    keep_reason: str
    visible_to: list[str]


def _roles_with(pemda: Pemda, actions: tuple[str, ...]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    roles = (
        Role.objects.filter(Q(pemda__isnull=True) | Q(pemda=pemda))
        .prefetch_related("actions")
        .order_by("name")
    )
    for role in roles:
        codes = {a.code for a in role.actions.all()}
        for action in actions:
            if action in codes:
                found.setdefault(action, []).append(str(role.name))
    return found


def processing_register(pemda: Pemda) -> list[RegisterRow]:
    """The Pemda's register of processing (generated from the inventory, with its own
    retention periods and the roles that may see each record's data whole)."""
    from melayani.privacy.inventory import LawfulBasis

    policies = dict(RetentionPolicy.objects.filter(pemda=pemda).values_list("record_type", "days"))
    wanted = tuple({a for r in records() for a in r.visible_to})
    roles = _roles_with(pemda, wanted)
    rows = []
    for record in records():
        if not record.fields:
            continue
        retention = record.retention
        rows.append(
            RegisterRow(
                record_type=record.label,
                description=str(record.description),
                purpose=str(record.purpose),
                basis=str(record.basis),
                basis_label=str(LawfulBasis(record.basis).label),
                subjects=str(record.subjects),
                fields=[f.name for f in record.fields],
                data_classes=sorted(str(c) for c in record.data_classes),
                retention_days=(
                    policies.get(record.label, retention.days) if retention is not None else None
                ),
                retention_action=(
                    str(RetentionAction(retention.action).label) if retention is not None else ""
                ),
                keep_reason=str(retention.keep_reason) if retention is not None else "",
                visible_to=sorted({name for a in record.visible_to for name in roles.get(a, [])}),
            )
        )
    return rows


def retention_rows(pemda: Pemda) -> list[tuple[PersonalRecord, int, bool]]:
    """(record, days in force, whether the Pemda set its own) for every retention rule."""
    policies = dict(RetentionPolicy.objects.filter(pemda=pemda).values_list("record_type", "days"))
    return [
        (r, policies.get(r.label, r.retention.days), r.label in policies)
        for r in records()
        if r.retention is not None
    ]


# --- the access log ---------------------------------------------------------------------------


def access_log(
    *, user: Any, pemda: Pemda, date_from: dt.date | None = None, actor: str = ""
) -> QuerySet[AuditEvent]:
    """Reads of unmasked personal data in ``pemda`` that ``user`` may review, newest first."""
    events = access.scoped(
        user, AuditEvent.objects.filter(pemda=pemda, action=UNMASKED_ACTION), REVIEW_ACCESS_LOG
    )
    if date_from is not None:
        zone = timezone.get_current_timezone()
        events = events.filter(
            created_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
        )
    if actor:
        events = events.filter(actor_label__icontains=actor)
    return events.order_by("-created_at", "-pk")


# --- requests and breaches --------------------------------------------------------------------


def subject_requests(*, user: Any, pemda: Pemda) -> QuerySet[SubjectRequest]:
    return access.scoped(user, SubjectRequest.objects.filter(pemda=pemda), MANAGE).order_by(
        "-received_at", "-pk"
    )


def subject_request_for(*, user: Any, pemda: Pemda, reference: str) -> SubjectRequest:
    return access.access_object(
        user, SubjectRequest.objects.filter(pemda=pemda), MANAGE, reference=reference
    )


def subject_request_public(*, pemda: Pemda, reference: str, contact: str) -> SubjectRequest | None:
    """A requester's own request: its reference plus the contact given at intake (``None``
    alike for an unknown reference and a wrong contact)."""
    request = SubjectRequest.objects.filter(pemda=pemda, reference=reference).first()
    if request is None or not contact:
        return None
    given = (request.contact or "").strip().lower()
    return request if given and given == contact.strip().lower() else None


def breaches(*, user: Any, pemda: Pemda) -> QuerySet[Breach]:
    return access.scoped(user, Breach.objects.filter(pemda=pemda), MANAGE).order_by(
        "-discovered_at", "-pk"
    )


def breach_for(*, user: Any, pemda: Pemda, reference: str) -> Breach:
    return access.access_object(
        user, Breach.objects.filter(pemda=pemda), MANAGE, reference=reference
    )


@dataclass(frozen=True)
class Clock:
    """A 3 × 24 hour clock as shown: the deadline, hours left (negative once late), a tone."""

    due_at: dt.datetime
    hours_left: int
    tone: str  # "ok", "soon", "overdue", "done"
    stopped_at: dt.datetime | None

    @property
    def overdue(self) -> bool:
        return self.tone == "overdue"


def legal_clock(due_at: dt.datetime, *, stopped_at: dt.datetime | None = None) -> Clock:
    now = stopped_at or timezone.now()
    left = due_at - now
    hours = int(left.total_seconds() // 3600)
    if stopped_at is not None:
        tone = "done" if stopped_at <= due_at else "overdue"
    elif left < dt.timedelta(0):
        tone = "overdue"
    elif left <= DUE_SOON:
        tone = "soon"
    else:
        tone = "ok"
    return Clock(due_at=due_at, hours_left=hours, tone=tone, stopped_at=stopped_at)


# --- consent ----------------------------------------------------------------------------------


def consent_current(*, pemda: Pemda | int, purpose: str, contact: str) -> Consent | None:
    """The consent in force for ``purpose`` and this phone/e-mail, or ``None``."""
    contact = (contact or "").strip().lower()
    if not contact:
        return None
    pemda_id = pemda if isinstance(pemda, int) else pemda.pk
    return Consent.objects.filter(
        pemda_id=pemda_id,
        purpose=purpose,
        contact_index__in=subjects.contact_index_candidates(contact),
        withdrawn_at__isnull=True,
    ).first()


def consents_for(*, pemda: Pemda, contact: str) -> list[Consent]:
    contact = (contact or "").strip().lower()
    if not contact:
        return []
    return list(
        Consent.objects.filter(
            pemda=pemda, contact_index__in=subjects.contact_index_candidates(contact)
        ).order_by("purpose", "-given_at")
    )


#: Channels that are optional features (consent needed) and the purpose that covers each.
CHANNEL_PURPOSES = {"whatsapp": "whatsapp"}


def message_allowed(*, pemda: Pemda | int | None, channel: str, to: str) -> bool:
    """Whether a short message may go to ``to`` on ``channel``.

    SMS for news of a person's own application is part of the service they asked for (its basis
    is the public service); WhatsApp is an optional feature and needs consent in force in the
    Pemda. Unknown channels are refused."""
    if channel == "sms":
        return True
    purpose = CHANNEL_PURPOSES.get(channel)
    if purpose is None or pemda is None:
        return False
    return consent_current(pemda=pemda, purpose=purpose, contact=to) is not None
