"""Reads for the SKM pages that the core selectors do not offer (all pure reads, no writes).

Results always come from :mod:`melayani.surveys.selectors` (``skm_result``,
``skm_results_by_unit``); this module only gathers what the pages show around them: the questions
in the page's language, a unit's services, the respondent profile and channel counts of a period,
the periods to choose from, and each unit's latest result for the public page.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from melayani.catalog.models import ServiceType
from melayani.catalog.selectors import catalog_search
from melayani.core import access
from melayani.core.models import OPD, Pemda
from melayani.surveys import followup_selectors, selectors
from melayani.surveys.computation import SkmScore, round_half_up
from melayani.surveys.instrument import CODES, UNSUR
from melayani.surveys.models import (
    PROFILE_CHOICES,
    Channel,
    Questionnaire,
    SkmAggregate,
    SurveyInvitation,
    SurveyPopulation,
    SurveyResponse,
    UnitSurveyDesign,
    UnitSurveyItem,
)
from melayani.surveys.periods import QUARTER, SEMESTER, YEAR, Period

TREND_LENGTH = {QUARTER: 8, SEMESTER: 6, YEAR: 5}
EXTRA_SLOTS = 3  # extra unsur a unit may set on its design page (U10 … U12)
CHOOSABLE_YEARS = 5


# --- questions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    code: str
    name: str
    labels: tuple[str, ...]  # four labels, score 1 → 4


def _english() -> bool:
    return (get_language() or "id").startswith("en")


def _name(name_id: str, name_en: str) -> str:
    """The unsur's name; in English with the official Indonesian term beside it."""
    if _english() and name_en:
        return f"{name_en} ({name_id})"
    return name_id


def unit_questions(opd: OPD | None) -> list[Question]:
    """The unsur a unit asks, in the page's language: the questionnaire's nine, then its extras."""
    english = _english()
    questionnaire = Questionnaire.objects.filter(is_default=True).first()
    questions: list[Question] = []
    if questionnaire is not None:
        for item in questionnaire.items.order_by("order"):
            labels = item.labels_en if english and item.labels_en else item.labels_id
            questions.append(Question(item.code, _name(item.name_id, item.name_en), tuple(labels)))
    else:  # the seed migration always creates it; the regulation's text is the fallback
        for unsur in UNSUR:
            questions.append(
                Question(
                    unsur.code,
                    _name(unsur.name_id, unsur.name_en),
                    unsur.labels_en if english else unsur.labels_id,
                )
            )
    if opd is not None:
        for extra in UnitSurveyItem.objects.filter(design__opd=opd).order_by("order"):
            labels = extra.labels_en if english and extra.labels_en else extra.labels_id
            questions.append(
                Question(extra.code, _name(extra.name_id, extra.name_en), tuple(labels))
            )
    return questions


def unsur_names(opd: OPD) -> dict[str, str]:
    return {q.code: q.name for q in unit_questions(opd)}


# --- invitations, units and services -----------------------------------------------------------


