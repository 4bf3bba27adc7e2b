"""Reads of complaints: queues, the reporter's view, duplicates, public statistics, metrics.

Everything staff see goes through :mod:`melayani.complaints.access`; everything the public sees
through :func:`~melayani.complaints.access.public_complaints` and ``public_row``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from melayani.complaints import access as complaint_access
from melayani.complaints.models import (
    OPEN_STATUSES,
    Classification,
    Complaint,
    ComplaintDisposition,
    ComplaintEvent,
    ComplaintResponse,
    ComplaintStatus,
    ResponseStatus,
)
from melayani.complaints.tracking import contact_normalize, tracking_code_normalize
from melayani.core import metrics
from melayani.core.models import Pemda

DUE_SOON = dt.timedelta(days=2)


# --- the reporter -------------------------------------------------------------------------------


def complaint_track(*, tracking_code: str, contact: str) -> Complaint:
    """The report with this code whose phone or e-mail is ``contact``; ``DoesNotExist`` alike
    for an unknown code and a wrong contact."""
    code = tracking_code_normalize(tracking_code)
    wanted = contact_normalize(contact)
    if not code or not wanted:
        raise Complaint.DoesNotExist
    match = Q(reporter_email__iexact=wanted) if "@" in wanted else Q(reporter_phone=wanted)
    return Complaint.objects.select_related("pemda").filter(match).get(tracking_code=code)


def complaint_by_code(tracking_code: str) -> Complaint:
    """For a code the caller already proved (in its session); else ``DoesNotExist``."""
    code = tracking_code_normalize(tracking_code)
    if not code:
        raise Complaint.DoesNotExist
    return Complaint.objects.select_related("pemda", "concerned_opd").get(tracking_code=code)


@dataclass(frozen=True)
class TimelineItem:
    when: dt.datetime
    title: str
    body: str = ""
    show_time: bool = True


_EVENT_TITLES = {
    "submit": _("Report received"),
    "verify": _("Verified"),
    "hold": _("On hold"),
    "resume": _("Back in process"),
    "archive": _("Archived"),
    "not_our_authority": _("Not our authority"),
    "forward": _("Forwarded"),
    "dispose": _("Disposed to the responsible unit"),
    "answer_sent": _("Answer sent"),
    "accept": _("You accepted the answer"),
    "dispute": _("You disputed the answer"),
    "reopen": _("Handled again"),
    "reporter_message": _("Your message"),
    "auto_close": _("Closed (no reply within the quiet period)"),
    "merge": _("Merged with an identical report"),
}


def reporter_timeline(complaint: Complaint) -> list[TimelineItem]:
    """What the reporter sees: visible events, and the approved answers (never unit names)."""
    items = []
    for event in complaint.events.filter(visible_to_reporter=True).order_by("created_at", "pk"):
        title = _EVENT_TITLES.get(event.action)
        if title is None:
            continue
        body = (
            event.message
            if event.action
            in ("hold", "archive", "not_our_authority", "reporter_message", "dispute")
            else ""
        )
        items.append(TimelineItem(event.created_at, str(title), body))
    return items


def stage_limit_text(complaint: Complaint, stage: str) -> str:
    """A stage's limit for this report as people read it ("3 working days"); "" when none."""
    from melayani.complaints.deadlines import rule_for

    rule = rule_for(
        pemda=complaint.pemda,
        stage=stage,
        classification=complaint.classification,
        tier=complaint.tier,
        on=timezone.localdate(),
    )
    return f"{rule.value} {rule.get_unit_display()}" if rule else ""


def approved_answers(complaint: Complaint) -> list[ComplaintResponse]:
    return list(
        complaint.responses.filter(status=ResponseStatus.APPROVED).order_by("reviewed_at", "pk")
    )


