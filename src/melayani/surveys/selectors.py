"""Reads of the SKM: results per unit, service or Pemda and period, from the aggregates only.

A result costs a handful of queries whatever the number of answers: the aggregate rows of the
scope (at most four quarters per unit and service) summed in the database. Callers check access
first: ``aggregates.view`` for results (``access.can`` / ``access.access_object`` on the OPD or
Pemda); raw responses are behind ``surveys.view`` (:func:`responses_visible`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from melayani.core import access
from melayani.core.metrics import Metric, MetricValue
from melayani.core.models import OPD, Pemda
from melayani.surveys.computation import (
    SampleAdequacy,
    SkmScore,
    Tally,
    sample_adequacy,
    skm_score,
    weights_custom,
)
from melayani.surveys.instrument import BANDS, CODES, Band, WeightMode
from melayani.surveys.models import (
    ANSWER_FIELDS,
    PopulationSource,
    Questionnaire,
    SkmAggregate,
    SkmExtraAggregate,
    SkmSettings,
    SurveyInvitation,
    SurveyPopulation,
    SurveyResponse,
    UnitSurveyDesign,
)
from melayani.surveys.periods import Period

if TYPE_CHECKING:
    from melayani.catalog.models import ServiceType


@dataclass(frozen=True)
class SkmResult:
    period: Period
    pemda_id: int | None
    opd_id: int | None
    service_id: int | None
    score: SkmScore
    sample: SampleAdequacy
    questionnaire: str  # e.g. "permenpanrb-14-2017 v1": results stay reproducible

    # The figures a page shows, straight from the score.
    @property
    def n(self) -> int:
        return self.score.n

    @property
    def weight_mode(self) -> str:
        return self.score.weight_mode

    @property
    def ikm(self) -> Any:
        return self.score.ikm

    @property
    def mutu(self) -> str | None:
        return self.score.mutu

    @property
    def kinerja(self) -> str | None:
        return self.score.kinerja


def _bands(questionnaire: Questionnaire | None) -> tuple[tuple[Band, ...], str]:
    if questionnaire is None:
        return BANDS, "permenpanrb-14-2017 v1"
    rows = tuple(
        Band(b.min_ikm, b.mutu, b.kinerja, b.kinerja_en) for b in questionnaire.bands.all()
    )
    return rows or BANDS, f"{questionnaire.code} v{questionnaire.version}"


def _default_questionnaire() -> Questionnaire | None:
    return Questionnaire.objects.prefetch_related("bands").filter(is_default=True).first()


SUM_AND_COUNT_FIELDS: tuple[str, ...] = tuple(
    key for f in ANSWER_FIELDS for key in (f"sum_{f}", f"cnt_{f}")
)


def _sums() -> dict[str, Any]:
    out: dict[str, Any] = {"n": Coalesce(Sum("n"), 0)}
    for f in ANSWER_FIELDS:
        out[f"sum_{f}"] = Coalesce(Sum(f"sum_{f}"), 0)
        out[f"cnt_{f}"] = Coalesce(Sum(f"cnt_{f}"), 0)
    return out


def _tally_of(row: dict[str, Any], extra: dict[str, tuple[int, int]] | None = None) -> Tally:
    totals = {code: int(row[f"sum_{code.lower()}"]) for code in CODES}
    counts = {code: int(row[f"cnt_{code.lower()}"]) for code in CODES}
    for code, (total, count) in (extra or {}).items():
        totals[code], counts[code] = total, count
    return Tally(n=int(row["n"]), totals=totals, counts=counts)


def _weights(
    design: UnitSurveyDesign | None, settings: SkmSettings | None
) -> tuple[str, dict[str, Fraction] | None]:
    if design is not None and design.weights:
        return WeightMode.CUSTOM, weights_custom(design.weights)
    return (settings.weight_mode if settings else WeightMode.EXACT), None


def skm_result(
    *,
    period: Period,
    opd: OPD | None = None,
    service: ServiceType | None = None,
    pemda: Pemda | None = None,
) -> SkmResult:
    """The SKM of one service, one unit (with the units below it) or one Pemda, in ``period``.

    A unit or service with its own design is scored with its extra unsur and weights; otherwise
    the Pemda's weight mode applies (exact 1/9 unless it chose a legacy mode).
    """
    if sum(x is not None for x in (opd, service, pemda)) != 1:
        raise ValueError("give exactly one of opd, service, pemda")
    aggregates = SkmAggregate.objects.filter(quarter_start__in=period.quarter_starts)
    invitations = SurveyInvitation.objects.filter(quarter_start__in=period.quarter_starts)
    design: UnitSurveyDesign | None = None
    if service is not None:
        pemda_id: int = service.pemda_id
        opd_id: int | None = service.opd_id
        aggregates = aggregates.filter(service_id=service.pk)
        invitations = invitations.filter(service_id=service.pk)
        design_opd_id: int | None = service.opd_id
    elif opd is not None:
        pemda_id, opd_id = opd.pemda_id, opd.pk
        aggregates = aggregates.filter(pemda_id=pemda_id, opd__path__startswith=opd.path)
        invitations = invitations.filter(pemda_id=pemda_id, opd__path__startswith=opd.path)
        design_opd_id = opd.pk
    else:
        assert pemda is not None
        pemda_id, opd_id, design_opd_id = pemda.pk, None, None
        aggregates = aggregates.filter(pemda_id=pemda_id)
        invitations = invitations.filter(pemda_id=pemda_id)
    if design_opd_id is not None:
        design = (
            UnitSurveyDesign.objects.select_related("questionnaire")
            .prefetch_related("questionnaire__bands")
            .filter(opd_id=design_opd_id)
            .first()
        )
    extra: dict[str, tuple[int, int]] = {}
    if design is not None and design.weights:
        for row in (
            SkmExtraAggregate.objects.filter(aggregate__in=aggregates)
            .values("code")
            .annotate(t=Sum("total"), c=Sum("count"))
        ):
            extra[row["code"]] = (int(row["t"]), int(row["c"]))
    settings = SkmSettings.objects.filter(pemda_id=pemda_id).first()
    mode, weights = _weights(design, settings)
    for code in weights or ():
        if code not in CODES:
            extra.setdefault(code, (0, 0))
    bands, questionnaire = _bands(design.questionnaire if design else _default_questionnaire())
    tally = _tally_of(aggregates.aggregate(**_sums()), extra)
    score = skm_score(tally, weight_mode=mode, weights=weights, bands=bands)
    population = _population(
        period=period,
        pemda_id=pemda_id,
        opd=opd,
        service=service,
        invitations=invitations,
        settings=settings,
    )
    return SkmResult(
        period=period,
        pemda_id=pemda_id,
        opd_id=opd_id,
        service_id=service.pk if service is not None else None,
        score=score,
        sample=sample_adequacy(respondents=score.n, population=population),
        questionnaire=questionnaire,
    )


def _population(
    *,
    period: Period,
    pemda_id: int,
    opd: OPD | None,
    service: ServiceType | None,
    invitations: QuerySet[SurveyInvitation],
    settings: SkmSettings | None,
) -> int | None:
    source = settings.population_source if settings else PopulationSource.TRANSACTIONS
    if source == PopulationSource.TRANSACTIONS:
        return invitations.count()
    if service is not None:
        return None  # entered per unit, not per service
    rows = SurveyPopulation.objects.filter(pemda_id=pemda_id, period=str(period))
    if opd is not None:
        rows = rows.filter(opd__path__startswith=opd.path)
    found = rows.aggregate(total=Sum("population"), units=Count("pk"))
    return found["total"] if found["units"] else None


def skm_scores_over_periods(
    *, opd: OPD, periods: Sequence[Period]
) -> list[tuple[Period, SkmScore]]:
    """The unit's score (with the units below it) in each of ``periods``: the report's trend.

    A constant number of queries whatever the number of periods: the aggregate rows of every
    quarter involved in one ``GROUP BY quarter_start``, the extra unsur likewise, then the design,
    the settings and the bands once; each period sums its own quarters in Python. The numbers are
    those :func:`skm_result` gives for each period (a test holds them equal).
    """
    quarters = sorted({q for p in periods for q in p.quarter_starts})
    aggregates = SkmAggregate.objects.filter(
        pemda_id=opd.pemda_id, opd__path__startswith=opd.path, quarter_start__in=quarters
    )
    grouped: Any = aggregates.order_by().values("quarter_start").annotate(**_sums())
    by_quarter: dict[dt.date, dict[str, Any]] = {row["quarter_start"]: row for row in grouped}
    design = (
        UnitSurveyDesign.objects.select_related("questionnaire")
        .prefetch_related("questionnaire__bands")
        .filter(opd_id=opd.pk)
        .first()
    )
    extra_by_quarter: dict[dt.date, dict[str, tuple[int, int]]] = defaultdict(dict)
    if design is not None and design.weights:
        for extra_row in (
            SkmExtraAggregate.objects.filter(aggregate__in=aggregates)
            .values("aggregate__quarter_start", "code")
            .annotate(t=Sum("total"), c=Sum("count"))
        ):
            extra_by_quarter[extra_row["aggregate__quarter_start"]][extra_row["code"]] = (
                int(extra_row["t"]),
                int(extra_row["c"]),
            )
    settings = SkmSettings.objects.filter(pemda_id=opd.pemda_id).first()
    mode, weights = _weights(design, settings)
    bands, _questionnaire = _bands(design.questionnaire if design else _default_questionnaire())
    empty: dict[str, Any] = {"n": 0, **dict.fromkeys(SUM_AND_COUNT_FIELDS, 0)}
    out = []
    for period in periods:
        row = dict(empty)
        extra: dict[str, tuple[int, int]] = {
            code: (0, 0) for code in weights or () if code not in CODES
        }
        for quarter in period.quarter_starts:
            found = by_quarter.get(quarter)
            if found is not None:
                for key in row:
                    row[key] += int(found[key])
            for code, (total, count) in extra_by_quarter.get(quarter, {}).items():
                have = extra.get(code, (0, 0))
                extra[code] = (have[0] + total, have[1] + count)
        if weights is None:
            extra = {}
        out.append(
            (
                period,
                skm_score(_tally_of(row, extra), weight_mode=mode, weights=weights, bands=bands),
            )
        )
    return out


def skm_scores_by_service(*, opd: OPD, period: Period) -> dict[int, SkmScore]:
    """Each service's score in ``period`` for the services of ``opd`` and the units below it.

    A constant number of queries: one ``GROUP BY service`` of the aggregate rows, the designs of
    the units and their extra unsur once. Each service is scored as :func:`skm_result` scores it
    (its unit's design if it has one, otherwise the Pemda's weight mode).
    """
    aggregates = SkmAggregate.objects.filter(
        pemda_id=opd.pemda_id,
        opd__path__startswith=opd.path,
        quarter_start__in=period.quarter_starts,
    )
    grouped: Any = (
        aggregates.order_by().values("service_id", "opd_id").annotate(**_sums()).order_by()
    )
    designs = {
        d.opd_id: d
        for d in UnitSurveyDesign.objects.filter(
            pemda_id=opd.pemda_id, opd__path__startswith=opd.path
        )
        .exclude(weights={})
        .select_related("questionnaire")
        .prefetch_related("questionnaire__bands")
    }
    extra: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    if designs:
        for extra_row in (
            SkmExtraAggregate.objects.filter(aggregate__in=aggregates)
            .values("aggregate__service_id", "code")
            .annotate(t=Sum("total"), c=Sum("count"))
        ):
            extra[extra_row["aggregate__service_id"]][extra_row["code"]] = (
                int(extra_row["t"]),
                int(extra_row["c"]),
            )
    settings = SkmSettings.objects.filter(pemda_id=opd.pemda_id).first()
    default_bands, _questionnaire = _bands(_default_questionnaire())
    scores: dict[int, SkmScore] = {}
    for service_row in grouped:
        row: dict[str, Any] = service_row
        design = designs.get(row["opd_id"])
        mode, weights = _weights(design, settings)
        bands = _bands(design.questionnaire)[0] if design is not None else default_bands
        service_extra = {
            code: extra[row["service_id"]].get(code, (0, 0))
            for code in weights or ()
            if code not in CODES
        }
        scores[row["service_id"]] = skm_score(
            _tally_of(row, service_extra), weight_mode=mode, weights=weights, bands=bands
        )
    return scores


@dataclass(frozen=True)
class UnitSkm:
    opd_id: int
    score: SkmScore


def skm_results_by_unit(*, pemda: Pemda, period: Period) -> list[UnitSkm]:
    """Every unit of a Pemda that has answers in ``period`` (the public page, the dashboard).

    One ``GROUP BY`` over the Pemda's aggregate rows; units with their own design are scored
    with it. Units are the OPD the services belong to (not rolled up to parents).
    """
    grouped: Any = (
        SkmAggregate.objects.filter(pemda=pemda, quarter_start__in=period.quarter_starts)
        .values("opd_id")
        .annotate(**_sums())
        .order_by("opd_id")
    )
    designs = {
        d.opd_id: d for d in UnitSurveyDesign.objects.filter(pemda=pemda).exclude(weights={})
    }
    extra: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    if designs:
        for extra_row in (
            SkmExtraAggregate.objects.filter(
                aggregate__pemda=pemda,
                aggregate__quarter_start__in=period.quarter_starts,
                aggregate__opd_id__in=list(designs),
            )
            .values("aggregate__opd_id", "code")
            .annotate(t=Sum("total"), c=Sum("count"))
        ):
            extra[extra_row["aggregate__opd_id"]][extra_row["code"]] = (
                int(extra_row["t"]),
                int(extra_row["c"]),
            )
    settings = SkmSettings.objects.filter(pemda=pemda).first()
    pemda_mode = settings.weight_mode if settings else WeightMode.EXACT
    bands, _questionnaire = _bands(_default_questionnaire())
    results = []
    for unit_row in grouped:
        row: dict[str, Any] = unit_row
        design = designs.get(row["opd_id"])
        if design is not None:
            weights = weights_custom(design.weights)
            unit_extra = {c: extra[row["opd_id"]].get(c, (0, 0)) for c in weights if c not in CODES}
            score = skm_score(
                _tally_of(row, unit_extra),
                weight_mode=WeightMode.CUSTOM,
                weights=weights,
                bands=bands,
            )
        else:
            score = skm_score(_tally_of(row), weight_mode=pemda_mode, bands=bands)
        results.append(UnitSkm(opd_id=row["opd_id"], score=score))
    return results


def responses_visible(user: Any, *, period: Period | None = None) -> QuerySet[SurveyResponse]:
    """Raw responses the user may read (``surveys.view``): suggestions and profiles."""
    qs = access.scoped(user, SurveyResponse.objects.all(), "surveys.view")
    if period is not None:
        qs = qs.filter(quarter_start__in=period.quarter_starts)
    return qs


def invitation_for_application(application_id: int) -> SurveyInvitation | None:
    """The invitation of one application (for the citizen's status page, the SMS, …)."""
    return SurveyInvitation.objects.filter(application_id=application_id).first()


# --- the metrics registry (evaluation reads these by name) -------------------------------------


def _quarters_between(start: dt.date, end: dt.date) -> Q:
    return Q(quarter_start__gte=start, quarter_start__lte=end)


def _ikm_metric(pemda_id: int, start: dt.date, end: dt.date) -> MetricValue:
    from django.utils import timezone

    row = SkmAggregate.objects.filter(_quarters_between(start, end), pemda_id=pemda_id).aggregate(
        **_sums()
    )
    mode, _weights_unused = _weights(None, SkmSettings.objects.filter(pemda_id=pemda_id).first())
    score = skm_score(_tally_of(row), weight_mode=mode)
    return MetricValue(
        name="surveys.ikm",
        pemda_id=pemda_id,
        period_start=start,
        period_end=end,
        value=score.ikm,
        numerator=score.n,
        computed_at=timezone.now(),
        source="surveys.selectors: aggregates of quarters starting in the period",
        details={"weight_mode": score.weight_mode, "mutu": score.mutu},
    )


IKM_METRIC = Metric(
    name="surveys.ikm",
    label=_("Community satisfaction index (IKM) of the Pemda"),
    unit="index",
    compute=_ikm_metric,
)


def unit_codes(opd: OPD) -> Sequence[str]:
    """The unsur a unit asks: the nine, then its extra ones."""
    design = UnitSurveyDesign.objects.filter(opd=opd).first()
    if design is None:
        return CODES
    return [*CODES, *design.items.order_by("order").values_list("code", flat=True)]
