"""Writes of applications: submission and every transition of the lifecycle.

The lifecycle is an explicit state machine (:data:`TRANSITIONS`); ``Application.status`` changes
only here. Each function is one transaction that locks the application row, checks permission
(``services.handle`` to process, ``services.supervise`` to assign and extend, on the application's
OPD subtree; ``actor=None`` is the system), writes the timeline (:class:`ApplicationEvent`) and the
audit trail, and defers e-mail, short messages and domain events until the commit.

Errors: ``PermissionError`` when refused; ``ValidationError`` (a field dict where it fits) for
bad input; :class:`TransitionError` for a transition the current status does not allow.

The clock (SERVICES.md §6): it starts when the file is verified complete; the due moment is the
standard's completion time through the Pemda's working clock, plus extensions, skipping
suspensions (returned for correction, when the standard stops the clock). While a suspension is
open the due moment is unknown and ``due_at`` is empty.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from melayani.applications.forms import (
    CORRECTION_EMPTY,
    IDENTITY_KEYS,
    REGION_SUFFIX,
    application_form_class,
    correction_form_class,
)
from melayani.applications.models import (
    OPEN_STATUSES,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationNote,
    ApplicationStatus,
    ClockSuspension,
    DeadlineExtension,
)
from melayani.applications.notifications import Notice, application_notify, staff_notify
from melayani.applications.tracking import (
    tracking_code_display,
    tracking_code_new,
)
from melayani.audit.services import audit_record
from melayani.catalog.models import FieldType, PublicationStatus, ServiceStandard, ServiceType
from melayani.core import access
from melayani.core.events import publish
from melayani.core.fields import nik_blind_index
from melayani.core.idempotency import (
    key_answer,
    key_reserve,
    stored_response,
    submission_fingerprint,
)
from melayani.core.models import RoleAssignment, User
from melayani.core.prepared import insert_row
from melayani.core.storage import SavedFiles, files_kept_on_commit
from melayani.core.text import REASON_MAX, clean_text, reason_required
from melayani.workcalendar.clock import ClockStopped, DeadlineUnit, Pause
from melayani.workcalendar.selectors import clock_for_pemda

logger = logging.getLogger(__name__)

S = ApplicationStatus

#: status → the statuses an officer's transition may lead to. The applicant's resubmission is the
#: one way out of ``returned`` besides rejection: it goes back to the status it was returned from.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.VERIFIED, S.RETURNED, S.REJECTED}),
    S.VERIFIED: frozenset({S.IN_PROCESS, S.RETURNED, S.REJECTED}),
    S.IN_PROCESS: frozenset({S.COMPLETED, S.RETURNED, S.REJECTED}),
    S.RETURNED: frozenset({S.REJECTED}),
    S.COMPLETED: frozenset(),
    S.REJECTED: frozenset(),
}
#: Statuses in which the clock has started and may run (extensions are possible).
CLOCK_STATUSES = (S.VERIFIED, S.IN_PROCESS, S.RETURNED)
#: Work due within this window is "due soon" (queues, escalation).
DUE_SOON = dt.timedelta(days=2)
NOTE_MAX = 4000
TRACKING_CODE_ATTEMPTS = 8


class TransitionError(ValidationError):
    """The transition is not allowed from the application's current status."""


# --- helpers ----------------------------------------------------------------------------------


def _require(actor: User | None, action: str, application: Application) -> None:
    if actor is None:
        return
    if not access.can(actor, action, opd=application.opd):
        raise PermissionError(f"{action} refused")


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("pemda", "opd", "service", "standard")
        .get(pk=application.pk)
    )


def _sync(target: Application, source: Application) -> Application:
    """Copy the saved state into the caller's instance, so both show the new state."""
    for f in Application._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    return source


def _check_transition(application: Application, to: str) -> None:
    if to not in TRANSITIONS[application.status]:
        raise TransitionError(
            _("This is not possible while the application is “%(status)s”.")
            % {"status": application.get_status_display()},
            code="transition_not_allowed",
        )


