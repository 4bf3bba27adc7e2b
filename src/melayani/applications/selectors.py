"""Reads of applications: tracking, timelines, the citizen's list and officers' queues.

Officers reach applications only through :mod:`melayani.core.access` (``services.view`` on their
OPD subtree); citizens through ownership (:func:`access.owned`) or the tracking code together with
the phone or e-mail they gave. A wrong code and a wrong contact look the same.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, F, FilteredRelation, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from melayani.applications.forms import contact_normalize
from melayani.applications.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationStatus,
)
from melayani.applications.services import DUE_SOON
from melayani.applications.tracking import tracking_code_normalize
from melayani.catalog.models import FieldType, PublicationStatus, ServiceStandard, ServiceType
from melayani.core import access, metrics
from melayani.core.models import Pemda
from melayani.core.prepared import PreparedValuesQuery
from melayani.workcalendar.clock import DeadlineUnit
from melayani.workcalendar.selectors import clock_for_pemda

S = ApplicationStatus

STATUS_TONES = {
    S.SUBMITTED: "info",
    S.VERIFIED: "info",
    S.IN_PROCESS: "info",
    S.RETURNED: "warn",
    S.COMPLETED: "ok",
    S.REJECTED: "danger",
}

ACTION_TITLES = {
    "submit": _("Application received"),
    "verify": _("File verified complete; the deadline runs"),
    "start": _("In process"),
    "return": _("Returned for correction"),
    "resubmit": _("Correction received"),
    "complete": _("Completed — the product is ready"),
    "reject": _("Rejected"),
    "extend": _("Deadline extended"),
    "note": _("Message from the officer"),
    "claim": _("Taken by an officer"),
    "assign": _("Assigned"),
    "breach": _("Deadline missed"),
}


# --- tracking ---------------------------------------------------------------------------------


def application_track(*, tracking_code: str, contact: str) -> Application:
    """The application with this code whose phone or e-mail is ``contact``.

    Raises ``Application.DoesNotExist`` alike for an unknown code and a wrong contact.
    """
    code = tracking_code_normalize(tracking_code)
    wanted = contact_normalize(contact)
    if not code or not wanted:
        raise Application.DoesNotExist
    match = Q(applicant_email__iexact=wanted) if "@" in wanted else Q(applicant_phone=wanted)
    return (
        Application.objects.select_related("pemda", "opd", "service", "standard")
        .filter(match)
        .get(tracking_code=code)
    )


@dataclass(frozen=True)
class PublicStatus:
    """What public tracking shows of an application (no personal data)."""

    pk: int
    tracking_code: str
    status: str
    service_code: str
    service_name: str
    unit_name: str
    time_zone: str  # the Pemda's
    submitted_at: dt.datetime
    verified_at: dt.datetime | None
    due_at: dt.datetime | None
    completed_at: dt.datetime | None
    product_ready_at: dt.datetime | None
    # The citizen-visible timeline rows (``_EVENT_COLUMNS``) when read with the status; None:
    # not read yet (``application_timeline`` then queries them).
    events: tuple[tuple[Any, ...], ...] | None = field(default=None, compare=False)

    @property
    def status_label(self) -> str:
        return str(S(self.status).label)

    @classmethod
    def of(cls, application: Application) -> PublicStatus:
        return cls(
            pk=application.pk,
            tracking_code=application.tracking_code,
            status=application.status,
            service_code=application.service.code,
            service_name=application.service.name,
            unit_name=application.opd.name,
            time_zone=application.pemda.time_zone,
            submitted_at=application.submitted_at,
            verified_at=application.verified_at,
            due_at=application.due_at,
            completed_at=application.completed_at,
            product_ready_at=application.product_ready_at,
        )


_PUBLIC_STATUS_COLUMNS = (
    "pk",
    "tracking_code",
    "status",
    "service__code",
    "service__name",
    "opd__name",
    "pemda__time_zone",
    "submitted_at",
    "verified_at",
    "due_at",
    "completed_at",
    "product_ready_at",
)


def _public_status_query(*, by_email: bool) -> PreparedValuesQuery:
    """The status with its citizen-visible events, one row per event (a LEFT JOIN: an
    application without such events gives one row whose event columns are empty)."""

    def build(code: str, contact: str) -> QuerySet[Any]:
        queryset = Application.objects.filter(tracking_code=code)
        if by_email:  # stored in lower case; LOWER() so that older rows match too
            queryset = queryset.alias(contact_email=Lower("applicant_email")).filter(
                contact_email=contact
            )
        else:
            queryset = queryset.filter(applicant_phone=contact)
        return (
            queryset.alias(
                visible_events=FilteredRelation(
                    "events", condition=Q(events__visible_to_citizen=True)
                )
            )
            .order_by("visible_events__created_at", "visible_events__pk")
            .values_list(*_PUBLIC_STATUS_COLUMNS, *(f"visible_events__{c}" for c in _EVENT_COLUMNS))
        )

    return PreparedValuesQuery(build, code=str, contact=str)


_STATUS_BY_PHONE = _public_status_query(by_email=False)
_STATUS_BY_EMAIL = _public_status_query(by_email=True)


def application_public_status(*, tracking_code: str, contact: str) -> PublicStatus:
    """:func:`application_track` for public tracking: only what it shows, in one query.

    No encrypted column is read (each would be decrypted). Raises ``Application.DoesNotExist``
    alike for an unknown code and a wrong contact.
    """
    code = tracking_code_normalize(tracking_code)
    wanted = contact_normalize(contact)
    if not code or not wanted:
        raise Application.DoesNotExist
    query = _STATUS_BY_EMAIL if "@" in wanted else _STATUS_BY_PHONE
    rows = query.rows(code=code, contact=wanted)
    if not rows:
        raise Application.DoesNotExist
    width = len(_PUBLIC_STATUS_COLUMNS)
    events = tuple(row[width:] for row in rows if row[width] is not None)
    return dataclasses.replace(PublicStatus(*rows[0][:width]), events=events)


def correction_initial(application: Application, form_fields: Any) -> dict[str, Any]:
    """The correction form's starting values: the answers as they stand, for the form's own
    ``form_fields`` (it offers no personal ones)."""
    keys = {ff.key for ff in form_fields}
    return {key: value for key, value in application.answers.items() if key in keys}


def application_by_tracking_code(tracking_code: str) -> Application:
    """For a code the caller already proved it may see (e.g. in its session); else DoesNotExist."""
    code = tracking_code_normalize(tracking_code)
    if not code:
        raise Application.DoesNotExist
    return Application.objects.select_related("pemda", "opd", "service", "standard").get(
        tracking_code=code
    )


# --- timeline and status ----------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline (fits ``components/timeline.html``)."""

    when: dt.datetime  # in the Pemda's zone
    title: str
    body: str
    action: str
    status: str  # the status after it ("" when the status did not change)
    visible_to_citizen: bool
    actor_name: str  # "" for the system and for the applicant; officers only
    badge: dict[str, str] | None = None
    show_time: bool = True


