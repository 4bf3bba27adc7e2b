"""Writes of complaints: intake and every transition of the state machine.

The lifecycle is an explicit state machine (:data:`TRANSITIONS`, COMPLAINTS.md §5);
``Complaint.status`` changes only here. Each function is one transaction that locks the complaint
row, checks the actor's capacity through :mod:`melayani.complaints.access` (``actor=None`` is the
system or the reporter proven by code and contact), writes the timeline and the audit trail (ids,
statuses and codes only — never the reporter's data or words), sets the current stage's deadline
from the Pemda's working-day clock and the :class:`DeadlineRule` rows, and defers notifications
and domain events until the commit.

Errors: ``PermissionError`` when refused; ``ValidationError`` (a field dict where it fits) for
bad input; :class:`TransitionError` for a transition the current status does not allow.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from melayani.applications.selectors import application_track
from melayani.applications.services import TransitionError as _ApplicationTransitionError
from melayani.audit.services import audit_record
from melayani.catalog.selectors import service_get_public
from melayani.complaints import access as complaint_access
from melayani.complaints import notifications
from melayani.complaints.deadlines import stage_due
from melayani.complaints.forms import ComplaintForm, OfficerComplaintForm
from melayani.complaints.models import (
    ArchiveReason,
    Channel,
    Classification,
    Complaint,
    ComplaintAttachment,
    ComplaintDisposition,
    ComplaintEvent,
    ComplaintResponse,
    ComplaintStatus,
    Escalation,
    ResponseStatus,
    Stage,
    Tier,
)
from melayani.complaints.tracking import tracking_code_new, tracking_code_normalize
from melayani.core.events import publish
from melayani.core.fields import nik_blind_index
from melayani.core.idempotency import (
    key_answer,
    key_reserve,
    stored_response,
    submission_fingerprint,
)
from melayani.core.models import OPD, Pemda, User
from melayani.core.storage import SavedFiles, files_kept_on_commit
from melayani.core.text import REASON_MAX, clean_text, reason_required

logger = logging.getLogger(__name__)

S = ComplaintStatus

#: status → the statuses a transition may lead to (COMPLAINTS.md §5; decision record 0008).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.VERIFIED, S.ON_HOLD, S.NOT_OUR_AUTHORITY, S.ARCHIVED, S.MERGED}),
    S.ON_HOLD: frozenset({S.RECEIVED, S.ARCHIVED, S.MERGED}),
    S.NOT_OUR_AUTHORITY: frozenset({S.FORWARDED}),
    S.VERIFIED: frozenset({S.ASSIGNED, S.FOLLOWED_UP, S.ARCHIVED, S.MERGED}),
    S.ASSIGNED: frozenset({S.FOLLOWED_UP, S.ASSIGNED}),
    S.FOLLOWED_UP: frozenset({S.AWAITING_REPORTER, S.ASSIGNED, S.VERIFIED}),
    S.AWAITING_REPORTER: frozenset({S.CLOSED, S.ASSIGNED, S.VERIFIED}),
    S.ARCHIVED: frozenset(),
    S.FORWARDED: frozenset(),
    S.CLOSED: frozenset(),
    S.MERGED: frozenset(),
}
TRACKING_CODE_ATTEMPTS = 8


class TransitionError(_ApplicationTransitionError):
    """The transition is not allowed from the complaint's current status."""


# --- helpers ----------------------------------------------------------------------------------


def _lock(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("pemda", "concerned_opd")
        .get(pk=complaint.pk)
    )


def _sync(target: Complaint, source: Complaint) -> Complaint:
    for f in Complaint._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    return source


def _check(complaint: Complaint, to: str) -> None:
    if to not in TRANSITIONS[complaint.status]:
        raise TransitionError(
            _("This is not possible while the report is “%(status)s”.")
            % {"status": complaint.get_status_display()},
            code="transition_not_allowed",
        )


def _require_coordinator(actor: User | None, complaint: Complaint) -> None:
    if actor is not None and not complaint_access.can_coordinate(actor, complaint):
        raise PermissionError("complaints.coordinate refused")


def _event(
    complaint: Complaint,
    *,
    actor: User | None,
    action: str,
    now: dt.datetime,
    from_status: str = "",
    to_status: str = "",
    message: str = "",
    visible: bool = True,
    by_reporter: bool = False,
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        created_at=now,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        message=message,
        visible_to_reporter=visible,
        by_reporter=by_reporter,
    )


def _audit(
    complaint: Complaint,
    *,
    actor: User | None,
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    **context: Any,
) -> None:
    # Only codes and ids: the audit view is read by people who may not see the report.
    audit_record(
        actor=actor,
        action=f"complaint.{action}",
        target=complaint,
        pemda=complaint.pemda,
        before=before,
        after=after,
        context={"tracking_code": complaint.tracking_code, **context},
    )


def _set_stage(complaint: Complaint, stage: str, start: dt.datetime | None) -> None:
    """Enter ``stage`` at ``start`` with its deadline (no deadline when no rule gives one)."""
    complaint.stage = stage
    complaint.stage_started_at = start
    complaint.due_at = (
        stage_due(
            pemda=complaint.pemda,
            stage=stage,
            start=start,
            classification=complaint.classification,
            tier=complaint.tier,
        )
        if stage and start
        else None
    )
    if complaint.escalation_level < Escalation.INSPECTORATE:
        complaint.escalation_level = Escalation.NONE


