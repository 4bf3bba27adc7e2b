"""The SKM/IKM arithmetic of PermenPANRB 14/2017, as pure functions (no database).

Everything is exact: sums and counts are integers, averages and weights are
:class:`fractions.Fraction`, so no intermediate value is ever rounded. Only what is shown is
rounded: ``ikm`` half-up to 2 decimals (and classified on that rounded value, SKM.md §4),
``index_4`` and the NRR to 4 decimals. Every result carries the weight mode it was computed with.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from melayani.surveys.instrument import BANDS, CODES, Band, WeightMode

CONVERSION = 25  # "nilai dasar 25": the 1–4 index × 25 gives the 25–100 IKM
MIN_SCORE, MAX_SCORE = 1, 4


class WeightsError(ValueError):
    """Weights that do not make a valid instrument (unknown mode, not summing to 1 …)."""


# --- rounding and classification -----------------------------------------------------------------


def round_half_up(value: Fraction | Decimal | int, places: int) -> Decimal:
    """Round exactly, half away from zero (values here are never negative)."""
    exact = Fraction(value)
    scale = 10**places
    scaled = math.floor(exact * scale + Fraction(1, 2))
    return Decimal(scaled).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def classify(ikm: Decimal, bands: Sequence[Band] = BANDS) -> Band:
    """The band of a converted value; ``ikm`` must already be rounded to 2 decimals."""
    for band in sorted(bands, key=lambda b: b.min_ikm, reverse=True):
        if ikm >= band.min_ikm:
            return band
    raise ValueError(f"no band for {ikm}")


# --- weights -------------------------------------------------------------------------------------


def weights_for_mode(mode: str, codes: Sequence[str] = CODES) -> dict[str, Fraction]:
    """Weights of a built-in mode: exact 1/n, or legacy 0.11 / 0.111 (old reports, 9 unsur)."""
    if mode == WeightMode.EXACT:
        return {code: Fraction(1, len(codes)) for code in codes}
    if mode in WeightMode.LEGACY_WEIGHT:
        if len(codes) != len(CODES):
            raise WeightsError("the legacy weight modes exist only for the nine unsur")
        weight = Fraction(WeightMode.LEGACY_WEIGHT[mode])
        return dict.fromkeys(codes, weight)
    raise WeightsError(f"unknown weight mode {mode!r}")


def weights_custom(weights: Mapping[str, Decimal | Fraction | str]) -> dict[str, Fraction]:
    """A unit's own weights: every weight > 0, and together exactly 1."""
    if not weights:
        raise WeightsError("no weights given")
    exact = {
        code: Fraction(str(w)) if isinstance(w, str) else Fraction(w) for code, w in weights.items()
    }
    if any(w <= 0 for w in exact.values()):
        raise WeightsError("every weight must be greater than 0")
    total = sum(exact.values(), Fraction(0))
    if total != 1:
        raise WeightsError(f"the weights add up to {float(total):g}, not 1")
    return exact


# --- tallies -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Sums and counts of answers per unsur (what an aggregate row stores)."""

    n: int = 0  # respondents
    totals: Mapping[str, int] = field(default_factory=dict)
    counts: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(
        cls, responses: Iterable[Mapping[str, int | None]], codes: Sequence[str] = CODES
    ) -> Tally:
        n = 0
        totals = dict.fromkeys(codes, 0)
        counts = dict.fromkeys(codes, 0)
        for answers in responses:
            n += 1
            for code in codes:
                score = answers.get(code)
                if score is None:
                    continue
                if not (MIN_SCORE <= score <= MAX_SCORE) or isinstance(score, bool):
                    raise ValueError(f"{code}: {score!r} is not an answer from 1 to 4")
                totals[code] += score
                counts[code] += 1
        return cls(n=n, totals=totals, counts=counts)

    def __add__(self, other: Tally) -> Tally:
        codes = dict.fromkeys([*self.totals, *other.totals])
        return Tally(
            n=self.n + other.n,
            totals={c: self.totals.get(c, 0) + other.totals.get(c, 0) for c in codes},
            counts={c: self.counts.get(c, 0) + other.counts.get(c, 0) for c in codes},
        )