def application_timeline(
    application: Application | PublicStatus, *, for_citizen: bool
) -> list[TimelineEntry]:
    """The timeline, oldest first; the applicant sees only citizen-visible events, no names."""
    if for_citizen and isinstance(application, PublicStatus) and application.events is not None:
        rows = list(application.events)  # read with the status, in the same query
    elif for_citizen:
        rows = _CITIZEN_TIMELINE.rows(application_id=application.pk)
    else:  # officers also see internal events, and who acted
        rows = list(
            ApplicationEvent.objects.filter(application_id=application.pk)
            .order_by("created_at", "pk")
            .values_list(*_EVENT_COLUMNS, "actor__full_name", "actor__username")
        )
    time_zone = (
        application.time_zone
        if isinstance(application, PublicStatus)
        else application.pemda.time_zone
    )
    # The clock's zone is the Pemda's zone; no need to build the whole working clock for it.
    zone = ZoneInfo(time_zone)
    entries = []
    for created_at, action, to_status, message, visible, *actor in rows:
        actor_name = (actor[0] or actor[1] or "") if actor else ""
        badge = None
        if to_status:
            badge = {"tone": STATUS_TONES[S(to_status)], "label": str(S(to_status).label)}
        entries.append(
            TimelineEntry(
                when=timezone.localtime(created_at, zone),
                title=str(ACTION_TITLES.get(action, action)),
                body=message,
                action=action,
                status=to_status,
                visible_to_citizen=visible,
                actor_name=actor_name,
                badge=badge,
            )
        )
    return entries


_EVENT_COLUMNS = ("created_at", "action", "to_status", "message", "visible_to_citizen")
_CITIZEN_TIMELINE = PreparedValuesQuery(
    lambda application_id: (
        ApplicationEvent.objects.filter(application_id=application_id, visible_to_citizen=True)
        .order_by("created_at", "pk")
        .values_list(*_EVENT_COLUMNS)
    ),
    application_id=int,
)


@dataclass(frozen=True)
class DeadlineView:
    """What to say about the deadline, in the Pemda's zone."""

    promised: str  # the standard's completion time, e.g. "14 working days"
    due_local: dt.datetime | None
    zone: str  # WIB, WITA or WIT
    clock_stopped: bool
    overdue: bool
    breached: bool