def _event(
    application: Application,
    *,
    actor: User | None,
    action: str,
    now: dt.datetime,
    from_status: str = "",
    to_status: str = "",
    message: str = "",
    visible: bool = True,
) -> ApplicationEvent:
    event = ApplicationEvent(
        application=application,
        created_at=now,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        message=message,
        visible_to_citizen=visible,
    )
    return insert_row(event)


def _audit(
    application: Application,
    *,
    actor: User | None,
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    **context: Any,
) -> None:
    audit_record(
        actor=actor,
        action=f"application.{action}",
        target=application,
        pemda=application.pemda,
        before=before,
        after=after,
        context={"tracking_code": application.tracking_code, **context},
    )


def _move(
    application: Application,
    to: str,
    *,
    actor: User | None,
    action: str,
    now: dt.datetime,
    message: str = "",
    fields: tuple[str, ...] = (),
    **context: Any,
) -> None:
    """Change the status (already checked), save, write the timeline and the audit trail."""
    before = application.status
    application.status = to
    application.save(update_fields=["status", "updated_at", *fields])
    _event(
        application,
        actor=actor,
        action=action,
        now=now,
        from_status=before,
        to_status=to,
        message=message,
    )
    _audit(
        application,
        actor=actor,
        action=action,
        before={"status": before},
        after={"status": to},
        **context,
    )


def _local(application: Application, moment: dt.datetime) -> str:
    pemda = application.pemda
    local = timezone.localtime(moment, clock_for_pemda(pemda).zone)
    return f"{date_format(local, 'j F Y, H.i')} {pemda.zone_abbreviation}"


def application_due_compute(application: Application) -> dt.datetime | None:
    """The due moment from the clock start, the standard, suspensions and extensions.

    ``None`` before verification and while the clock is stopped (an open suspension).
    """
    if application.verified_at is None:
        return None
    standard = application.standard
    clock = clock_for_pemda(application.pemda)
    pauses = [Pause(s.started_at, s.ended_at) for s in application.suspensions.all()]
    try:
        due = clock.add(
            application.verified_at,
            standard.completion_time_value,
            standard.completion_time_unit,
            pauses=pauses,
        )
        for ext in application.extensions.order_by("created_at", "pk"):
            start = due
            if ext.unit == DeadlineUnit.WORKING_DAYS:
                # The deadline is a closing time: count from inside that working day, so that the
                # extension's days are the days after it (``add`` counts the day of receipt as 0).
                start = due - dt.timedelta(microseconds=1)
            due = clock.add(start, ext.amount, ext.unit, pauses=pauses)
    except ClockStopped:
        return None
    return due


def due_message(application: Application, due: dt.datetime | None = None) -> str:
    """What the timeline tells the citizen when the clock starts: the due moment (``due``, or
    the application's), in local time."""
    due = due or application.due_at
    return _("Due by %(due)s.") % {"due": _local(application, due)} if due else ""


def _tracking_url(application: Application) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    code = tracking_code_display(application.tracking_code)
    try:
        path = reverse("applications:track")
    except NoReverseMatch:  # the citizen pages are not mounted (e.g. an API-only deployment)
        path = "/lacak/"
    return f"{base}{path}?kode={code}"


def _tell(application: Application, headline: str, detail: str = "") -> None:
    """E-mail and message the applicant about a citizen-visible change (after commit)."""
    code = tracking_code_display(application.tracking_code)
    subject = _("%(service)s — %(headline)s (%(code)s)") % {
        "service": application.service.name,
        "headline": headline,
        "code": code,
    }
    lines = [
        _("Application %(code)s for %(service)s:")
        % {"code": code, "service": application.service.name},
        "",
        headline,
    ]
    if detail:
        lines += ["", detail]
    lines += ["", _("Track it: %(url)s") % {"url": _tracking_url(application)}]
    sms = f"{application.service.name} {code}: {headline}"
    if detail:
        sms = f"{sms}. {detail}"
    application_notify(
        email=application.applicant_email,
        phone=application.applicant_phone,
        notice=Notice(subject=subject, body="\n".join(lines), sms=sms[:480]),
        pemda_id=application.pemda_id,
    )