# --- the score -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkmScore:
    n: int
    nrr: dict[str, Fraction | None]  # exact average per unsur; None when nobody answered it
    weights: dict[str, Fraction]
    weight_mode: str
    index_exact: Fraction | None  # the 1–4 index, unrounded
    bands: tuple[Band, ...] = BANDS

    @property
    def unanswered(self) -> list[str]:
        return [code for code, value in self.nrr.items() if value is None]

    @property
    def index_4(self) -> Decimal | None:
        return None if self.index_exact is None else round_half_up(self.index_exact, 4)

    @property
    def ikm_exact(self) -> Fraction | None:
        return None if self.index_exact is None else self.index_exact * CONVERSION

    @property
    def ikm(self) -> Decimal | None:
        exact = self.ikm_exact
        return None if exact is None else round_half_up(exact, 2)

    @property
    def band(self) -> Band | None:
        ikm = self.ikm
        return None if ikm is None else classify(ikm, self.bands)

    @property
    def mutu(self) -> str | None:
        return self.band.mutu if self.band else None

    @property
    def kinerja(self) -> str | None:
        return self.band.kinerja if self.band else None

    def nrr_rounded(self, places: int = 4) -> dict[str, Decimal | None]:
        return {c: None if v is None else round_half_up(v, places) for c, v in self.nrr.items()}

    def unsur_ikm(self, code: str) -> Decimal | None:
        """One unsur on the 25–100 scale (NRR × 25, 2 decimals), to flag weak unsur."""
        value = self.nrr[code]
        return None if value is None else round_half_up(value * CONVERSION, 2)

    def unsur_band(self, code: str) -> Band | None:
        ikm = self.unsur_ikm(code)
        return None if ikm is None else classify(ikm, self.bands)

    def weakest(self) -> list[str]:
        """The unsur with the lowest NRR (ties all listed), in instrument order."""
        answered = {c: v for c, v in self.nrr.items() if v is not None}
        if not answered:
            return []
        low = min(answered.values())
        return [c for c, v in answered.items() if v == low]

    def as_dict(self) -> dict[str, object]:
        """The documented JSON shape (``melayani skm_compute``); Decimal values, not floats."""
        return {
            "n": self.n,
            "nrr": self.nrr_rounded(4),
            "index_4": self.index_4,
            "ikm": self.ikm,
            "mutu": self.mutu,
            "kinerja": self.kinerja,
            "weight_mode": self.weight_mode,
        }


def skm_score(
    tally: Tally,
    *,
    weight_mode: str = WeightMode.EXACT,
    weights: Mapping[str, Fraction] | None = None,
    bands: Sequence[Band] = BANDS,
) -> SkmScore:
    """NRR per unsur, the weighted 1–4 index (SKM.md §3) and everything derived from it.

    ``weights`` (a unit's own, see :func:`weights_custom`) overrides ``weight_mode``'s weights;
    pass ``weight_mode=WeightMode.CUSTOM`` with it. An unsur nobody answered has no NRR; the
    others' weights are then scaled up in proportion so that they keep the mode's total (1 for
    exact weights, 0.99 for legacy 0.11), and the result lists it in ``unanswered``.
    """
    codes = list(weights) if weights is not None else list(tally.totals or CODES)
    if weights is None:
        weights = weights_for_mode(weight_mode, codes)
    nrr: dict[str, Fraction | None] = {}
    for code in codes:
        count = tally.counts.get(code, 0)
        nrr[code] = Fraction(tally.totals.get(code, 0), count) if count else None
    answered = [code for code in codes if nrr[code] is not None]
    index: Fraction | None = None
    if answered:
        weighted = sum((weights[c] * nrr[c] for c in answered), Fraction(0))  # type: ignore[operator]
        total_weight = sum(weights.values(), Fraction(0))
        answered_weight = sum((weights[c] for c in answered), Fraction(0))
        index = weighted * total_weight / answered_weight
    return SkmScore(
        n=tally.n,
        nrr=nrr,
        weights=dict(weights),
        weight_mode=weight_mode,
        index_exact=index,
        bands=tuple(bands),
    )


# --- sample size ---------------------------------------------------------------------------------

_CHI2 = Fraction("3.841")
_P = Fraction(1, 2)
_D = Fraction("0.05")


def krejcie_morgan(population: int) -> int:
    """Krejcie & Morgan (1970) sample size for ``population`` users, rounded to the nearest."""
    if population < 0:
        raise ValueError("population cannot be negative")
    if population == 0:
        return 0
    pq = _P * (1 - _P)
    s = _CHI2 * population * pq / (_D**2 * (population - 1) + _CHI2 * pq)
    return math.floor(s + Fraction(1, 2))


@dataclass(frozen=True)
class SampleAdequacy:
    population: int | None
    target: int | None
    respondents: int

    @property
    def met(self) -> bool | None:
        """``None`` when the population is unknown: adequacy cannot be judged."""
        return None if self.target is None else self.respondents >= self.target


def sample_adequacy(*, respondents: int, population: int | None) -> SampleAdequacy:
    """Respondents against the Krejcie & Morgan target of ``population``.

    A population of 0 means the number of service users was not set (no transactions recorded,
    or the unit entered nothing): there is no target, and adequacy is unknown, never "met".
    """
    target = krejcie_morgan(population) if population else None
    return SampleAdequacy(population=population, target=target, respondents=respondents)