def intake_stage(complaint: Complaint, now: dt.datetime) -> None:
    """A new report's clock: verification from its arrival."""
    _set_stage(complaint, Stage.VERIFICATION, now)


_STAGE_FIELDS = ("stage", "stage_started_at", "due_at", "escalation_level")


def _move(
    complaint: Complaint,
    to: str,
    *,
    actor: User | None,
    action: str,
    now: dt.datetime,
    message: str = "",
    visible: bool = True,
    fields: Iterable[str] = (),
    **context: Any,
) -> None:
    before = complaint.status
    _check(complaint, to)
    complaint.status = to
    complaint.save(update_fields=["status", "updated_at", *_STAGE_FIELDS, *fields])
    _event(
        complaint,
        actor=actor,
        action=action,
        now=now,
        from_status=before,
        to_status=to,
        message=message,
        visible=visible,
    )
    _audit(
        complaint,
        actor=actor,
        action=action,
        before={"status": before},
        after={"status": to},
        **context,
    )


def _store_attachment(
    complaint: Complaint, upload: Any, checked: Any, saved: SavedFiles | None = None
) -> None:
    attachment = ComplaintAttachment(
        complaint=complaint,
        original_name=PurePath(upload.name or "").name[:200] or "file",
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    attachment.file.save(f"{uuid.uuid4().hex}.{checked.kind}", upload, save=False)
    if saved is not None:
        saved.note(attachment.file.storage, attachment.file.name)
    attachment.save()


# --- intake -----------------------------------------------------------------------------------


def _as_files(files: Mapping[str, Any] | None) -> MultiValueDict[str, Any]:
    if isinstance(files, MultiValueDict):
        return files
    result: MultiValueDict[str, Any] = MultiValueDict()
    for key, value in (files or {}).items():
        result.setlist(key, list(value) if isinstance(value, list | tuple) else [value])
    return result


def _fingerprint(pemda: Pemda, data: Mapping[str, Any], files: MultiValueDict[str, Any]) -> str:
    return submission_fingerprint(
        {"pemda": pemda.pk}, data, {"attachments": files.getlist("attachments")}
    )


def _replay(scope: str, key: str, fingerprint: str) -> Complaint | None:
    response = stored_response(
        scope,
        key,
        fingerprint,
        reused_message=_("This key was already used for a different report."),
    )
    complaint_id = (response or {}).get("complaint_id")
    return Complaint.objects.get(pk=complaint_id) if complaint_id else None


def _links(pemda: Pemda, cd: Mapping[str, Any]) -> dict[str, Any]:
    """The service and application a report names, checked against the Pemda; errors by field."""
    errors: dict[str, ValidationError] = {}
    links: dict[str, Any] = {"service": None, "application": None}
    code = (cd.get("service_code") or "").strip()
    if code:
        try:
            links["service"] = service_get_public(pemda_code=pemda.code, code=code)
        except ObjectDoesNotExist:
            links["service"] = None
        if links["service"] is None:
            errors["service_code"] = ValidationError(
                _("This Pemda has no service with this code."), code="service_unknown"
            )
    raw = (cd.get("application_code") or "").strip()
    if raw:
        normalized = tracking_code_normalize(raw)
        application = None
        for contact in (cd.get("reporter_phone"), cd.get("reporter_email")):
            if normalized and contact and application is None:
                try:
                    application = application_track(tracking_code=normalized, contact=contact)
                except ObjectDoesNotExist:  # an unknown code and a wrong contact look alike
                    application = None
        if application is None or application.pemda_id != pemda.pk:
            errors["application_code"] = ValidationError(
                _(
                    "We found no application of this Pemda with this tracking code and your "
                    "phone number or e-mail address."
                ),
                code="application_unknown",
            )
        else:
            links["application"] = application
            links["service"] = links["service"] or application.service
    if errors:
        raise ValidationError(errors)
    return links


def complaint_submit(
    *,
    pemda: Pemda,
    data: Mapping[str, Any],
    files: Mapping[str, Any] | None = None,
    idempotency_key: str = "",
    channel: str = Channel.WEB,
    entered_by: User | None = None,
) -> Complaint:
    """Validate and store a new report; the same ``idempotency_key`` stores it once.

    ``entered_by``: an official entering a report on the reporter's behalf (the form then asks
    for the channel). No wrong door: every Pemda receives reports, whatever their subject.
    """
    if entered_by is not None and not complaint_access.can_coordinate_in(entered_by, pemda.pk):
        raise PermissionError("complaints.coordinate refused")
    upload_map = _as_files(files)
    form_class = OfficerComplaintForm if entered_by is not None else ComplaintForm
    form = form_class(data=data, files=upload_map, pemda=pemda)
    scope = f"complaints.submit:{pemda.code}"
    key = (idempotency_key or "").strip()[:200]
    fingerprint = _fingerprint(pemda, data, upload_map) if key else ""
    if key:
        replayed = _replay(scope, key, fingerprint)
        if replayed is not None:
            return replayed
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    cd = form.cleaned_data
    links = _links(pemda, cd)
    if entered_by is not None:
        channel = cd["channel"]
    for attempt in range(1, TRACKING_CODE_ATTEMPTS + 1):
        try:
            with files_kept_on_commit() as saved, transaction.atomic():
                # Inserted first: a concurrent retry waits on this row, then replays.
                stored_key = key_reserve(scope, key, fingerprint) if key else None
                complaint = _create(pemda, cd, links, channel, entered_by, saved)
                if stored_key is not None:
                    key_answer(
                        stored_key,
                        {"complaint_id": complaint.pk, "tracking_code": complaint.tracking_code},
                    )
            return complaint
        except IntegrityError as exc:
            if key:
                replayed = _replay(scope, key, fingerprint)
                if replayed is not None:
                    return replayed
            if "tracking_code" not in str(exc) and "tracking_code" not in str(exc.__cause__):
                diag = getattr(exc.__cause__, "diag", None)
                if "tracking_code" not in (getattr(diag, "constraint_name", "") or ""):
                    raise
            if attempt == TRACKING_CODE_ATTEMPTS:
                raise
            logger.warning("complaint tracking code clash; trying another (attempt %s)", attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _create(
    pemda: Pemda,
    cd: Mapping[str, Any],
    links: Mapping[str, Any],
    channel: str,
    entered_by: User | None,
    saved: SavedFiles,
) -> Complaint:
    now = timezone.now()
    nik = cd.get("reporter_nik") or ""
    complaint = Complaint(
        pemda=pemda,
        tracking_code=tracking_code_new(),
        status=S.RECEIVED,
        classification=cd["classification"],
        channel=channel,
        title=cd["title"],
        text=cd["text"],
        is_anonymous=bool(cd.get("is_anonymous")),
        # A whistleblowing report is never published, whatever the reporter ticked.
        is_confidential=bool(cd.get("is_confidential"))
        or cd["classification"] == Classification.WHISTLEBLOWING,
        reporter_name=cd.get("reporter_name") or "",
        reporter_phone=cd.get("reporter_phone") or "",
        reporter_email=(cd.get("reporter_email") or "").lower(),
        reporter_nik=nik,
        reporter_nik_index=nik_blind_index(nik) if nik else "",
        entered_by=entered_by,
        concerned_opd=cd.get("concerned_opd"),
        service=links.get("service"),
        application=links.get("application"),
        region=cd.get("region"),
        location_text=cd.get("location_text") or "",
        latitude=cd.get("latitude"),
        longitude=cd.get("longitude"),
        submitted_at=now,
    )
    if complaint.service is not None and complaint.concerned_opd is None:
        complaint.concerned_opd = complaint.service.opd
    _set_stage(complaint, Stage.VERIFICATION, now)
    complaint.save()
    for upload, checked in cd.get("attachments") or []:
        _store_attachment(complaint, upload, checked, saved)
    _event(complaint, actor=entered_by, action="submit", now=now, to_status=S.RECEIVED)
    _audit(
        complaint,
        actor=entered_by,
        action="submit",
        after={"status": S.RECEIVED},
        channel=channel,
        classification=complaint.classification,
        attachments=len(cd.get("attachments") or []),
    )
    notifications.tell_reporter(complaint, _("We received your report."))
    notifications.tell_staff_new(complaint)
    return complaint


# --- the coordinator's actions ------------------------------------------------------------------


def complaint_classify(
    *,
    actor: User | None,
    complaint: Complaint,
    classification: str,
    category: str = "",
    tags: list[str] | None = None,
    tier: str = Tier.STANDARD,
    edited_title: str = "",
    is_anonymous: bool | None = None,
    is_confidential: bool | None = None,
) -> Complaint:
    """Classify, tag, rewrite the title (the original is kept) and set the two flags.

    Reclassifying as whistleblowing moves the report to the Inspektorat: its dispositions are
    withdrawn and the coordinator no longer sees it.
    """
    _require_coordinator(actor, complaint)
    errors: dict[str, ValidationError] = {}
    if classification not in Classification.values:
        errors["classification"] = ValidationError(_("Choose a classification."), code="invalid")
    if tier not in Tier.values:
        errors["tier"] = ValidationError(_("Choose how it is handled."), code="invalid")
    edited_title = clean_text(edited_title)
    if len(edited_title) > 200:
        errors["edited_title"] = ValidationError(_("The title is too long."), code="max_length")
    category = clean_text(category)[:80]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(complaint)
        if locked.status in (S.ARCHIVED, S.FORWARDED, S.MERGED):
            raise TransitionError(_("This report is closed."), code="transition_not_allowed")
        now = timezone.now()
        before = {
            "classification": locked.classification,
            "is_anonymous": locked.is_anonymous,
            "is_confidential": locked.is_confidential,
            "tier": locked.tier,
            "category": locked.category,
        }
        to_wb = (
            classification == Classification.WHISTLEBLOWING
            and locked.classification != Classification.WHISTLEBLOWING
        )
        locked.classification = classification
        locked.classified_by_coordinator = True
        locked.category = category
        locked.tags = list(tags or [])
        locked.tier = tier
        locked.edited_title = edited_title
        if is_anonymous is not None:
            locked.is_anonymous = is_anonymous
        if is_confidential is not None:
            locked.is_confidential = is_confidential
        if locked.classification == Classification.WHISTLEBLOWING:
            locked.is_confidential = True
        fields = [
            "classification",
            "classified_by_coordinator",
            "category",
            "tags",
            "tier",
            "edited_title",
            "is_anonymous",
            "is_confidential",
        ]
        if to_wb:
            # Leaves the units and the coordinator: the Inspektorat takes it from here.
            locked.dispositions.filter(is_active=True).update(is_active=False)
            locked.responses.filter(status=ResponseStatus.PENDING).update(
                status=ResponseStatus.RETURNED
            )
            if locked.status in (S.ASSIGNED, S.FOLLOWED_UP):
                locked.status = S.VERIFIED
                _set_stage(locked, Stage.FORWARDING, locked.submitted_at)
                fields += ["status", *_STAGE_FIELDS]
        locked.save(update_fields=[*fields, "updated_at"])
        after = {
            "classification": locked.classification,
            "is_anonymous": locked.is_anonymous,
            "is_confidential": locked.is_confidential,
            "tier": locked.tier,
            "category": locked.category,
        }
        _event(locked, actor=actor, action="classify", now=now, visible=False)
        _audit(locked, actor=actor, action="classify", before=before, after=after)
        if to_wb:
            notifications.tell_staff_new(locked)
    return _sync(complaint, locked)


def complaint_verify(*, actor: User | None, complaint: Complaint) -> Complaint:
    """Verifikasi: accepted for handling; the forwarding limit runs from submission."""
    _require_coordinator(actor, complaint)
    with transaction.atomic():
        locked = _lock(complaint)
        _check(locked, S.VERIFIED)
        now = timezone.now()
        locked.verified_at = now
        locked.settlement_due_at = stage_due(
            pemda=locked.pemda,
            stage=Stage.SETTLEMENT,
            start=now,
            classification=locked.classification,
            tier=locked.tier,
        )
        _set_stage(locked, Stage.FORWARDING, locked.submitted_at)
        _move(
            locked,
            S.VERIFIED,
            actor=actor,
            action="verify",
            now=now,
            fields=("verified_at", "settlement_due_at"),
        )
        notifications.tell_reporter(locked, _("Your report was verified and is being handled."))
    return _sync(complaint, locked)


def complaint_hold(*, actor: User | None, complaint: Complaint, reason: str) -> Complaint:
    """Tunda: held (e.g. waiting for more from the reporter); the clock stops."""
    _require_coordinator(actor, complaint)
    reason = reason_required(reason)
    with transaction.atomic():
        locked = _lock(complaint)
        _check(locked, S.ON_HOLD)
        now = timezone.now()
        locked.status_reason = reason
        _set_stage(locked, "", None)
        _move(
            locked,
            S.ON_HOLD,
            actor=actor,
            action="hold",
            now=now,
            message=reason,
            fields=("status_reason",),
        )
        notifications.tell_reporter(locked, _("Your report is on hold."), reason)
    return _sync(complaint, locked)


def complaint_resume(*, actor: User | None, complaint: Complaint) -> Complaint:
    """Back from hold: verification starts again."""
    _require_coordinator(actor, complaint)
    with transaction.atomic():
        locked = _lock(complaint)
        _check(locked, S.RECEIVED)
        now = timezone.now()
        _set_stage(locked, Stage.VERIFICATION, now)
        _move(locked, S.RECEIVED, actor=actor, action="resume", now=now)
    return _sync(complaint, locked)


def complaint_archive(
    *, actor: User | None, complaint: Complaint, archive_reason: str, reason: str
) -> Complaint:
    """Arsipkan with a reason (spam, wrong format, too general, unrelated …)."""
    _require_coordinator(actor, complaint)
    errors: dict[str, ValidationError] = {}
    if archive_reason not in ArchiveReason.values:
        errors["archive_reason"] = ValidationError(_("Choose why."), code="invalid")
    try:
        reason = reason_required(reason)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.error_dict.items()})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(complaint)
        _check(locked, S.ARCHIVED)
        now = timezone.now()
        locked.status_reason = reason
        locked.archive_reason = archive_reason
        locked.closed_at = now
        _set_stage(locked, "", None)
        _move(
            locked,
            S.ARCHIVED,
            actor=actor,
            action="archive",
            now=now,
            message=reason,
            fields=("status_reason", "archive_reason", "closed_at"),
            archive_reason=archive_reason,
        )
        if archive_reason != ArchiveReason.SPAM:
            notifications.tell_reporter(locked, _("Your report was archived."), reason)
    return _sync(complaint, locked)