def applicant_tell(*, application_id: int, headline: str, detail: str = "") -> bool:
    """Tell an application's applicant something, by the contacts they gave (after commit).

    For modules further along the citizen's chain (the satisfaction survey's invitation), which
    must not read the applicant's contact details themselves. Returns whether there was anyone
    to tell (an application made without phone or e-mail has no one).
    """
    application = Application.objects.select_related("service").get(pk=application_id)
    if not (application.applicant_email or application.applicant_phone):
        return False
    _tell(application, headline, detail)
    return True


def _as_files(files: Mapping[str, UploadedFile]) -> MultiValueDict[str, UploadedFile]:
    if isinstance(files, MultiValueDict):
        return files
    return MultiValueDict({key: [upload] for key, upload in files.items()})


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


# --- submission -------------------------------------------------------------------------------


def published_standard(service: ServiceType) -> ServiceStandard:
    """The service's current published standard, if it takes online applications."""
    standard = (
        ServiceStandard.objects.filter(service=service, status=PublicationStatus.PUBLISHED)
        .select_related("service", "service__pemda", "service__opd")
        .order_by()  # at most one published version per service (a constraint)
        .first()
    )
    if standard is None or not service.is_active or not service.accepts_online:
        raise ValidationError(
            _("This service does not take online applications."), code="service_unavailable"
        )
    return standard


def _fingerprint(
    service: ServiceType,
    data: Mapping[str, Any],
    files: Mapping[str, Any],
    description: str = "",
    location: tuple[Any, Any] | None = None,
) -> str:
    uploads = {key: [files[key]] for key in files}
    owner: dict[str, Any] = {"service": service.pk}
    if description or location is not None:
        owner["extra"] = [description, [str(v) for v in location] if location else None]
    return submission_fingerprint(owner, data, uploads)


def _idempotency_scope(service: ServiceType) -> str:
    return f"applications.submit:{service.pemda.code}"


def _replay(scope: str, key: str, fingerprint: str) -> Application | None:
    response = stored_response(
        scope,
        key,
        fingerprint,
        reused_message=_("This key was already used for a different application."),
    )
    return Application.objects.get(pk=response["application_id"]) if response else None


