"""Writes of personal-data protection: the access log, data-subject requests, breaches, consent
and retention policies. Each function is one transaction with its audit event.

**The access log.** Every read of unmasked personal data by an official goes through
:func:`unmasked_read_record` — the one function — which writes a ``personal_data.viewed_unmasked``
event into the Pemda's hash-chained audit trail: who (the actor), what (record type, id and the
field names, never the values), when, and why (the surface and its context). The DPO and the
Inspektorat review them (:func:`melayani.privacy.selectors.access_log`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from melayani.audit.services import audit_record
from melayani.core import access
from melayani.core.fields import blind_index
from melayani.core.models import Pemda, User
from melayani.privacy import subjects
from melayani.privacy.inventory import SubjectIdentity, record_for, records
from melayani.privacy.models import (
    LEGAL_LIMIT_HOURS,
    OPEN_REQUEST_STATUSES,
    Breach,
    BreachNotice,
    BreachStatus,
    Consent,
    ConsentPurpose,
    NoticeAudience,
    RequestKind,
    RequestStatus,
    RetentionPolicy,
    SubjectRequest,
)
from melayani.workcalendar.clock import DeadlineUnit
from melayani.workcalendar.selectors import clock_for_pemda

MANAGE = "privacy.manage"
UNMASKED_ACTION = "personal_data.viewed_unmasked"
DETAILS_MAX = 2000
REFERENCE_LENGTH = 10


class PrivacyError(ValidationError):
    """A refused write, with a stable ``code`` the UI and the API translate."""


def _require(actor: User | None, pemda: Pemda) -> User:
    if actor is None or not access.can(actor, MANAGE, pemda=pemda):
        raise PermissionDenied
    return actor


def legal_deadline(pemda: Pemda, start: dt.datetime) -> dt.datetime:
    """3 × 24 hours from ``start`` on the Pemda's clock (wall-clock hours)."""
    return clock_for_pemda(pemda).add(start, LEGAL_LIMIT_HOURS, DeadlineUnit.HOURS)


# --- the access log ---------------------------------------------------------------------------


def unmasked_read_record(
    *,
    actor: Any,
    pemda: Pemda | None,
    target: Model | None = None,
    target_type: str = "",
    target_id: str = "",
    fields: Sequence[str],
    surface: str,
    context: Mapping[str, Any] | None = None,
) -> None:
    """Log one read of unmasked personal data by an official (the one function for it).

    ``fields`` are field names, ``surface`` where it was shown (``"workbench.detail"``,
    ``"api.application"``, ``"privacy.request_export"`` …), ``context`` identifiers only (a
    tracking code, a request reference), never the values. Reads by a person of their own data,
    and by the system, are not logged here.
    """
    if actor is None or getattr(actor, "kind", "") != User.Kind.OFFICIAL or not fields:
        return
    audit_record(
        actor=actor,
        action=UNMASKED_ACTION,
        target=target,
        target_type=target_type,
        target_id=target_id,
        pemda=pemda,
        context={**dict(context or {}), "fields": sorted(set(fields)), "surface": surface},
    )


# --- data-subject requests --------------------------------------------------------------------


def _identity_digest(identity: SubjectIdentity, kind: str) -> str:
    keys = sorted(
        [*identity.phones, *identity.emails, *identity.nik_indexes]
        + ([f"user:{identity.user_id}"] if identity.user_id else [])
    )
    return blind_index(f"{identity.pemda_id}|{kind}|{'|'.join(keys)}", purpose="subject-request")


def _new_reference(model: type[Model]) -> str:
    from melayani.privacy.codes import code_new

    for _attempt in range(10):
        code = code_new()
        if not model._default_manager.filter(reference=code).exists():
            return code
    raise RuntimeError("no free reference code")  # pragma: no cover - 50 bits of randomness