def complaint_not_our_authority(
    *,
    actor: User | None,
    complaint: Complaint,
    reason: str,
    target_pemda: Pemda | None = None,
) -> Complaint:
    """Bukan wewenang: re-routed to another Pemda (a new report there, in its intake) or marked
    for the national system (picked up by the exchange adapter)."""
    _require_coordinator(actor, complaint)
    reason = reason_required(reason)
    if target_pemda is not None and target_pemda.pk == complaint.pemda_id:
        raise ValidationError(
            {"target_pemda": ValidationError(_("Choose another Pemda."), code="same_pemda")}
        )
    with transaction.atomic():
        locked = _lock(complaint)
        _check(locked, S.NOT_OUR_AUTHORITY)
        now = timezone.now()
        locked.status_reason = reason
        _set_stage(locked, "", None)
        _move(
            locked,
            S.NOT_OUR_AUTHORITY,
            actor=actor,
            action="not_our_authority",
            now=now,
            message=reason,
            fields=("status_reason",),
        )
        copy = None
        if target_pemda is not None:
            copy = _forward_copy(locked, target_pemda, now)
            locked.forwarded_to = target_pemda
        else:
            locked.forwarded_national = True
        locked.closed_at = now
        _move(
            locked,
            S.FORWARDED,
            actor=actor,
            action="forward",
            now=now,
            fields=("forwarded_to", "forwarded_national", "closed_at"),
            forwarded_to=target_pemda.code if target_pemda else "national",
        )
        if copy is not None:
            audit_record(
                actor=actor,
                action="complaint.forwarded_in",
                target=copy,
                pemda=target_pemda,
                context={"tracking_code": copy.tracking_code, "from_pemda": locked.pemda.code},
            )
        notifications.tell_reporter(
            locked,
            _("Your report was forwarded to the body that is responsible."),
            (
                _("New tracking code: %(code)s") % {"code": copy.tracking_code}
                if copy is not None
                else reason
            ),
        )
    return _sync(complaint, locked)


