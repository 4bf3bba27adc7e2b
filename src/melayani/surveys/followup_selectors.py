"""Reads of the follow-up plans (rencana tindak lanjut): candidates, a unit's plans, the public
list of a Pemda, and the metric "follow-up plans completed on time".

A plan is *overdue* when it is still open (planned or in progress) after its due date, in the
Pemda's local calendar; it was *done on time* when completed on or before its due date. Every
list here costs a fixed number of queries, whatever the number of plans or units.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from melayani.core.metrics import Metric, MetricValue
from melayani.core.models import OPD, Pemda
from melayani.surveys import selectors
from melayani.surveys.computation import round_half_up
from melayani.surveys.models import (
    FollowUpPlan,
    FollowUpStatus,
    FollowUpStatusChange,
    SkmAggregate,
)
from melayani.surveys.periods import Period

#: Unsur whose NRR × 25 falls in these mutu are weak (besides the weakest one).
WEAK_MUTU = frozenset({"C", "D"})
#: The public page without a chosen period lists open plans and those closed this long ago.
PUBLIC_CLOSED_WINDOW = dt.timedelta(days=366)
OPEN = (FollowUpStatus.PLANNED, FollowUpStatus.IN_PROGRESS)


def local_today(pemda: Pemda) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(pemda.time_zone)).date()


@dataclass(frozen=True)
class Candidate:
    """An unsur a plan may be made for: the weakest, or one in mutu C or D."""

    code: str
    name: str
    nrr: Decimal | None  # 4 decimals
    mutu: str | None
    weakest: bool


def followup_candidates(
    opd: OPD, period: Period, names: Mapping[str, str] | None = None
) -> list[Candidate]:
    """The weak unsur of ``opd``'s results in ``period`` (none when the period has no answers)."""
    score = selectors.skm_result(period=period, opd=opd).score
    if not score.n:
        return []
    weakest = set(score.weakest())
    nrr = score.nrr_rounded(4)
    found = []
    for code in score.nrr:
        band = score.unsur_band(code)
        mutu = band.mutu if band else None
        if code in weakest or (mutu in WEAK_MUTU and nrr[code] is not None):
            found.append(
                Candidate(
                    code=code,
                    name=(names or {}).get(code, code),
                    nrr=nrr[code],
                    mutu=mutu,
                    weakest=code in weakest,
                )
            )
    return found


@dataclass(frozen=True)
class PlanRow:
    """A plan as the pages show it, with what follows from its dates."""

    plan: FollowUpPlan
    unit_name: str
    unsur_name: str
    today: dt.date

    @property
    def period_label(self) -> str:
        """ "2025 · Quarter 3" in the page's language."""
        from melayani.surveys.web_selectors import period_label  # it reads plans from here

        return period_label(Period.parse(self.plan.period))

    @property
    def is_open(self) -> bool:
        return self.plan.status in OPEN

    @property
    def overdue(self) -> bool:
        return self.is_open and self.plan.due_on < self.today

    @property
    def on_time(self) -> bool | None:
        """Done on or before the due date (``None`` while not done)."""
        if self.plan.status != FollowUpStatus.DONE or self.plan.completed_on is None:
            return None
        return self.plan.completed_on <= self.plan.due_on

    @property
    def status_label(self) -> str:
        return str(FollowUpStatus(self.plan.status).label)

    @property
    def tone(self) -> str:
        """The status badge's tone (the badge always carries the text too)."""
        if self.overdue:
            return "danger"
        return {
            FollowUpStatus.DONE: "ok",
            FollowUpStatus.IN_PROGRESS: "info",
            FollowUpStatus.CANCELLED: "neutral",
        }.get(FollowUpStatus(self.plan.status), "neutral")


def _rows(plans: QuerySet[FollowUpPlan], names: Mapping[str, str], today: dt.date) -> list[PlanRow]:
    return [
        PlanRow(plan, plan.opd.name, names.get(plan.unsur, plan.unsur), today)
        for plan in plans.select_related("opd")
    ]


def unit_followups(
    opd: OPD, *, period: Period | None = None, names: Mapping[str, str] | None = None
) -> list[PlanRow]:
    """The plans of one unit (exactly that unit), all periods or the plans made for ``period``."""
    plans = FollowUpPlan.objects.filter(pemda_id=opd.pemda_id, opd=opd)
    if period is not None:
        plans = plans.filter(period=str(period))
    return _rows(plans, names or {}, local_today(opd.pemda))