def subject_request_submit(
    *,
    pemda: Pemda,
    kind: str,
    identity: SubjectIdentity,
    verified_by: str,
    contact: str = "",
    details: str = "",
    requester: User | None = None,
) -> SubjectRequest:
    """Record a verified request; due 3 × 24 hours later.

    Refused with code ``repeat`` when the same person already has an open request of this kind.
    """
    if kind not in RequestKind.values:
        raise PrivacyError(_("Choose what you are asking for."), code="kind")
    if identity.pemda_id != pemda.pk:
        raise PrivacyError(_("This request cannot be verified."), code="unverified")
    details = (details or "").strip()
    if len(details) > DETAILS_MAX:
        raise PrivacyError(
            _("Keep the details under %(max)d characters.") % {"max": DETAILS_MAX}, code="details"
        )
    if kind == RequestKind.CORRECTION and not details:
        raise PrivacyError(_("Tell us what is wrong and what it should be."), code="details")
    digest = _identity_digest(identity, kind)
    repeat = PrivacyError(_("A request of this kind is already being handled."), code="repeat")
    open_same = SubjectRequest.objects.filter(
        pemda=pemda, identity_digest=digest, status__in=OPEN_REQUEST_STATUSES
    )
    if open_same.exists():
        raise repeat
    now = timezone.now()
    try:
        with transaction.atomic():
            request = SubjectRequest.objects.create(
                pemda=pemda,
                reference=_new_reference(SubjectRequest),
                kind=kind,
                verified_by=verified_by,
                requester_user=requester if requester and requester.is_authenticated else None,
                identity=json.dumps(identity.as_json()),
                identity_digest=digest,
                contact=contact,
                details=details,
                received_at=now,
                due_at=legal_deadline(pemda, now),
            )
            audit_record(
                actor=requester,
                action="privacy.request_received",
                target=request,
                pemda=pemda,
                context={"reference": request.reference, "kind": kind, "verified_by": verified_by},
            )
    except IntegrityError:  # the same request twice at the same moment: the unique constraint
        raise repeat from None
    return request


def request_identity(request: SubjectRequest) -> SubjectIdentity:
    return SubjectIdentity.from_json(json.loads(request.identity))


def _audit_request(actor: User, request: SubjectRequest, action: str, **context: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=request,
        pemda=request.pemda,
        context={"reference": request.reference, **context},
    )


def _lock_open(request: SubjectRequest) -> SubjectRequest:
    locked = SubjectRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.is_open:
        raise PrivacyError(_("This request is already closed."), code="closed")
    return locked


def subject_request_start(*, actor: User, request: SubjectRequest) -> SubjectRequest:
    _require(actor, request.pemda)
    with transaction.atomic():
        locked = _lock_open(request)
        if locked.status == RequestStatus.IN_PROGRESS:
            return locked
        locked.status = RequestStatus.IN_PROGRESS
        locked.handled_by = actor
        locked.save(update_fields=["status", "handled_by"])
        _audit_request(actor, locked, "privacy.request_started")
    return locked


def _processing_log(rows: Iterable[tuple[str, str]], pemda: Pemda) -> list[dict[str, Any]]:
    """Every audit event on the person's records: the rekam jejak pemrosesan (Pasal 32)."""
    from melayani.audit.models import AuditEvent

    wanted: dict[str, list[str]] = {}
    for target_type, target_id in rows:
        wanted.setdefault(target_type, []).append(target_id)
    log = []
    for target_type, ids in sorted(wanted.items()):
        events = AuditEvent.objects.filter(
            pemda=pemda, target_type=target_type, target_id__in=ids
        ).order_by("created_at", "pk")
        for event in events:
            log.append(
                {
                    "at": event.created_at.isoformat(),
                    "record_type": target_type,
                    "record_id": event.target_id,
                    "action": event.action,
                    "by": event.actor_label,
                    "fields": event.context.get("fields", event.changed_fields),
                }
            )
    log.sort(key=lambda entry: entry["at"])
    return log