def _forward_copy(source: Complaint, pemda: Pemda, now: dt.datetime) -> Complaint:
    copy = Complaint(
        pemda=pemda,
        tracking_code=tracking_code_new(),
        status=S.RECEIVED,
        classification=source.classification,
        channel=Channel.FORWARDED,
        title=source.title,
        text=source.text,
        is_anonymous=source.is_anonymous,
        is_confidential=source.is_confidential,
        reporter_name=source.reporter_name,
        reporter_phone=source.reporter_phone,
        reporter_email=source.reporter_email,
        reporter_nik=source.reporter_nik,
        reporter_nik_index=source.reporter_nik_index,
        region=source.region,
        location_text=source.location_text,
        latitude=source.latitude,
        longitude=source.longitude,
        submitted_at=now,
        forwarded_from=source,
    )
    _set_stage(copy, Stage.VERIFICATION, now)
    copy.save()
    _event(copy, actor=None, action="submit", now=now, to_status=S.RECEIVED)
    return copy


def complaint_dispose(
    *,
    actor: User | None,
    complaint: Complaint,
    opds: list[OPD],
    note: str = "",
    replace: bool = False,
) -> Complaint:
    """Disposisi to one or more units (each through its liaison); ``replace`` re-routes.

    From "received" it verifies first (verifikasi = accept and dispose). Whistleblowing reports
    are never disposed to units.
    """
    _require_coordinator(actor, complaint)
    if complaint.is_whistleblowing:
        raise ValidationError(
            _("A whistleblowing report stays with the Inspektorat; it is not disposed to units."),
            code="whistleblowing_not_disposed",
        )
    if not opds:
        raise ValidationError({"opds": ValidationError(_("Choose a unit."), code="required")})
    if any(o.pemda_id != complaint.pemda_id or not o.is_active for o in opds):
        raise ValidationError(
            {"opds": ValidationError(_("Choose units of this Pemda."), code="invalid")}
        )
    note = clean_text(note)[:REASON_MAX]
    with transaction.atomic():
        if complaint.status == S.RECEIVED:
            complaint_verify(actor=actor, complaint=complaint)
        locked = _lock(complaint)
        if locked.status not in (S.VERIFIED, S.ASSIGNED):
            _check(locked, S.ASSIGNED)
        now = timezone.now()
        if replace:
            locked.dispositions.filter(is_active=True).exclude(to_opd__in=opds).update(
                is_active=False
            )
        active = set(locked.dispositions.filter(is_active=True).values_list("to_opd_id", flat=True))
        added = []
        for opd in opds:
            if opd.pk in active:
                continue
            due = stage_due(
                pemda=locked.pemda,
                stage=Stage.FOLLOW_UP,
                start=now,
                classification=locked.classification,
                tier=locked.tier,
            )
            added.append(
                ComplaintDisposition.objects.create(
                    complaint=locked,
                    to_opd=opd,
                    by=actor,
                    note=note,
                    created_at=now,
                    started_at=now,
                    due_at=due,
                )
            )
        if not added and not replace:
            raise ValidationError(
                {"opds": ValidationError(_("These units already have it."), code="duplicate")}
            )
        if locked.disposed_at is None:
            locked.disposed_at = now
        _stage_from_dispositions(locked, Stage.FOLLOW_UP, now)
        _move(
            locked,
            S.ASSIGNED,
            actor=actor,
            action="dispose",
            now=now,
            fields=("disposed_at",),
            opds=sorted(o.pk for o in opds),
            replaced=replace,
        )
        notifications.tell_units(locked, [d.to_opd for d in added])
    return _sync(complaint, locked)