def status_badge(complaint: Complaint) -> dict[str, str]:
    tone = {
        ComplaintStatus.CLOSED: "ok",
        ComplaintStatus.AWAITING_REPORTER: "info",
        ComplaintStatus.ARCHIVED: "neutral",
        ComplaintStatus.MERGED: "neutral",
        ComplaintStatus.FORWARDED: "neutral",
        ComplaintStatus.ON_HOLD: "warn",
    }.get(ComplaintStatus(complaint.status), "info")
    return {"tone": tone, "label": str(complaint.get_status_display())}


def due_badge(complaint: Complaint, now: dt.datetime | None = None) -> dict[str, str] | None:
    now = now or timezone.now()
    if complaint.due_at is None or complaint.status not in OPEN_STATUSES:
        return None
    if complaint.due_at < now:
        return {"tone": "danger", "label": str(_("Overdue"))}
    if complaint.due_at < now + DUE_SOON:
        return {"tone": "warn", "label": str(_("Due soon"))}
    return {"tone": "ok", "label": str(_("On time"))}


# --- the workbench ------------------------------------------------------------------------------


def complaint_queue(
    *,
    user: Any,
    status: str = "",
    classification: str = "",
    due: str = "",
    query: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Complaint]:
    now = now or timezone.now()
    qs = (
        complaint_access.complaints_visible(user)
        .select_related("pemda", "concerned_opd")
        .prefetch_related("dispositions__to_opd")
    )
    if status == "all":
        pass
    elif status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if classification:
        qs = qs.filter(classification=classification)
    if due == "overdue":
        qs = qs.filter(due_at__lt=now, status__in=OPEN_STATUSES)
    elif due == "soon":
        qs = qs.filter(due_at__gte=now, due_at__lt=now + DUE_SOON, status__in=OPEN_STATUSES)
    query = (query or "").strip()
    if query:
        code = tracking_code_normalize(query)
        condition = Q(title__icontains=query) | Q(edited_title__icontains=query)
        if code:
            condition |= Q(tracking_code=code)
        qs = qs.filter(condition)
    return qs.order_by(F("due_at").asc(nulls_last=True), "pk")


def complaint_dispositions(complaint: Complaint) -> list[ComplaintDisposition]:
    return list(complaint.dispositions.select_related("to_opd").order_by("created_at", "pk"))


def complaint_responses(complaint: Complaint) -> list[ComplaintResponse]:
    return list(complaint.responses.select_related("opd", "author").order_by("created_at", "pk"))


_STAFF_TITLES = {
    **_EVENT_TITLES,
    "classify": _("Classified"),
    "answer": _("A unit answered"),
    "followed_up": _("Followed up; awaiting review"),
    "answer_returned": _("Answer returned to the unit"),
    "escalate": _("Escalated"),
    "national_update": _("Update from the national system"),
    "accept": _("The reporter accepted the answer"),
    "dispute": _("The reporter disputed the answer"),
    "reporter_message": _("Message from the reporter"),
}


def complaint_events(complaint: Complaint) -> list[ComplaintEvent]:
    """The full timeline for staff; each event carries a readable ``title``."""
    events = list(complaint.events.select_related("actor").order_by("created_at", "pk"))
    for event in events:
        event.title = str(_STAFF_TITLES.get(event.action, event.action))  # type: ignore[attr-defined]
    return events


# --- duplicates ---------------------------------------------------------------------------------


@dataclass
class DuplicateCandidate:
    complaint: Complaint
    score: float
    reasons: list[str] = field(default_factory=list)


DUPLICATE_WINDOW = dt.timedelta(days=90)
DUPLICATE_POOL = 300
DUPLICATE_THRESHOLD = 2.0


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.lower()[:1000], b.lower()[:1000]).ratio()