def subject_export(identity: SubjectIdentity, pemda: Pemda) -> dict[str, Any]:
    """The machine-readable export of one person's data in one Pemda, with the processing log."""
    found = list(subjects.subject_records(identity))
    out_records = []
    targets: list[tuple[str, str]] = []
    for item in found:
        record = item.record
        out_records.append(
            {
                "record_type": record.label,
                "description": str(record.description),
                "purpose": str(record.purpose),
                "lawful_basis": str(record.basis),
                "retention_days": _retention_days(record.label, pemda),
                "rows": [subjects.export_row(record, row) for row in item.rows],
            }
        )
        targets += [(record.label, str(row.pk)) for row in item.rows]
    return {
        "format": "melayani.personal-data-export/1",
        "pemda": {"code": pemda.code, "name": pemda.name},
        "generated_at": timezone.now().isoformat(),
        "records": out_records,
        "processing_log": _processing_log(targets, pemda),
    }


def _retention_days(label: str, pemda: Pemda) -> int | None:
    record = record_for(label)
    if record is None or record.retention is None:
        return None
    policy = RetentionPolicy.objects.filter(pemda=pemda, record_type=label).first()
    return policy.days if policy else record.retention.days


def subject_request_export(*, actor: User, request: SubjectRequest) -> SubjectRequest:
    """Build (again) the request's export; the DPO's reading of it is logged as unmasked."""
    _require(actor, request.pemda)
    with transaction.atomic():
        locked = SubjectRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == RequestStatus.REFUSED:
            raise PrivacyError(_("This request was refused."), code="closed")
        data = subject_export(request_identity(locked), locked.pemda)
        locked.export = json.dumps(data, ensure_ascii=False, sort_keys=True)
        if locked.status == RequestStatus.RECEIVED:
            locked.status = RequestStatus.IN_PROGRESS
            locked.handled_by = actor
        locked.save(update_fields=["export", "status", "handled_by"])
        counts = {r["record_type"]: len(r["rows"]) for r in data["records"]}
        _audit_request(actor, locked, "privacy.request_exported", records=counts)
        for item in data["records"]:
            fields = sorted({k for row in item["rows"] for k in row if k not in ("id", "record")})
            for row in item["rows"]:
                unmasked_read_record(
                    actor=actor,
                    pemda=locked.pemda,
                    target_type=item["record_type"],
                    target_id=str(row["id"]),
                    fields=fields,
                    surface="privacy.request_export",
                    context={"reference": locked.reference},
                )
    return locked


def subject_request_complete(
    *, actor: User, request: SubjectRequest, outcome: str = ""
) -> SubjectRequest:
    """Carry the request out and close it.

    Access: the export is (re)built. Erasure: every record is anonymised, or deleted where its
    declaration allows; records the law makes the Pemda keep stay, without personal data, and
    the reason is written in the outcome. Withdrawal: every current consent is withdrawn.
    Correction: the DPO writes what was corrected (``outcome`` required).
    """
    _require(actor, request.pemda)
    outcome = (outcome or "").strip()
    with transaction.atomic():
        locked = _lock_open(request)
        identity = request_identity(locked)
        lines: list[str] = []
        if locked.kind == RequestKind.ACCESS:
            data = subject_export(identity, locked.pemda)
            locked.export = json.dumps(data, ensure_ascii=False, sort_keys=True)
            lines.append(_("Your data and its processing log are ready to download."))
        elif locked.kind == RequestKind.ERASURE:
            lines += _erase_subject(actor, locked, identity)
        elif locked.kind == RequestKind.WITHDRAW_CONSENT:
            count = _withdraw_all(actor, locked.pemda, identity)
            lines.append(_("Consents withdrawn: %(count)d.") % {"count": count})
        elif not outcome:
            raise PrivacyError(_("Write what was corrected."), code="outcome")
        if outcome:
            lines.append(outcome)
        locked.outcome = "\n".join(lines)
        locked.status = RequestStatus.COMPLETED
        locked.completed_at = timezone.now()
        locked.handled_by = locked.handled_by or actor
        locked.save(update_fields=["export", "outcome", "status", "completed_at", "handled_by"])
        _audit_request(actor, locked, "privacy.request_completed", kind=locked.kind)
    return locked