def _store_document(
    application: Application, ff: Any, upload: UploadedFile, checked: Any, saved: SavedFiles
) -> None:
    document = ApplicationDocument(
        application=application,
        field_key=ff.key,
        requirement=ff.requirement,
        original_name=PurePath(upload.name or "").name[:200] or "file",
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    # A random stored name: the file name people give often carries their own name.
    document.file.save(f"{uuid.uuid4().hex}.{checked.kind}", upload, save=False)
    saved.note(document.file.storage, document.file.name)
    document.save()


def application_submit(
    *,
    service: ServiceType,
    data: Mapping[str, Any],
    files: Mapping[str, UploadedFile],
    applicant_user: User | None = None,
    idempotency_key: str = "",
    channel: str = "web",
    standard: ServiceStandard | None = None,
    description: str = "",
    location: tuple[Any, Any] | None = None,
) -> Application:
    """Validate and store a new application; the same ``idempotency_key`` stores it once.

    ``description`` and ``location`` (latitude, longitude): what an Open311 client may send
    besides the form's answers; stored for the officers, never published.

    ``standard``: the service's published standard when the caller has just loaded it (e.g.
    with :func:`~melayani.applications.selectors.service_for_application`); else it is looked up.
    """
    if standard is None or not _takes_applications(service, standard):
        standard = published_standard(service)
    form = application_form_class(standard)(data=data, files=_as_files(files))
    scope = _idempotency_scope(service)
    key = (idempotency_key or "").strip()[:200]
    fingerprint = _fingerprint(service, data, files, description, location) if key else ""
    if key:
        replayed = _replay(scope, key, fingerprint)
        if replayed is not None:
            return replayed
    extra = _request_extra(description, location)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    # A fresh random code is unique but for a 2^-50 chance: no look-up first; the unique index
    # decides, and a clash (the insert fails, the transaction rolls back) is tried again.
    for attempt in range(1, TRACKING_CODE_ATTEMPTS + 1):
        try:
            with files_kept_on_commit() as saved, transaction.atomic():
                # Inserted first: a concurrent retry waits on this row, then replays.
                stored_key = key_reserve(scope, key, fingerprint) if key else None
                application = _create(
                    service, standard, form, applicant_user, channel, saved, extra
                )
                if stored_key is not None:
                    key_answer(
                        stored_key,
                        {
                            "application_id": application.pk,
                            "tracking_code": application.tracking_code,
                        },
                    )
            return application
        except IntegrityError as exc:
            if key:
                replayed = _replay(scope, key, fingerprint)
                if replayed is not None:
                    return replayed
            if not _tracking_code_clash(exc) or attempt == TRACKING_CODE_ATTEMPTS:
                raise
            logger.warning("tracking code clash; trying another code (attempt %s)", attempt)
    raise AssertionError("unreachable")  # pragma: no cover


DESCRIPTION_MAX = 4000


def _request_extra(description: str, location: tuple[Any, Any] | None) -> dict[str, Any]:
    """The description and map point, checked (errors by field: description, lat, long)."""
    errors: dict[str, ValidationError] = {}
    text = (description or "").strip()
    if len(text) > DESCRIPTION_MAX:
        errors["description"] = ValidationError(
            _("The description is too long (at most %(max)s characters).")
            % {"max": DESCRIPTION_MAX},
            code="max_length",
        )
    lat = long = None
    if location is not None:
        for name, raw, bound in (("lat", location[0], 90), ("long", location[1], 180)):
            try:
                value = Decimal(str(raw).strip()).quantize(Decimal("0.000001"))
            except (ArithmeticError, ValueError):
                errors[name] = ValidationError(_("Give a number in degrees."), code="invalid")
                continue
            if not value.is_finite() or abs(value) > bound:
                errors[name] = ValidationError(
                    _("Give degrees between -%(bound)s and %(bound)s.") % {"bound": bound},
                    code="out_of_range",
                )
            elif name == "lat":
                lat = value
            else:
                long = value
    if errors:
        raise ValidationError(errors)
    return {"description": text, "location_lat": lat, "location_long": long}


def _takes_applications(service: ServiceType, standard: ServiceStandard) -> bool:
    """The standard given with ``service`` is its published one and the service takes them."""
    return (
        standard.service_id == service.pk
        and standard.status == PublicationStatus.PUBLISHED
        and service.is_active
        and service.accepts_online
    )


def _tracking_code_clash(exc: IntegrityError) -> bool:
    """The unique index on ``Application.tracking_code`` refused the insert."""
    diag = getattr(exc.__cause__, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or ""
    if constraint:  # PostgreSQL names the index (…_tracking_code_…_uniq)
        return "tracking_code" in constraint
    return "applications_application.tracking_code" in str(exc)  # SQLite names the column


def _create(
    service: ServiceType,
    standard: ServiceStandard,
    form: Any,
    applicant_user: User | None,
    channel: str,
    saved: SavedFiles,
    extra: Mapping[str, Any],
) -> Application:
    now = timezone.now()
    cd = form.cleaned_data
    answers: dict[str, Any] = {}
    private: dict[str, Any] = {}
    address, region = "", None
    for ff in form.form_fields:
        if (
            ff.key == form.nik_field_key
            or ff.key in IDENTITY_KEYS
            or ff.field_type == FieldType.FILE
        ):
            continue
        value = cd.get(ff.key)
        if ff.field_type == FieldType.ADDRESS:
            picked = cd.get(ff.key + REGION_SUFFIX)
            if not address and region is None:
                address, region = value or "", picked or None
            private[ff.key] = {"address": value or "", "region": picked.code if picked else ""}
        elif ff.field_type in (FieldType.NIK, FieldType.PHONE, FieldType.EMAIL):
            private[ff.key] = value or ""
        elif value not in (None, ""):
            answers[ff.key] = _json_safe(value)
    nik = cd.get("applicant_nik") or ""
    application = Application(
        pemda=service.pemda,
        opd_id=service.opd_id,
        service=service,
        standard=standard,
        tracking_code=tracking_code_new(),
        status=S.SUBMITTED,
        applicant_user=applicant_user
        if getattr(applicant_user, "is_authenticated", False)
        else None,
        applicant_name=cd["applicant_name"].strip(),
        applicant_phone=cd.get("applicant_phone") or "",
        applicant_email=(cd.get("applicant_email") or "").lower(),
        applicant_nik=nik,
        applicant_nik_index=nik_blind_index(nik) if nik else "",
        applicant_address=address,
        applicant_region=region,
        answers=answers,
        answers_private=json.dumps(private) if private else "",
        submitted_at=now,
        channel=channel[:20],
        **extra,
    )
    insert_row(application)  # the busiest insert: compiled once (core.prepared)
    for ff, upload, checked in form.documents():
        _store_document(application, ff, upload, checked, saved)
    _event(application, actor=None, action="submit", now=now, to_status=S.SUBMITTED)
    actor = application.applicant_user
    _audit(
        application,
        actor=actor,
        action="submit",
        after={"status": S.SUBMITTED, "fields": sorted(cd)},
        channel=channel,
        service_id=service.pk,
    )
    _tell(
        application,
        _("We received your application."),
        _("Keep the tracking code. We will tell you when your file has been checked."),
    )
    return application


# --- lifecycle --------------------------------------------------------------------------------


def application_verify(*, actor: User | None, application: Application) -> Application:
    """Berkas lengkap: the file is complete; the clock starts and the due moment is set."""
    _require(actor, "services.handle", application)
    with transaction.atomic():
        locked = _lock(application)
        _check_transition(locked, S.VERIFIED)
        now = timezone.now()
        locked.verified_at = now
        locked.due_at = application_due_compute(locked)
        message = due_message(locked)
        _move(
            locked,
            S.VERIFIED,
            actor=actor,
            action="verify",
            now=now,
            message=message,
            fields=("verified_at", "due_at"),
        )
        _tell(locked, _("Your file is complete and is being processed."), message)
    return _sync(application, locked)


def application_start(*, actor: User | None, application: Application) -> Application:
    _require(actor, "services.handle", application)
    with transaction.atomic():
        locked = _lock(application)
        _check_transition(locked, S.IN_PROCESS)
        _move(locked, S.IN_PROCESS, actor=actor, action="start", now=timezone.now())
        _tell(locked, _("Your application is in process."))
    return _sync(application, locked)


def application_return(*, actor: User | None, application: Application, reason: str) -> Application:
    """Returned for correction; stops the clock when the standard says so."""
    _require(actor, "services.handle", application)
    reason = reason_required(reason)
    with transaction.atomic():
        locked = _lock(application)
        _check_transition(locked, S.RETURNED)
        now = timezone.now()
        stopped = locked.verified_at is not None and locked.standard.stop_clock_when_returned
        if stopped:
            ClockSuspension.objects.create(
                application=locked, started_at=now, reason=reason, actor=actor
            )
            locked.due_at = application_due_compute(locked)
        _move(
            locked,
            S.RETURNED,
            actor=actor,
            action="return",
            now=now,
            message=reason,
            fields=("due_at",),
            clock_stopped=stopped,
        )
        _tell(locked, _("Your application needs a correction."), reason)
    return _sync(application, locked)


def application_resubmit(
    *,
    application: Application,
    data: Mapping[str, Any],
    files: Mapping[str, UploadedFile],
    actor: User | None = None,
) -> Application:
    """The applicant's correction: new answers and documents; the clock runs again."""
    form = correction_form_class(application.standard)(data=data, files=_as_files(files))
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    with files_kept_on_commit() as saved, transaction.atomic():
        locked = _lock(application)
        if locked.status != S.RETURNED:
            raise TransitionError(
                _("Only an application returned for correction can be corrected."),
                code="transition_not_allowed",
            )
        now = timezone.now()
        back_to = (
            locked.events.filter(action="return")
            .order_by("-created_at", "-pk")
            .values_list("from_status", flat=True)
            .first()
        ) or S.SUBMITTED
        changed = []
        for ff in form.form_fields:
            value = form.cleaned_data.get(ff.key)
            if ff.field_type in (
                FieldType.FILE,
                FieldType.ADDRESS,
                FieldType.NIK,
                FieldType.PHONE,
                FieldType.EMAIL,
            ):
                continue
            # The form shows the current answers: only a different one is a correction.
            if value not in (None, "") and _json_safe(value) != locked.answers.get(ff.key):
                locked.answers[ff.key] = _json_safe(value)
                changed.append(ff.key)
        for ff, upload, checked in form.documents():
            _store_document(locked, ff, upload, checked, saved)
            changed.append(ff.key)
        if not changed and not form.cleaned_data.get("message"):
            raise ValidationError(CORRECTION_EMPTY, code="correction_empty")
        suspension = locked.suspensions.filter(ended_at__isnull=True).first()
        if suspension is not None:
            suspension.ended_at = now
            suspension.save(update_fields=["ended_at"])
        locked.due_at = application_due_compute(locked)
        _move(
            locked,
            back_to,
            actor=actor,
            action="resubmit",
            now=now,
            message=form.cleaned_data.get("message", ""),
            fields=("answers", "due_at"),
            changed=sorted(changed),
        )
        detail = (
            (_("New due date: %(due)s.") % {"due": _local(locked, locked.due_at)})
            if locked.due_at
            else ""
        )
        _tell(locked, _("We received your correction."), detail)
    return _sync(application, locked)


def application_complete(
    *, actor: User | None, application: Application, message: str = ""
) -> Application:
    """Completed: the product is ready; the applicant is told; ``applications.completed``."""
    _require(actor, "services.handle", application)
    message = clean_text(message)[:REASON_MAX]
    with transaction.atomic():
        locked = _lock(application)
        _check_transition(locked, S.COMPLETED)
        now = timezone.now()
        locked.completed_at = locked.product_ready_at = now
        fields = ["completed_at", "product_ready_at"]
        if locked.due_at and now > locked.due_at and locked.breached_at is None:
            locked.breached_at = locked.due_at
            fields.append("breached_at")
        _move(
            locked,
            S.COMPLETED,
            actor=actor,
            action="complete",
            now=now,
            message=message,
            fields=tuple(fields),
            late=locked.breached_at is not None,
        )
        _tell(locked, _("Your application is completed. The product is ready."), message)
        publish(
            "applications.completed",
            application_id=locked.pk,
            service_id=locked.service_id,
            pemda_id=locked.pemda_id,
            opd_id=locked.opd_id,
        )
    return _sync(application, locked)


def application_reject(*, actor: User | None, application: Application, reason: str) -> Application:
    _require(actor, "services.handle", application)
    reason = reason_required(reason)
    with transaction.atomic():
        locked = _lock(application)
        _check_transition(locked, S.REJECTED)
        now = timezone.now()
        locked.suspensions.filter(ended_at__isnull=True).update(ended_at=now)
        locked.rejected_at = now
        locked.rejection_reason = reason
        _move(
            locked,
            S.REJECTED,
            actor=actor,
            action="reject",
            now=now,
            message=reason,
            fields=("rejected_at", "rejection_reason"),
        )
        _tell(locked, _("Your application was rejected."), reason)
    return _sync(application, locked)


def application_extend(
    *, actor: User | None, application: Application, amount: int, unit: str, reason: str
) -> Application:
    """Extend the deadline by ``amount`` ``unit`` (a reason is required; shown to the applicant)."""
    _require(actor, "services.supervise", application)
    errors: dict[str, Any] = {}
    if not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= 365:
        errors["amount"] = ValidationError(_("Give a whole number from 1 to 365."), code="invalid")
    if unit not in DeadlineUnit.values:
        errors["unit"] = ValidationError(_("Choose a unit."), code="invalid_choice")
    try:
        reason = reason_required(reason)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(application)
        if locked.status not in CLOCK_STATUSES or locked.verified_at is None:
            raise TransitionError(
                _("Only a deadline that is running can be extended."), code="transition_not_allowed"
            )
        now = timezone.now()
        DeadlineExtension.objects.create(
            application=locked, amount=amount, unit=unit, reason=reason, actor=actor, created_at=now
        )
        before_due = locked.due_at
        locked.due_at = application_due_compute(locked)
        locked.save(update_fields=["due_at", "updated_at"])
        label = DeadlineUnit(unit).label
        message = _("Deadline extended by %(amount)s %(unit)s: %(reason)s") % {
            "amount": amount,
            "unit": label,
            "reason": reason,
        }
        _event(locked, actor=actor, action="extend", now=now, message=message)
        _audit(
            locked,
            actor=actor,
            action="extend",
            before={"due_at": str(before_due)},
            after={"due_at": str(locked.due_at)},
            amount=amount,
            unit=unit,
        )
        detail = message
        if locked.due_at:
            detail += " " + _("New due date: %(due)s.") % {"due": _local(locked, locked.due_at)}
        _tell(locked, _("The deadline of your application was extended."), detail)
    return _sync(application, locked)


def _require_open(application: Application) -> None:
    if application.status not in OPEN_STATUSES:
        raise TransitionError(_("This application is closed."), code="transition_not_allowed")


def application_claim(*, actor: User, application: Application) -> Application:
    """The officer takes the application (unassigned, or already theirs)."""
    _require(actor, "services.handle", application)
    with transaction.atomic():
        locked = _lock(application)
        _require_open(locked)
        if locked.assigned_to_id not in (None, actor.pk):
            raise ValidationError(
                _("Another officer already handles this application."), code="already_assigned"
            )
        if locked.assigned_to_id is None:
            now = timezone.now()
            locked.assigned_to = actor
            locked.save(update_fields=["assigned_to", "updated_at"])
            _event(locked, actor=actor, action="claim", now=now, visible=False)
            _audit(
                locked,
                actor=actor,
                action="claim",
                before={"assigned_to": None},
                after={"assigned_to": actor.pk},
            )
    return _sync(application, locked)


def application_assign(
    *, actor: User | None, application: Application, officer: User | None
) -> Application:
    """Assign to ``officer`` (who must be able to handle the OPD's work), or unassign (None)."""
    _require(actor, "services.supervise", application)
    if officer is not None and not access.can(officer, "services.handle", opd=application.opd):
        raise ValidationError(
            {
                "officer": ValidationError(
                    _("This person cannot handle this unit's applications."),
                    code="officer_not_eligible",
                )
            }
        )
    with transaction.atomic():
        locked = _lock(application)
        _require_open(locked)
        before = locked.assigned_to_id
        locked.assigned_to = officer
        locked.save(update_fields=["assigned_to", "updated_at"])
        name = officer.display_name if officer else ""
        _event(
            locked, actor=actor, action="assign", now=timezone.now(), message=name, visible=False
        )
        _audit(
            locked,
            actor=actor,
            action="assign",
            before={"assigned_to": before},
            after={"assigned_to": officer.pk if officer else None},
        )
    return _sync(application, locked)


def application_note_add(
    *, actor: User, application: Application, text: str, visible_to_citizen: bool
) -> ApplicationNote:
    _require(actor, "services.handle", application)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ValidationError(_("Write the note."), code="required")})
    if len(text) > NOTE_MAX:
        raise ValidationError(
            {"text": ValidationError(_("The note is too long."), code="max_length")}
        )
    with transaction.atomic():
        locked = _lock(application)
        now = timezone.now()
        note = ApplicationNote.objects.create(
            application=locked,
            author=actor,
            text=text,
            visible_to_citizen=visible_to_citizen,
            created_at=now,
        )
        _event(
            locked, actor=actor, action="note", now=now, message=text, visible=visible_to_citizen
        )
        _audit(
            locked,
            actor=actor,
            action="note_add",
            after={"text": "note"},
            visible_to_citizen=visible_to_citizen,
            note_id=note.pk,
        )
        if visible_to_citizen:
            _tell(locked, _("A message about your application."), text)
    return note