def complaint_duplicates(
    *, user: Any, complaint: Complaint, limit: int = 5
) -> list[DuplicateCandidate]:
    """Possible duplicates the user may see: same reporter, service, place, similar text."""
    pool = (
        complaint_access.complaints_visible(user)
        .filter(
            pemda_id=complaint.pemda_id,
            submitted_at__gte=complaint.submitted_at - DUPLICATE_WINDOW,
        )
        .exclude(pk=complaint.pk)
        .exclude(status__in=[ComplaintStatus.MERGED, ComplaintStatus.FORWARDED])
        .order_by("-submitted_at")[:DUPLICATE_POOL]
    )
    found = []
    for other in pool:
        score, reasons = 0.0, []
        same_reporter = (
            (complaint.reporter_phone and other.reporter_phone == complaint.reporter_phone)
            or (complaint.reporter_email and other.reporter_email == complaint.reporter_email)
            or (
                complaint.reporter_nik_index
                and other.reporter_nik_index == complaint.reporter_nik_index
            )
        )
        if same_reporter:
            score += 2
            reasons.append(str(_("same reporter")))
        if complaint.service_id and other.service_id == complaint.service_id:
            score += 1
            reasons.append(str(_("same service")))
        if complaint.region_id and other.region_id == complaint.region_id:
            score += 1
            reasons.append(str(_("same place")))
        similar = max(
            _similarity(complaint.title, other.title), _similarity(complaint.text, other.text)
        )
        if similar >= 0.6:
            score += similar * 2
            reasons.append(str(_("similar text")))
        if score >= DUPLICATE_THRESHOLD:
            found.append(DuplicateCandidate(other, round(score, 2), reasons))
    found.sort(key=lambda c: -c.score)
    return found[:limit]


# --- public view and statistics -------------------------------------------------------------------


def public_reports(pemda: Pemda, *, limit: int = 50) -> list[dict[str, Any]]:
    reports = list(
        complaint_access.public_complaints(Complaint.objects.filter(pemda=pemda))
        .select_related("concerned_opd")
        .order_by("-submitted_at")[:limit]
    )
    answers: dict[int, list[str]] = defaultdict(list)
    for complaint_id, text in (
        ComplaintResponse.objects.filter(complaint__in=reports, status=ResponseStatus.APPROVED)
        .order_by("reviewed_at", "pk")
        .values_list("complaint_id", "text")
    ):
        answers[complaint_id].append(text)
    return [complaint_access.public_row(c, answers.get(c.pk)) for c in reports]


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _days(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 86400


@dataclass
class StageTimes:
    median: float | None
    p90: float | None
    count: int


@dataclass
class UnitStats:
    unit: str
    total: int
    by_class: dict[str, int]
    verification: StageTimes
    follow_up: StageTimes
    closing: StageTimes
    on_time_share: Decimal | None
    disputed_share: Decimal | None


def _times(values: list[float]) -> StageTimes:
    return StageTimes(
        median=round(statistics.median(values), 1) if values else None,
        p90=round(_percentile(values, 0.9) or 0, 1) if values else None,
        count=len(values),
    )


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(100) * part / whole).quantize(Decimal("0.1")) if whole else None