def _erase_subject(actor: User, request: SubjectRequest, identity: SubjectIdentity) -> list[str]:
    lines = []
    for item in list(subjects.subject_records(identity)):
        record = item.record
        if record.label == "privacy.subjectrequest":
            continue
        done = {"anonymised": 0, "deleted": 0}
        for row in item.rows:
            target_id = str(row.pk)
            result = subjects.erase_row(record, row)
            done[result] += 1
            audit_record(
                actor=actor,
                action=f"personal_data.{result}",
                target_type=record.label,
                target_id=target_id,
                pemda=request.pemda,
                context={"reference": request.reference, "reason": "subject_request"},
            )
        reason = record.retention.keep_reason if record.retention else ""
        line = _("%(record)s: %(anonymised)d anonymised, %(deleted)d deleted.") % {
            "record": record.description,
            **done,
        }
        if done["anonymised"] and reason:
            line = f"{line} {reason}"
        lines.append(line)
    if not lines:
        lines.append(_("No further personal data was found."))
    return lines


def subject_request_refuse(*, actor: User, request: SubjectRequest, reason: str) -> SubjectRequest:
    """Refuse (UU PDP Pasal 15 / 33 exemptions only); the reason is shown to the requester."""
    _require(actor, request.pemda)
    reason = (reason or "").strip()
    if not reason:
        raise PrivacyError(_("Give the reason for the refusal."), code="reason")
    with transaction.atomic():
        locked = _lock_open(request)
        locked.status = RequestStatus.REFUSED
        locked.outcome = reason
        locked.completed_at = timezone.now()
        locked.handled_by = actor
        locked.save(update_fields=["status", "outcome", "completed_at", "handled_by"])
        _audit_request(actor, locked, "privacy.request_refused")
    return locked


# --- consent ----------------------------------------------------------------------------------

#: The text a person agrees to, per purpose and version (a new wording is a new version).
CONSENT_TEXTS: dict[str, tuple[str, str]] = {
    ConsentPurpose.SURVEY_FOLLOWUP: (
        "2026-1",
        "Saya setuju dihubungi kembali oleh Pemda untuk survei lanjutan tentang layanan yang "
        "saya terima. Persetujuan ini dapat saya tarik kapan saja.",
    ),
    ConsentPurpose.WHATSAPP: (
        "2026-1",
        "Saya setuju menerima kabar permohonan saya melalui WhatsApp di nomor yang saya berikan. "
        "Persetujuan ini dapat saya tarik kapan saja.",
    ),
}


def _normal_contact(contact: str) -> str:
    return (contact or "").strip().lower()


def consent_give(*, pemda: Pemda, purpose: str, contact: str, user: User | None = None) -> Consent:
    """Record consent with the current text version (idempotent while it stands)."""
    if purpose not in CONSENT_TEXTS:
        raise PrivacyError(_("Unknown purpose."), code="purpose")
    contact = _normal_contact(contact)
    if not contact:
        raise PrivacyError(_("Give the phone number or e-mail address."), code="contact")
    version, text = CONSENT_TEXTS[purpose]
    indexes = subjects.contact_index_candidates(contact)
    with transaction.atomic():
        current = Consent.objects.filter(
            pemda=pemda, purpose=purpose, contact_index__in=indexes, withdrawn_at__isnull=True
        ).first()
        if current is not None:
            return current
        try:
            with transaction.atomic():
                consent = Consent.objects.create(
                    pemda=pemda,
                    purpose=purpose,
                    contact=contact,
                    contact_index=indexes[0],
                    user=user if user and user.is_authenticated else None,
                    text_version=version,
                    text=text,
                    given_at=timezone.now(),
                )
        except IntegrityError:
            return Consent.objects.get(
                pemda=pemda, purpose=purpose, contact_index=indexes[0], withdrawn_at__isnull=True
            )
        audit_record(
            actor=user,
            action="privacy.consent_given",
            target=consent,
            pemda=pemda,
            context={"purpose": purpose, "text_version": version},
        )
    return consent