def completion_time_text(standard: ServiceStandard) -> str:
    return f"{standard.completion_time_value} {DeadlineUnit(standard.completion_time_unit).label}"


def application_deadline(
    application: Application, *, now: dt.datetime | None = None
) -> DeadlineView:
    now = now or timezone.now()
    zone = clock_for_pemda(application.pemda).zone
    due = application.due_at
    stopped = (
        application.status == S.RETURNED and application.verified_at is not None and due is None
    )
    return DeadlineView(
        promised=completion_time_text(application.standard),
        due_local=timezone.localtime(due, zone) if due else None,
        zone=application.pemda.zone_abbreviation,
        clock_stopped=stopped,
        overdue=bool(due and application.is_open and due < now),
        breached=application.breached_at is not None,
    )


def status_badge(application: Application) -> dict[str, str]:
    return {
        "tone": STATUS_TONES[S(application.status)],
        "label": str(application.get_status_display()),
    }


# --- answers (for officers and the API) -------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    key: str
    label: str
    field_type: str
    value: Any  # str/number for answers; for an address {"address", "region"}; "" when empty
    is_personal: bool


def application_answers(application: Application) -> list[Answer]:
    """The answers to the standard's form fields, in the form's order (files excluded).

    Personal answers (NIK, phone, e-mail, address) are decrypted here: show them only to people
    who may handle the application, masked where the role does not need them in full.
    """
    private = json.loads(application.answers_private) if application.answers_private else {}
    rows = []
    for ff in application.standard.form_fields.order_by("order"):
        if ff.field_type == FieldType.FILE:
            continue
        if ff.field_type == FieldType.NIK and ff.key not in private:
            value: Any = application.applicant_nik
            personal = True
        elif ff.key in private:
            value, personal = private[ff.key], True
        else:
            value, personal = application.answers.get(ff.key, ""), False
        rows.append(Answer(ff.key, ff.label, ff.field_type, value, personal))
    return rows


def application_documents(application: Application) -> QuerySet[ApplicationDocument]:
    return application.documents.select_related("requirement").order_by("uploaded_at", "pk")


# --- lists ------------------------------------------------------------------------------------


def applications_for_citizen(user: Any) -> QuerySet[Application]:
    """The signed-in citizen's own applications, newest first."""
    return (
        access.owned(user, Application.objects.all())
        .select_related("service", "pemda", "standard")
        .order_by("-submitted_at", "-pk")
    )


def _clock_running() -> Q:
    return Q(status__in=[S.VERIFIED, S.IN_PROCESS]) | Q(status=S.RETURNED, due_at__isnull=False)


def application_queue(
    *,
    user: Any,
    opd: Any = None,
    service: Any = None,
    status: str | None = None,
    due: str = "",
    query: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Application]:
    """The applications ``user`` may see, filtered; soonest due first, then oldest submitted.

    ``opd`` includes its sub-units; ``due`` is ``""``, ``"soon"`` (within :data:`DUE_SOON`) or
    ``"overdue"``; ``query`` matches a tracking code or the applicant's name.
    """
    now = now or timezone.now()
    queryset = access.scoped(
        user,
        Application.objects.select_related("service", "opd", "pemda", "assigned_to"),
        "services.view",
    )
    if opd is not None:
        queryset = queryset.filter(opd__path__startswith=opd.path)
    if service is not None:
        queryset = queryset.filter(service=service)
    if status:
        queryset = queryset.filter(status=status)
    if due == "soon":
        queryset = queryset.filter(_clock_running(), due_at__gte=now, due_at__lte=now + DUE_SOON)
    elif due == "overdue":
        queryset = queryset.filter(_clock_running(), due_at__lt=now)
    query = (query or "").strip()
    if query:
        code = tracking_code_normalize(query)
        condition = Q(applicant_name__icontains=query)
        if code:
            condition |= Q(tracking_code=code)
        queryset = queryset.filter(condition)
    return queryset.order_by(F("due_at").asc(nulls_last=True), "submitted_at", "pk")


def application_for_officer(*, user: Any, pk: int) -> Application:
    """One application the officer may see (``services.view``), else ``Http404``."""
    queryset = Application.objects.select_related(
        "service", "opd", "pemda", "standard", "assigned_to", "applicant_region"
    ).prefetch_related(Prefetch("documents", queryset=ApplicationDocument.objects.order_by("pk")))
    return access.access_object(user, queryset, "services.view", pk=pk)


# --- services to apply for ----------------------------------------------------------------------