# --- escalation -------------------------------------------------------------------------------


@dataclass
class EscalationReport:
    breached: int = 0  # deadlines newly recorded as breached
    escalated: int = 0  # applications newly reported to their OPD heads
    heads_notified: int = 0
    tracking_codes: list[str] = field(default_factory=list)


def _clock_running() -> Q:
    return Q(status__in=[S.VERIFIED, S.IN_PROCESS]) | Q(status=S.RETURNED, due_at__isnull=False)


def _heads_by_opd(opds: set[Any]) -> dict[int, list[User]]:
    """For each OPD: the people holding ``services.supervise`` on it or a unit above it."""
    if not opds:
        return {}
    pemda_ids = {o.pemda_id for o in opds}
    assignments = (
        RoleAssignment.objects.current()
        .filter(
            opd__isnull=False,
            opd__pemda_id__in=pemda_ids,
            role__actions__code="services.supervise",
            user__is_active=True,
        )
        .select_related("user", "opd")
        .distinct()
    )
    heads: dict[int, list[User]] = defaultdict(list)
    for assignment in assignments:
        if assignment.opd is None:
            continue
        for opd in opds:
            if opd.path.startswith(assignment.opd.path) and assignment.user not in heads[opd.pk]:
                heads[opd.pk].append(assignment.user)
    return heads