def _stage_from_dispositions(complaint: Complaint, stage: str, now: dt.datetime) -> None:
    """The complaint's deadline: the earliest of its unanswered active dispositions."""
    dues = [
        d.due_at
        for d in complaint.dispositions.filter(is_active=True, answered_at__isnull=True)
        if d.due_at is not None
    ]
    complaint.stage = stage
    complaint.stage_started_at = now
    complaint.due_at = min(dues) if dues else None
    if complaint.escalation_level < Escalation.INSPECTORATE:
        complaint.escalation_level = Escalation.NONE


# --- answers ------------------------------------------------------------------------------------


def _answer_text(text: str) -> str:
    text = clean_text(text)
    if len(text) < 20:
        raise ValidationError(
            {"text": ValidationError(_("Write the answer (at least 20 characters)."), code="min")}
        )
    if len(text) > 5000:
        raise ValidationError({"text": ValidationError(_("The answer is too long."), code="max")})
    return text


def complaint_answer(*, actor: User, complaint: Complaint, text: str) -> ComplaintResponse:
    """Tindak lanjut: the formulated answer.

    A unit's answer (its liaison or staff) waits for the coordinator's review; the complaint is
    "followed up" once every disposed unit answered. The coordinator (or, for whistleblowing,
    the Inspektorat) may answer directly; that answer goes to the reporter at once.
    """
    text = _answer_text(text)
    role = complaint_access.capacity(actor, complaint)
    if role not in (complaint_access.Capacity.COORDINATOR, complaint_access.Capacity.UNIT):
        raise PermissionError("complaints.handle refused")
    with transaction.atomic():
        locked = _lock(complaint)
        now = timezone.now()
        if role == complaint_access.Capacity.UNIT:
            if locked.status != S.ASSIGNED:
                raise TransitionError(
                    _("Only a report disposed to your unit can be answered."),
                    code="transition_not_allowed",
                )
            grants = [
                d for d in complaint_access.unit_grants(actor, locked) if d.answered_at is None
            ]
            if not grants:
                raise TransitionError(
                    _("Your unit has already answered; wait for the review."),
                    code="already_answered",
                )
            disposition = grants[0]
            response = ComplaintResponse.objects.create(
                complaint=locked,
                disposition=disposition,
                opd=disposition.to_opd,
                author=actor,
                text=text,
                created_at=now,
            )
            disposition.answered_at = now
            if disposition.first_answered_at is None:
                disposition.first_answered_at = now
                disposition.answered_late = bool(disposition.due_at and now > disposition.due_at)
            disposition.save(update_fields=["answered_at", "first_answered_at", "answered_late"])
            _audit(
                locked,
                actor=actor,
                action="answer",
                response_id=response.pk,
                opd=disposition.to_opd_id,
                late=disposition.answered_late,
            )
            _event(locked, actor=actor, action="answer", now=now, visible=False)
            waiting = locked.dispositions.filter(is_active=True, answered_at__isnull=True).exists()
            if waiting:
                _stage_from_dispositions(
                    locked, locked.stage or Stage.FOLLOW_UP, locked.stage_started_at or now
                )
                locked.save(update_fields=[*_STAGE_FIELDS, "updated_at"])
            else:
                _set_stage(locked, Stage.REVIEW, now)
                _move(
                    locked, S.FOLLOWED_UP, actor=actor, action="followed_up", now=now, visible=False
                )
                notifications.tell_coordinators_review(locked)
            return response
        # The coordinator answers directly (a unit's pending answer is reviewed instead).
        if locked.status not in (S.VERIFIED, S.ASSIGNED):
            raise TransitionError(
                _("This is not possible while the report is “%(status)s”.")
                % {"status": locked.get_status_display()},
                code="transition_not_allowed",
            )
        response = ComplaintResponse.objects.create(
            complaint=locked,
            author=actor,
            text=text,
            created_at=now,
            status=ResponseStatus.APPROVED,
            reviewed_by=actor,
            reviewed_at=now,
        )
        _audit(locked, actor=actor, action="answer", response_id=response.pk, direct=True)
        _set_stage(locked, Stage.REVIEW, now)
        _move(locked, S.FOLLOWED_UP, actor=actor, action="followed_up", now=now, visible=False)
        _send_answers(locked, actor=actor, now=now)
        return response