def invitation_open(token: str) -> SurveyInvitation | None:
    """The invitation behind ``token`` if it can still be answered (unused, not expired)."""
    token = (token or "").strip()
    if not token:
        return None
    return (
        SurveyInvitation.objects.select_related("pemda", "service", "service__opd")
        .filter(token=token, used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def public_unit(pemda_code: str, opd_slug: str) -> OPD | None:
    """An active unit by Pemda code and short name (for the public kiosk)."""
    return (
        OPD.objects.select_related("pemda")
        .filter(pemda__code=pemda_code, slug=opd_slug, is_active=True)
        .first()
    )


def kiosk_services(opd: OPD) -> list[ServiceType]:
    """The services a kiosk offers: the unit's (and sub-units') services in the public catalogue."""
    seen: dict[int, ServiceType] = {}
    for service in catalog_search(pemda=opd.pemda, opd=opd):
        seen.setdefault(service.pk, service)
    return list(seen.values())


def unit_services(opd: OPD) -> QuerySet[ServiceType]:
    """Active services of a unit and its sub-units (paper entry and import)."""
    return ServiceType.objects.filter(
        pemda_id=opd.pemda_id, opd__path__startswith=opd.path, is_active=True
    ).order_by("name")


def unit_for(user: Any, *, pemda_code: str, opd_slug: str, actions: Sequence[str]) -> OPD | None:
    """The unit if ``user`` may perform any of ``actions`` on it (``None``: answer 404)."""
    units = OPD.objects.select_related("pemda").filter(pemda__code=pemda_code, slug=opd_slug)
    for action in actions:
        found = access.scoped(user, units, action).first()
        if found is not None:
            return found
    return None


def units_with_services(user: Any, *, pemda: Pemda, action: str) -> list[OPD]:
    """The units of ``pemda`` that run services and on which ``user`` may perform ``action``."""
    owners = ServiceType.objects.filter(pemda=pemda).values("opd_id")
    return list(
        access.scoped(user, OPD.objects.filter(pemda=pemda, pk__in=owners), action).order_by("name")
    )


# --- periods -----------------------------------------------------------------------------------


def local_today(pemda: Pemda) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(pemda.time_zone)).date()


def period_previous(period: Period) -> Period:
    if period.number > 1:
        return Period(period.year, period.kind, period.number - 1)
    last = {QUARTER: 4, SEMESTER: 2, YEAR: 1}[period.kind]
    return Period(period.year - 1, period.kind, last)


def period_series(period: Period, length: int | None = None) -> list[Period]:
    """``period`` and the ones before it, oldest first (the trend)."""
    count = length or TREND_LENGTH[period.kind]
    series = [period]
    while len(series) < count:
        series.append(period_previous(series[-1]))
    return list(reversed(series))


def period_label(period: Period) -> str:
    """ "2025", "2025 · Semester 1", "2025 · Quarter 3" in the page's language."""
    if period.kind == SEMESTER:
        return _("%(year)s · Semester %(number)s") % {"year": period.year, "number": period.number}
    if period.kind == QUARTER:
        return _("%(year)s · Quarter %(number)s") % {"year": period.year, "number": period.number}
    return str(period.year)


def period_choices(today: dt.date) -> list[Period]:
    """Years, semesters and quarters of the last few years, newest first."""
    choices: list[Period] = []
    for year in range(today.year, today.year - CHOOSABLE_YEARS, -1):
        choices.append(Period(year))
        choices.extend(Period(year, SEMESTER, n) for n in (2, 1))
        choices.extend(Period(year, QUARTER, n) for n in (4, 3, 2, 1))
    return [p for p in choices if p.start <= today]


# --- what is around a result -------------------------------------------------------------------


def _responses(opd: OPD, period: Period) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(
        pemda_id=opd.pemda_id,
        opd__path__startswith=opd.path,
        quarter_start__in=period.quarter_starts,
    )


@dataclass(frozen=True)
class ProfileCount:
    field: str
    value: str  # "" = not given
    label: str
    count: int


def respondent_profile(opd: OPD, period: Period) -> dict[str, list[ProfileCount]]:
    """Counts of respondents per sex, age band, education and occupation (one query).

    Every choice is listed (zero included), then "not given"; aggregates only, never a person.
    """
    counts: dict[str, dict[str, int]] = {name: defaultdict(int) for name in PROFILE_CHOICES}
    fields = list(PROFILE_CHOICES)
    for row in _responses(opd, period).order_by().values(*fields).annotate(c=Count("pk")):
        for name in fields:
            counts[name][row[name] or ""] += row["c"]
    out: dict[str, list[ProfileCount]] = {}
    for name, choices in PROFILE_CHOICES.items():
        rows = [
            ProfileCount(name, value, str(label), counts[name].get(value, 0))
            for value, label in choices.choices
        ]
        rows.append(ProfileCount(name, "", "", counts[name].get("", 0)))
        out[name] = rows
    return out


def response_channels(opd: OPD, period: Period) -> list[tuple[str, int]]:
    """How the period's answers were collected: (channel label, respondents), every channel."""
    found = dict(_responses(opd, period).order_by().values_list("channel").annotate(c=Count("pk")))
    return [(str(label), found.get(value, 0)) for value, label in Channel.choices]


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    n: int
    ikm: Any  # Decimal | None
    mutu: str | None


def unit_trend(opd: OPD, period: Period) -> list[TrendPoint]:
    """The unit's IKM over ``period`` and the ones before it (a constant number of queries)."""
    return [
        TrendPoint(each, score.n, score.ikm, score.mutu)
        for each, score in selectors.skm_scores_over_periods(opd=opd, periods=period_series(period))
    ]


@dataclass(frozen=True)
class UnitLatest:
    opd_id: int
    name: str
    slug: str
    period: Period
    score: SkmScore

    @property
    def period_label(self) -> str:
        return period_label(self.period)


def latest_results_by_unit(pemda: Pemda) -> list[UnitLatest]:
    """Each unit's result in its latest quarter with answers, from the aggregates.

    Queries: one for each unit's latest quarter, one ``skm_results_by_unit`` per distinct
    latest quarter (usually one or two), one for the unit names: it does not grow with units.
    """
    latest = dict(
        SkmAggregate.objects.filter(pemda=pemda, n__gt=0)
        .order_by()
        .values_list("opd_id")
        .annotate(q=Max("quarter_start"))
    )
    if not latest:
        return []
    by_quarter: dict[dt.date, set[int]] = defaultdict(set)
    for opd_id, quarter in latest.items():
        by_quarter[quarter].add(opd_id)
    scores: dict[int, tuple[Period, SkmScore]] = {}
    for quarter, opd_ids in by_quarter.items():
        period = Period.containing(quarter, QUARTER)
        for unit in selectors.skm_results_by_unit(pemda=pemda, period=period):
            if unit.opd_id in opd_ids:
                scores[unit.opd_id] = (period, unit.score)
    units = OPD.objects.filter(pk__in=list(scores)).values_list("pk", "name", "slug")
    rows = [
        UnitLatest(pk, name, slug, scores[pk][0], scores[pk][1])
        for pk, name, slug in units
        if pk in scores
    ]
    return sorted(rows, key=lambda r: r.name)


def results_for_period(pemda: Pemda, period: Period) -> list[UnitLatest]:
    """Every unit's result in one chosen period (the public page with a period chosen)."""
    scores = {u.opd_id: u.score for u in selectors.skm_results_by_unit(pemda=pemda, period=period)}
    units = OPD.objects.filter(pk__in=list(scores)).values_list("pk", "name", "slug")
    rows = [
        UnitLatest(pk, name, slug, period, scores[pk]) for pk, name, slug in units if scores[pk].n
    ]
    return sorted(rows, key=lambda r: r.name)


# --- the unit report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnsurRow:
    code: str
    name: str
    nrr: Decimal | None  # 4 decimals
    weight: Decimal  # 4 decimals
    weighted: Decimal | None  # NRR × weight, 4 decimals
    ikm: Decimal | None  # NRR × 25, 2 decimals
    mutu: str | None
    kinerja: str | None
    weakest: bool


@dataclass(frozen=True)
class ServiceResult:
    name: str
    score: SkmScore


def results_by_service(opd: OPD, period: Period) -> list[ServiceResult]:
    """Each service's IKM in ``period`` (services with answers), by name; two queries or so."""
    scores = selectors.skm_scores_by_service(opd=opd, period=period)
    names = dict(ServiceType.objects.filter(pk__in=list(scores)).values_list("pk", "name"))
    rows = [ServiceResult(names.get(pk, str(pk)), score) for pk, score in scores.items()]
    return sorted(rows, key=lambda r: r.name)


@dataclass(frozen=True)
class UnitReport:
    opd: OPD
    period: Period
    result: selectors.SkmResult
    unsur: list[UnsurRow]
    weakest: list[UnsurRow]
    channels: list[tuple[str, int]]
    profile: dict[str, list[ProfileCount]]
    trend: list[TrendPoint]
    followups: list[followup_selectors.PlanRow]
    services: list[ServiceResult]


def unit_report(opd: OPD, period: Period) -> UnitReport:
    """Everything the unit report shows; the figures are ``skm_result``'s, only rounded here."""
    result = selectors.skm_result(period=period, opd=opd)
    score = result.score
    names = unsur_names(opd)
    nrr = score.nrr_rounded(4)
    weakest = set(score.weakest())
    rows = []
    for code, exact in score.nrr.items():
        band = score.unsur_band(code)
        weight = score.weights.get(code, Fraction(0))
        rows.append(
            UnsurRow(
                code=code,
                name=names.get(code, code),
                nrr=nrr[code],
                weight=round_half_up(weight, 4),
                weighted=None if exact is None else round_half_up(exact * weight, 4),
                ikm=score.unsur_ikm(code),
                mutu=band.mutu if band else None,
                kinerja=band.kinerja if band else None,
                weakest=code in weakest,
            )
        )
    return UnitReport(
        opd=opd,
        period=period,
        result=result,
        unsur=rows,
        weakest=[r for r in rows if r.weakest],
        channels=response_channels(opd, period),
        profile=respondent_profile(opd, period),
        trend=unit_trend(opd, period),
        followups=followup_selectors.unit_followups(opd, period=period, names=names),
        services=results_by_service(opd, period),
    )


# --- policy ------------------------------------------------------------------------------------


def unit_populations(opd: OPD) -> list[SurveyPopulation]:
    """The numbers of service users a unit entered, newest period first."""
    return sorted(
        SurveyPopulation.objects.filter(pemda_id=opd.pemda_id, opd=opd),
        key=lambda row: Period.parse(row.period),
        reverse=True,
    )


def unit_design(opd: OPD) -> dict[str, Any]:
    """The unit's design as the initial values of its form (exact-looking 0.1111 … when none).

    Without a design of its own, the nine weights start at 0.1111 (1/9 rounded): the officer
    adjusts them so they add up to exactly 1, or keeps the Pemda's weights by not saving.
    """
    design = UnitSurveyDesign.objects.filter(pemda_id=opd.pemda_id, opd=opd).first()
    weights = design.weights if design is not None and design.weights else {}
    initial: dict[str, Any] = {
        f"weight_{code}": Decimal(weights[code]) if code in weights else Decimal("0.1111")
        for code in CODES
    }
    if design is not None:
        for item in design.items.order_by("order"):
            slot = int(item.code[1:]) - len(CODES) if item.code[1:].isdigit() else 0
            if not 1 <= slot <= EXTRA_SLOTS:
                continue
            initial[f"extra{slot}_name_id"] = item.name_id
            initial[f"extra{slot}_name_en"] = item.name_en
            initial[f"extra{slot}_labels_id"] = "\n".join(item.labels_id)
            if item.code in weights:
                initial[f"extra{slot}_weight"] = Decimal(weights[item.code])
    return initial