def unit_statistics(
    pemda: Pemda, *, start: dt.date | None = None, end: dt.date | None = None
) -> list[UnitStats]:
    """Per unit (top-level OPD) for reports disposed to it: counts by class, median and 90th
    percentile of the days per stage (submission to verification, disposition to the unit's
    first answer, submission to closing), share answered on time, share disputed.
    Whistleblowing reports are left out (they would point at a unit)."""
    dispositions = ComplaintDisposition.objects.filter(
        complaint__pemda=pemda, is_active=True
    ).exclude(complaint__classification=Classification.WHISTLEBLOWING)
    if start:
        dispositions = dispositions.filter(created_at__date__gte=start)
    if end:
        dispositions = dispositions.filter(created_at__date__lte=end)
    rows = dispositions.select_related("to_opd").values(
        "to_opd__name",
        "to_opd__path",
        "created_at",
        "first_answered_at",
        "answered_late",
        "due_at",
        "complaint_id",
        "complaint__classification",
        "complaint__submitted_at",
        "complaint__verified_at",
        "complaint__closed_at",
        "complaint__status",
        "complaint__dispute_count",
    )
    top_names = {
        f"/{pk}/": name
        for pk, name in pemda.opds.filter(parent__isnull=True).values_list("pk", "name")
    }
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for values in rows:
        row: dict[str, Any] = dict(values)
        top = "/" + row["to_opd__path"].strip("/").split("/")[0] + "/"
        groups[top_names.get(top, row["to_opd__name"])].append(row)
    result = []
    for unit, items in sorted(groups.items()):
        complaints: dict[int, dict[str, Any]] = {}
        for r in items:
            complaints.setdefault(r["complaint_id"], r)
        by_class: dict[str, int] = defaultdict(int)
        for r in complaints.values():
            by_class[str(Classification(r["complaint__classification"]).label)] += 1
        verify = [
            _days(r["complaint__verified_at"] - r["complaint__submitted_at"])
            for r in complaints.values()
            if r["complaint__verified_at"]
        ]
        follow = [
            _days(r["first_answered_at"] - r["created_at"]) for r in items if r["first_answered_at"]
        ]
        closing = [
            _days(r["complaint__closed_at"] - r["complaint__submitted_at"])
            for r in complaints.values()
            if r["complaint__closed_at"] and r["complaint__status"] == ComplaintStatus.CLOSED
        ]
        answered = [r for r in items if r["first_answered_at"]]
        on_time = sum(1 for r in answered if not r["answered_late"])
        disputed = sum(1 for r in complaints.values() if r["complaint__dispute_count"])
        result.append(
            UnitStats(
                unit=unit,
                total=len(complaints),
                by_class=dict(by_class),
                verification=_times(verify),
                follow_up=_times(follow),
                closing=_times(closing),
                on_time_share=_share(on_time, len(answered)),
                disputed_share=_share(disputed, len(complaints)),
            )
        )
    return result


# --- metrics for evaluation -----------------------------------------------------------------------

METRIC_ON_TIME = "complaints.followed_up_on_time_share"
METRIC_VOLUME = "complaints.received_count"


def followed_up_on_time_share(pemda_id: int, start: dt.date, end: dt.date) -> metrics.MetricValue:
    """Of the dispositions whose follow-up deadline fell in the period, the share answered by it
    (a unit's first answer; a late or missing answer counts against)."""
    due = ComplaintDisposition.objects.filter(
        complaint__pemda_id=pemda_id,
        due_at__date__gte=start,
        due_at__date__lte=end,
    )
    total = due.count()
    on_time = due.filter(first_answered_at__isnull=False, answered_late=False).count()
    value = _share(on_time, total)
    return metrics.MetricValue(
        name=METRIC_ON_TIME,
        pemda_id=pemda_id,
        period_start=start,
        period_end=end,
        value=value,
        numerator=on_time,
        denominator=total,
        computed_at=timezone.now(),
        source="complaints.selectors.followed_up_on_time_share: dispositions due in the period",
    )


def received_count(pemda_id: int, start: dt.date, end: dt.date) -> metrics.MetricValue:
    count = Complaint.objects.filter(
        pemda_id=pemda_id, submitted_at__date__gte=start, submitted_at__date__lte=end
    ).count()
    return metrics.MetricValue(
        name=METRIC_VOLUME,
        pemda_id=pemda_id,
        period_start=start,
        period_end=end,
        value=count,
        computed_at=timezone.now(),
        source="complaints.selectors.received_count: reports submitted in the period",
    )


ON_TIME_METRIC = metrics.Metric(
    name=METRIC_ON_TIME,
    label=_("Share of complaints followed up on time"),
    unit="percent",
    compute=followed_up_on_time_share,
)
VOLUME_METRIC = metrics.Metric(
    name=METRIC_VOLUME,
    label=_("Complaints received"),
    unit="count",
    compute=received_count,
)