def _send_answers(complaint: Complaint, *, actor: User | None, now: dt.datetime) -> None:
    complaint.answered_at = now
    _set_stage(complaint, Stage.AUTO_CLOSE, now)
    _move(
        complaint,
        S.AWAITING_REPORTER,
        actor=actor,
        action="answer_sent",
        now=now,
        fields=("answered_at",),
    )
    notifications.tell_reporter(
        complaint,
        _("Your report was answered."),
        _("Read the answer and tell us whether you are satisfied."),
    )


def complaint_review(
    *,
    actor: User | None,
    complaint: Complaint,
    response: ComplaintResponse,
    approve: bool,
    note: str = "",
) -> Complaint:
    """The coordinator's review of a unit's answer: send it on, or return it to the unit."""
    _require_coordinator(actor, complaint)
    note = clean_text(note)[:REASON_MAX]
    if not approve and not note:
        raise ValidationError({"note": ValidationError(_("Say what to change."), code="required")})
    with transaction.atomic():
        locked = _lock(complaint)
        if locked.status != S.FOLLOWED_UP:
            raise TransitionError(
                _("There is no answer waiting for review."), code="transition_not_allowed"
            )
        resp = ComplaintResponse.objects.select_for_update().get(pk=response.pk, complaint=locked)
        if resp.status != ResponseStatus.PENDING:
            raise TransitionError(
                _("This answer was already reviewed."), code="transition_not_allowed"
            )
        now = timezone.now()
        resp.reviewed_by = actor
        resp.reviewed_at = now
        resp.review_note = note
        if approve:
            resp.status = ResponseStatus.APPROVED
            resp.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
            _audit(locked, actor=actor, action="answer_approved", response_id=resp.pk)
            if not locked.responses.filter(status=ResponseStatus.PENDING).exists():
                _send_answers(locked, actor=actor, now=now)
        else:
            resp.status = ResponseStatus.RETURNED
            resp.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
            if resp.disposition_id:
                ComplaintDisposition.objects.filter(pk=resp.disposition_id).update(answered_at=None)
            _stage_from_dispositions(locked, Stage.FOLLOW_UP, now)
            _move(
                locked,
                S.ASSIGNED,
                actor=actor,
                action="answer_returned",
                now=now,
                message=note,
                visible=False,
                response_id=resp.pk,
            )
            if resp.opd is not None:
                notifications.tell_units(locked, [resp.opd], returned=True)
    return _sync(complaint, locked)