def consent_withdraw(*, pemda: Pemda, purpose: str, contact: str, actor: User | None = None) -> int:
    """Withdraw the current consent for ``purpose``; processing stops now (limit: 3 × 24 h)."""
    indexes = subjects.contact_index_candidates(_normal_contact(contact))
    with transaction.atomic():
        current = list(
            Consent.objects.select_for_update().filter(
                pemda=pemda, purpose=purpose, contact_index__in=indexes, withdrawn_at__isnull=True
            )
        )
        now = timezone.now()
        for consent in current:
            consent.withdrawn_at = now
            consent.stop_due_at = legal_deadline(pemda, now)
            consent.save(update_fields=["withdrawn_at", "stop_due_at"])
            audit_record(
                actor=actor,
                action="privacy.consent_withdrawn",
                target=consent,
                pemda=pemda,
                context={"purpose": purpose},
            )
    return len(current)


def _withdraw_all(actor: User, pemda: Pemda, identity: SubjectIdentity) -> int:
    contacts = {*identity.phones, *identity.emails}
    if identity.user_id is not None:
        for consent in Consent.objects.filter(
            pemda=pemda, user_id=identity.user_id, withdrawn_at__isnull=True
        ):
            contacts.add(consent.contact)
    count = 0
    for contact in sorted(contacts):
        for purpose in CONSENT_TEXTS:
            count += consent_withdraw(pemda=pemda, purpose=purpose, contact=contact, actor=actor)
    return count


# --- breaches ---------------------------------------------------------------------------------

BREACH_TEXT_FIELDS = ("data_disclosed", "how", "handling")


def breach_record(
    *,
    actor: User,
    pemda: Pemda,
    title: str,
    discovered_at: dt.datetime | None = None,
    occurred_at: dt.datetime | None = None,
    description: str = "",
) -> Breach:
    """Record a suspected breach; the 3 × 24 hours for the notices run from its discovery."""
    _require(actor, pemda)
    title = (title or "").strip()
    if not title:
        raise PrivacyError(_("Give the breach a short title."), code="title")
    now = timezone.now()
    discovered_at = discovered_at or now
    if discovered_at > now:
        raise PrivacyError(_("The discovery cannot be in the future."), code="discovered_at")
    if occurred_at is not None and occurred_at > discovered_at:
        raise PrivacyError(
            _("It cannot have happened after it was discovered."), code="occurred_at"
        )
    with transaction.atomic():
        breach = Breach.objects.create(
            pemda=pemda,
            reference=_new_reference(Breach),
            title=title[:200],
            discovered_at=discovered_at,
            occurred_at=occurred_at,
            due_at=legal_deadline(pemda, discovered_at),
            recorded_by=actor,
            how=(description or "").strip(),
        )
        audit_record(
            actor=actor,
            action="privacy.breach_recorded",
            target=breach,
            pemda=pemda,
            context={"reference": breach.reference},
        )
    return breach


def breach_assess(*, actor: User, breach: Breach, **values: Any) -> Breach:
    """Record the assessment: what data, when and how, handling and recovery, who is affected,
    and whether the subjects and the public must be told (the authority always is)."""
    _require(actor, breach.pemda)
    allowed = {*BREACH_TEXT_FIELDS, "subjects_affected", "notify_subjects", "notify_public"}
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        locked = Breach.objects.select_for_update().get(pk=breach.pk)
        if locked.status in (BreachStatus.NOTIFIED, BreachStatus.CLOSED):
            raise PrivacyError(_("The notices have been issued already."), code="closed")
        before = {name: getattr(locked, name) for name in allowed}
        for name, value in values.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        missing = [name for name in BREACH_TEXT_FIELDS if not getattr(locked, name)]
        if missing:
            raise PrivacyError(
                _("The notices must say what data, when and how, and the handling."),
                code="incomplete",
            )
        locked.status = BreachStatus.ASSESSED
        locked.assessed_at = timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            action="privacy.breach_assessed",
            target=locked,
            pemda=locked.pemda,
            before=before,
            after={name: getattr(locked, name) for name in allowed},
            context={"reference": locked.reference},
        )
    return locked