def service_for_application(
    *, pemda_code: str, service_code: str
) -> tuple[ServiceType, ServiceStandard]:
    """The service and its published standard, if it takes online applications (one query)."""
    try:
        standard = ServiceStandard.objects.select_related(
            "service", "service__pemda", "service__opd"
        ).get(
            service__pemda__code=pemda_code,
            service__code=service_code,
            service__is_active=True,
            service__accepts_online=True,
            status=PublicationStatus.PUBLISHED,  # at most one per service (a constraint)
        )
    except ServiceStandard.DoesNotExist:
        raise ServiceType.DoesNotExist from None
    return standard.service, standard


#: What a submission needs of the standard, the service and its Pemda (``application_submit``,
#: the API's receipt): the version's identity, the service's flags and names, the Pemda's code.
SUBMISSION_FIELDS = (
    "id",
    "service_id",
    "version",
    "status",
    "published_at",
    "service__id",
    "service__pemda_id",
    "service__opd_id",
    "service__code",
    "service__name",
    "service__is_active",
    "service__accepts_online",
    "service__pemda__id",
    "service__pemda__code",
    "service__pemda__time_zone",
)


def _submission_query() -> PreparedValuesQuery:
    def build(pemda_code: str, service_code: str, status: str) -> QuerySet[Any]:
        return ServiceStandard.objects.filter(
            service__pemda__code=pemda_code,
            service__code=service_code,
            service__is_active=True,
            service__accepts_online=True,
            status=status,
        ).values_list(*SUBMISSION_FIELDS)

    return PreparedValuesQuery(build, pemda_code=str, service_code=str, status=str)


_SUBMISSION = _submission_query()


def _instance(model: type[Any], values: dict[str, Any]) -> Any:
    """A model instance as the ORM would load it with only these columns (others deferred)."""
    # ``from_db`` takes the loaded values in the model's field order.
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])


def service_for_submission(
    *, pemda_code: str, service_code: str
) -> tuple[ServiceType, ServiceStandard]:
    """:func:`service_for_application` loading only what a submission needs (one narrow query).

    Other fields are deferred: use the pair to submit, not to show the standard. Every
    submission starts here, so the query is compiled once per process and kept prepared
    (:mod:`melayani.core.prepared`); compiling the three-table join cost more than the rest of
    the submission's reads.
    """
    rows = _SUBMISSION.rows(
        pemda_code=pemda_code, service_code=service_code, status=PublicationStatus.PUBLISHED
    )
    if not rows:  # at most one published version per service (a constraint)
        raise ServiceType.DoesNotExist
    parts: dict[str, dict[str, Any]] = {"": {}, "service__": {}, "service__pemda__": {}}
    for column, value in zip(SUBMISSION_FIELDS, rows[0], strict=True):
        prefix, _sep, name = column.rpartition("__")
        parts[prefix + "__" if prefix else ""][name] = value
    pemda = _instance(Pemda, parts["service__pemda__"])
    service = _instance(ServiceType, parts["service__"])
    standard = _instance(ServiceStandard, parts[""])
    service.pemda = pemda
    standard.service = service
    return service, standard


# --- metrics (evidence for the reform evaluation, read through core.metrics) ---------------------

METRIC_COMPLETED_ON_TIME = "applications.completed_on_time_share"


def completed_on_time_share(pemda_id: int, start: dt.date, end: dt.date) -> metrics.MetricValue:
    """Share of the applications completed in the period without a deadline breach.

    An application counts in the period its product was completed (``completed_at``, in the
    Pemda's days as the server's time zone sees them); on time means no service-guarantee breach
    was recorded for it (``breached_at`` is set once, when the standard's deadline passes).
    """
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end, dt.time.max))
    counts = Application.objects.filter(
        pemda_id=pemda_id, status=ApplicationStatus.COMPLETED, completed_at__range=(since, until)
    ).aggregate(total=Count("pk"), on_time=Count("pk", filter=Q(breached_at__isnull=True)))
    total, on_time = counts["total"], counts["on_time"]
    value = (Decimal(on_time) * 100 / Decimal(total)).quantize(Decimal("0.01")) if total else None
    return metrics.MetricValue(
        name=METRIC_COMPLETED_ON_TIME,
        pemda_id=pemda_id,
        period_start=start,
        period_end=end,
        value=value,
        numerator=on_time,
        denominator=total,
        computed_at=timezone.now(),
        source="applications.selectors.completed_on_time_share: completed in the period; "
        "on time = no deadline breach recorded",
    )


COMPLETED_ON_TIME_METRIC = metrics.Metric(
    name=METRIC_COMPLETED_ON_TIME,
    label=_("Share of applications completed within the service standard's time"),
    unit="percent",
    compute=completed_on_time_share,
)