# --- the reporter -------------------------------------------------------------------------------


def complaint_reporter_reply(
    *, complaint: Complaint, decision: str, message: str = ""
) -> Complaint:
    """The reporter (proven by code and contact) accepts, disputes, or adds a message.

    Accept closes the report. A dispute reopens it: back to the units that answered, with the
    dispute limit (with or without field check), or to the coordinator when they answered. A
    message alone restarts the quiet period before auto-close.
    """
    message = clean_text(message)
    if decision not in ("accept", "dispute", "comment"):
        raise ValidationError(
            {"decision": ValidationError(_("Choose a response."), code="invalid")}
        )
    if decision in ("dispute", "comment") and not message:
        raise ValidationError(
            {"message": ValidationError(_("Write what is still wrong."), code="required")}
        )
    if len(message) > 5000:
        raise ValidationError(
            {"message": ValidationError(_("The message is too long."), code="max")}
        )
    with transaction.atomic():
        locked = _lock(complaint)
        now = timezone.now()
        if decision == "comment":
            if not locked.is_open:
                raise TransitionError(_("This report is closed."), code="transition_not_allowed")
            _event(
                locked,
                actor=None,
                action="reporter_message",
                now=now,
                message=message,
                by_reporter=True,
            )
            _audit(locked, actor=None, action="reporter_message")
            if locked.status == S.AWAITING_REPORTER:
                _set_stage(locked, Stage.AUTO_CLOSE, now)
                locked.save(update_fields=[*_STAGE_FIELDS, "updated_at"])
            return _sync(complaint, locked)
        if locked.status != S.AWAITING_REPORTER:
            raise TransitionError(
                _("You can respond once you received an answer."), code="transition_not_allowed"
            )
        if decision == "accept":
            _close(locked, actor=None, now=now, action="accept", message=message)
            return _sync(complaint, locked)
        locked.dispute_count += 1
        answered = list(locked.dispositions.filter(is_active=True, first_answered_at__isnull=False))
        if answered:
            for d in answered:
                d.answered_at = None
                d.started_at = now
                d.due_at = stage_due(
                    pemda=locked.pemda,
                    stage=Stage.DISPUTE,
                    start=now,
                    classification=locked.classification,
                    tier=locked.tier,
                )
                d.escalation_level = 0
                d.save(update_fields=["answered_at", "started_at", "due_at", "escalation_level"])
            _stage_from_dispositions(locked, Stage.DISPUTE, now)
            to = S.ASSIGNED
        else:
            _set_stage(locked, Stage.DISPUTE, now)
            to = S.VERIFIED
        _event(locked, actor=None, action="dispute", now=now, message=message, by_reporter=True)
        _move(
            locked,
            to,
            actor=None,
            action="reopen",
            now=now,
            fields=("dispute_count",),
            disputes=locked.dispute_count,
        )
        if answered:
            notifications.tell_units(locked, [d.to_opd for d in answered], disputed=True)
        notifications.tell_coordinators_review(locked, disputed=True)
    return _sync(complaint, locked)


def _close(
    complaint: Complaint, *, actor: User | None, now: dt.datetime, action: str, message: str = ""
) -> None:
    complaint.closed_at = now
    _set_stage(complaint, "", None)
    _move(
        complaint,
        S.CLOSED,
        actor=actor,
        action=action,
        now=now,
        message=message,
        fields=("closed_at",),
        by_reporter=action == "accept",
    )
    publish(
        "complaints.closed",
        complaint_id=complaint.pk,
        pemda_id=complaint.pemda_id,
        classification=complaint.classification,
        service_id=complaint.service_id,
        application_id=complaint.application_id,
        opd_ids=sorted(
            complaint.dispositions.filter(is_active=True).values_list("to_opd_id", flat=True)
        ),
        disputed=complaint.dispute_count > 0,
        how=action,
    )


# --- duplicates ---------------------------------------------------------------------------------