def breach_notices_issue(
    *, actor: User, breach: Breach, bodies: Mapping[str, str]
) -> list[BreachNotice]:
    """Issue the written notices (text as rendered for each audience) and stop the clock."""
    _require(actor, breach.pemda)
    with transaction.atomic():
        locked = Breach.objects.select_for_update().get(pk=breach.pk)
        if locked.status != BreachStatus.ASSESSED:
            raise PrivacyError(_("Assess the breach before issuing notices."), code="status")
        now = timezone.now()
        notices = [
            BreachNotice.objects.create(
                breach=locked,
                audience=audience,
                body=bodies[audience],
                issued_at=now,
                issued_by=actor,
            )
            for audience in breach_audiences(locked)
        ]
        locked.status = BreachStatus.NOTIFIED
        locked.notified_at = now
        locked.save(update_fields=["status", "notified_at"])
        audit_record(
            actor=actor,
            action="privacy.breach_notified",
            target=locked,
            pemda=locked.pemda,
            context={
                "reference": locked.reference,
                "audiences": [n.audience for n in notices],
                "on_time": now <= locked.due_at,
            },
        )
    return notices


def breach_audiences(breach: Breach) -> list[str]:
    audiences = [NoticeAudience.AUTHORITY.value]
    if breach.notify_subjects:
        audiences.insert(0, NoticeAudience.SUBJECTS.value)
    if breach.notify_public:
        audiences.append(NoticeAudience.PUBLIC.value)
    return audiences


def breach_close(*, actor: User, breach: Breach) -> Breach:
    _require(actor, breach.pemda)
    with transaction.atomic():
        locked = Breach.objects.select_for_update().get(pk=breach.pk)
        if locked.status != BreachStatus.NOTIFIED:
            raise PrivacyError(_("Issue the notices before closing."), code="status")
        locked.status = BreachStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=actor,
            action="privacy.breach_closed",
            target=locked,
            pemda=locked.pemda,
            context={"reference": locked.reference},
        )
    return locked


# --- retention policies -----------------------------------------------------------------------


def retention_policy_set(
    *, actor: User, pemda: Pemda, record_type: str, days: int | None
) -> RetentionPolicy | None:
    """Set the Pemda's period for a record type; ``None`` returns to the platform default."""
    _require(actor, pemda)
    record = record_for(record_type)
    if record is None or record.retention is None:
        raise PrivacyError(_("This record type has no retention rule."), code="record_type")
    if days is not None and (days < 30 or days > 100 * 365):
        raise PrivacyError(_("Choose between 30 days and 100 years."), code="days")
    with transaction.atomic():
        existing = RetentionPolicy.objects.filter(pemda=pemda, record_type=record.label).first()
        before = {"days": existing.days if existing else record.retention.days}
        if days is None:
            if existing is not None:
                existing.delete()
            policy = None
        else:
            policy, _created = RetentionPolicy.objects.update_or_create(
                pemda=pemda, record_type=record.label, defaults={"days": days}
            )
        audit_record(
            actor=actor,
            action="privacy.retention_set",
            target_type="privacy.retentionpolicy",
            target_id=record.label,
            pemda=pemda,
            before=before,
            after={"days": days if days is not None else record.retention.days},
            context={"record_type": record.label, "days": days},
        )
    return policy


def declared_record_types() -> list[str]:
    return [r.label for r in records() if r.retention is not None]