def followup_history(plan: FollowUpPlan) -> list[FollowUpStatusChange]:
    return list(plan.history.select_related("changed_by").order_by("changed_at", "pk"))


def public_followups(
    pemda: Pemda, *, period: Period | None = None, names: Mapping[str, str] | None = None
) -> list[PlanRow]:
    """The plans the Pemda's public results page lists (one query).

    With a period: the plans made for periods overlapping it. Without: the plans still open and
    those done or cancelled within the last year. Ordered by unit, then period and unsur.
    """
    today = local_today(pemda)
    plans = FollowUpPlan.objects.filter(pemda=pemda)
    if period is not None:
        plans = plans.filter(period_start__lte=period.end, period_end__gte=period.start)
    else:
        recent = today - PUBLIC_CLOSED_WINDOW
        plans = plans.filter(Q(status__in=OPEN) | Q(updated_at__date__gte=recent))
    rows = _rows(plans.order_by("opd__name", "-period_start", "unsur", "due_on", "pk"), {}, today)
    if names:
        rows = [
            PlanRow(r.plan, r.unit_name, names.get(r.plan.unsur, r.unsur_name), today) for r in rows
        ]
    return rows


# --- the metrics registry ----------------------------------------------------------------------


def _on_time_metric(pemda_id: int, start: dt.date, end: dt.date) -> MetricValue:
    """Share of the plans due in ``start``…``end`` (not cancelled) that were done by their date."""
    counts = FollowUpPlan.objects.filter(
        pemda_id=pemda_id, due_on__gte=start, due_on__lte=end
    ).aggregate(
        due=Count("pk", filter=~Q(status=FollowUpStatus.CANCELLED)),
        on_time=Count(
            "pk",
            filter=Q(status=FollowUpStatus.DONE, completed_on__lte=F("due_on")),
        ),
        done=Count("pk", filter=Q(status=FollowUpStatus.DONE)),
    )
    due, on_time = int(counts["due"]), int(counts["on_time"])
    value = round_half_up(Fraction(on_time * 100, due), 2) if due else None
    return MetricValue(
        name="surveys.followup_on_time",
        pemda_id=pemda_id,
        period_start=start,
        period_end=end,
        value=value,
        numerator=on_time,
        denominator=due,
        computed_at=timezone.now(),
        source="surveys.followup_selectors: SKM follow-up plans due in the period, not cancelled",
        details={"done": int(counts["done"])},
    )


FOLLOWUP_ON_TIME_METRIC = Metric(
    name="surveys.followup_on_time",
    label=_("SKM follow-up plans completed on time (%)"),
    unit="percent",
    compute=_on_time_metric,
)


def _coverage_metric(pemda_id: int, start: dt.date, end: dt.date) -> MetricValue:
    """Share of the units with SKM answers in ``start``…``end`` that planned a follow-up for it.

    A unit counts as followed up when it has a plan (not cancelled) made for a survey period
    overlapping ``start``…``end`` (PEKPPP: "% of SKM results followed up").
    """
    surveyed = set(
        SkmAggregate.objects.filter(
            pemda_id=pemda_id, quarter_start__gte=start, quarter_start__lte=end, n__gt=0
        )
        .order_by()
        .values_list("opd_id", flat=True)
        .distinct()
    )
    planned = set(
        FollowUpPlan.objects.filter(
            pemda_id=pemda_id,
            opd_id__in=surveyed,
            period_start__lte=end,
            period_end__gte=start,
        )
        .exclude(status=FollowUpStatus.CANCELLED)
        .order_by()
        .values_list("opd_id", flat=True)
        .distinct()
    )
    value = round_half_up(Fraction(len(planned) * 100, len(surveyed)), 2) if surveyed else None
    return MetricValue(
        name="surveys.followup_coverage",
        pemda_id=pemda_id,
        period_start=start,
        period_end=end,
        value=value,
        numerator=len(planned),
        denominator=len(surveyed),
        computed_at=timezone.now(),
        source="surveys.followup_selectors: units with SKM answers in the period, and their plans",
    )


FOLLOWUP_COVERAGE_METRIC = Metric(
    name="surveys.followup_coverage",
    label=_("Units whose SKM results were followed up with a plan (%)"),
    unit="percent",
    compute=_coverage_metric,
)