def complaint_merge(
    *, actor: User | None, duplicate: Complaint, into: Complaint, reason: str
) -> Complaint:
    """Merge a duplicate into the report that is kept (same Pemda, both visible to the actor)."""
    _require_coordinator(actor, duplicate)
    _require_coordinator(actor, into)
    reason = reason_required(reason)
    if duplicate.pk == into.pk or duplicate.pemda_id != into.pemda_id:
        raise ValidationError(
            {
                "into_code": ValidationError(
                    _("Choose another report of this Pemda."), code="invalid"
                )
            }
        )
    if into.status in (S.MERGED, S.ARCHIVED, S.FORWARDED):
        raise ValidationError(
            {"into_code": ValidationError(_("That report is closed."), code="invalid")}
        )
    with transaction.atomic():
        locked = _lock(duplicate)
        now = timezone.now()
        locked.merged_into = into
        locked.closed_at = now
        locked.status_reason = reason
        _set_stage(locked, "", None)
        _move(
            locked,
            S.MERGED,
            actor=actor,
            action="merge",
            now=now,
            message=reason,
            fields=("merged_into", "closed_at", "status_reason"),
            into=into.tracking_code,
        )
        notifications.tell_reporter(
            locked, _("Your report is handled together with an identical report."), ""
        )
    return _sync(duplicate, locked)


# --- the scheduled job --------------------------------------------------------------------------


@dataclass
class EscalationReport:
    auto_closed: int = 0
    escalated_heads: int = 0
    escalated_inspectorate: int = 0
    tracking_codes: list[str] = field(default_factory=list)


WORK_STATUSES = (S.RECEIVED, S.VERIFIED, S.ASSIGNED, S.FOLLOWED_UP)


def complaints_escalate_due(*, now: dt.datetime | None = None) -> EscalationReport:
    """Auto-close quiet reports and escalate overdue stages. Idempotent.

    * awaiting the reporter past the quiet period (10 working days by default) → closed;
    * a working stage past its deadline → escalated once to the heads (the unit's head for a
      disposed report; the coordinators otherwise; the Inspektorat for whistleblowing);
    * still overdue after the escalation grace (a rule) → escalated to the Inspektorat, which
      then sees the report.
    """
    now = now or timezone.now()
    report = EscalationReport()
    quiet = Complaint.objects.filter(status=S.AWAITING_REPORTER, due_at__lt=now)
    for pk in list(quiet.values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            locked = (
                Complaint.objects.select_for_update(of=("self",)).select_related("pemda").get(pk=pk)
            )
            if locked.status != S.AWAITING_REPORTER or not locked.due_at or locked.due_at >= now:
                continue
            _close(locked, actor=None, now=now, action="auto_close")
            report.auto_closed += 1
    overdue = Complaint.objects.filter(
        status__in=WORK_STATUSES, due_at__lt=now, escalation_level__lt=Escalation.INSPECTORATE
    )
    for pk in list(overdue.values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            locked = (
                Complaint.objects.select_for_update(of=("self",)).select_related("pemda").get(pk=pk)
            )
            if locked.status not in WORK_STATUSES or not locked.due_at or locked.due_at >= now:
                continue
            level = Escalation.NONE
            if locked.escalation_level == Escalation.NONE:
                level = Escalation.OPD_HEAD
            elif locked.escalation_level == Escalation.OPD_HEAD:
                # Counted from inside the day the deadline closed, like an extension.
                grace_end = stage_due(
                    pemda=locked.pemda,
                    stage=Stage.ESCALATION,
                    start=locked.due_at - dt.timedelta(microseconds=1),
                )
                if grace_end is not None and grace_end < now:
                    level = Escalation.INSPECTORATE
            if level == Escalation.NONE:
                continue
            before = locked.escalation_level
            locked.escalation_level = level
            locked.escalated_at = now
            locked.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
            overdue_units = [
                d.to_opd
                for d in locked.dispositions.filter(
                    is_active=True, answered_at__isnull=True, due_at__lt=now
                ).select_related("to_opd")
            ]
            _event(locked, actor=None, action="escalate", now=now, visible=False)
            _audit(
                locked,
                actor=None,
                action="escalate",
                before={"escalation_level": before},
                after={"escalation_level": level},
                stage=locked.stage,
            )
            notifications.tell_escalation(locked, level=level, units=overdue_units)
            if level == Escalation.OPD_HEAD:
                report.escalated_heads += 1
            else:
                report.escalated_inspectorate += 1
            report.tracking_codes.append(locked.tracking_code)
    return report


# --- access to the reporter's identity ------------------------------------------------------------


def complaint_reporter_reveal(
    *, actor: User, complaint: Complaint
) -> complaint_access.ReporterView:
    """The reporter's unmasked contact for a coordinator or integrity officer entitled to it;
    every such look is logged (``personal_data.viewed_unmasked``, PEOPLE_AND_PLACES.md)."""
    from melayani.privacy.services import unmasked_read_record

    view = complaint_access.reporter_for(actor, complaint, unmasked=True)
    if view.hidden or view.masked:
        raise PermissionError("personal_data.view_unmasked refused")
    shown = {"reporter_phone": view.phone, "reporter_email": view.email, "reporter_nik": view.nik}
    with transaction.atomic():
        unmasked_read_record(
            actor=actor,
            pemda=complaint.pemda,
            target=complaint,
            fields=[name for name, value in shown.items() if value],
            surface="complaints.detail",
            context={"tracking_code": complaint.tracking_code},
        )
    return view