def applications_escalate_due(*, now: dt.datetime | None = None) -> EscalationReport:
    """Record breached deadlines and tell OPD heads about overdue and due-soon work, once each.

    Idempotent: a breach is recorded once (``breached_at``); an application is reported when it
    becomes due soon and once more when it becomes overdue (``escalated_at``).
    """
    now = now or timezone.now()
    report = EscalationReport()
    breaching = Application.objects.filter(
        _clock_running(), due_at__lt=now, breached_at__isnull=True
    )
    for pk in list(breaching.values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            locked = Application.objects.select_for_update().select_related("pemda").get(pk=pk)
            if locked.breached_at is not None or locked.due_at is None or locked.due_at >= now:
                continue
            locked.breached_at = locked.due_at
            locked.save(update_fields=["breached_at", "updated_at"])
            _event(
                locked,
                actor=None,
                action="breach",
                now=now,
                visible=False,
                message=_("The deadline of the service standard was missed."),
            )
            _audit(
                locked,
                actor=None,
                action="deadline_breached",
                after={"breached_at": str(locked.due_at)},
            )
            report.breached += 1

    due = (
        Application.objects.filter(_clock_running(), due_at__lte=now + DUE_SOON)
        .filter(Q(escalated_at__isnull=True) | Q(due_at__lt=now, escalated_at__lt=F("due_at")))
        .select_related("opd", "service", "pemda")
        .order_by("due_at")[:5000]
    )
    items = list(due)
    if not items:
        return report
    heads = _heads_by_opd({a.opd for a in items})
    per_head: dict[int, tuple[User, list[Application]]] = {}
    for application in items:
        for head in heads.get(application.opd_id, []):
            per_head.setdefault(head.pk, (head, []))[1].append(application)
    with transaction.atomic():
        Application.objects.filter(pk__in=[a.pk for a in items]).update(escalated_at=now)
        for head, apps in per_head.values():
            lines = []
            for a in apps:
                state = _("OVERDUE") if a.due_at and a.due_at < now else _("due soon")
                lines.append(
                    f"- {tracking_code_display(a.tracking_code)} · {a.service.name} · "
                    f"{state} · {_local(a, a.due_at) if a.due_at else ''}"
                )
            staff_notify(
                emails=[head.email],
                subject=_("Applications overdue or due soon: %(count)s") % {"count": len(apps)},
                body="\n".join([_("These applications of your unit need attention:"), "", *lines]),
            )
            report.heads_notified += 1
    report.escalated = len(items)
    report.tracking_codes = [a.tracking_code for a in items]
    return report
