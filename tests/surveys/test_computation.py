"""The SKM arithmetic (SKM.md §3–5), property-tested: no database."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from melayani.surveys.computation import (
    Tally,
    WeightsError,
    classify,
    krejcie_morgan,
    round_half_up,
    sample_adequacy,
    skm_score,
    weights_custom,
)
from melayani.surveys.instrument import CODES, WeightMode

answer = st.one_of(st.none(), st.integers(min_value=1, max_value=4))
response = st.fixed_dictionaries(dict.fromkeys(CODES, answer))
responses = st.lists(response, min_size=1, max_size=60)
modes = st.sampled_from(WeightMode.CHOOSABLE)


def _all(score: int, n: int = 3) -> list[dict[str, int | None]]:
    return [dict.fromkeys(CODES, score) for _ in range(n)]


@pytest.mark.parametrize(
    ("mode", "top", "bottom"),
    [
        (WeightMode.EXACT, "100.00", "25.00"),
        (WeightMode.LEGACY_0_11, "99.00", "24.75"),
        (WeightMode.LEGACY_0_111, "99.90", "24.98"),  # 24.975 half-up
    ],
)
def test_all_four_and_all_one_match_the_table(mode: str, top: str, bottom: str) -> None:
    high = skm_score(Tally.of(_all(4)), weight_mode=mode)
    low = skm_score(Tally.of(_all(1)), weight_mode=mode)
    assert high.ikm == Decimal(top)
    assert low.ikm == Decimal(bottom)
    assert high.weight_mode == low.weight_mode == mode
    assert high.mutu == "A" and high.kinerja == "Sangat Baik"
    assert low.mutu == "D" and low.kinerja == "Tidak Baik"


@given(st.integers(min_value=1, max_value=500))
def test_all_four_is_exactly_100_for_any_number_of_respondents(n: int) -> None:
    score = skm_score(Tally.of(_all(4, n)))
    assert score.index_exact == 4
    assert score.ikm == Decimal("100.00")
    assert score.index_4 == Decimal("4.0000")


@given(responses, modes)
def test_order_of_answers_is_irrelevant(rows: list[dict[str, int | None]], mode: str) -> None:
    shuffled = rows[:]
    random.Random(len(rows)).shuffle(shuffled)
    assert skm_score(Tally.of(rows), weight_mode=mode) == skm_score(
        Tally.of(shuffled), weight_mode=mode
    )


@given(responses)
def test_nrr_bounds_and_exact_equals_mean_of_nrr(rows: list[dict[str, int | None]]) -> None:
    score = skm_score(Tally.of(rows))
    answered = [v for v in score.nrr.values() if v is not None]
    assert all(1 <= v <= 4 for v in answered)
    if answered:
        assert score.index_exact == sum(answered, Fraction(0)) / len(answered)
        assert 25 <= score.ikm <= 100  # type: ignore[operator]
        assert score.mutu == classify(score.ikm).mutu  # type: ignore[arg-type]
        low = min(answered)
        assert all(score.nrr[c] == low for c in score.weakest())
    else:
        assert score.ikm is None and score.mutu is None


@given(responses)
def test_nrr_is_over_that_items_answers(rows: list[dict[str, int | None]]) -> None:
    score = skm_score(Tally.of(rows))
    for code in CODES:
        given_ = [r[code] for r in rows if r[code] is not None]
        expected = Fraction(sum(given_), len(given_)) if given_ else None  # type: ignore[arg-type]
        assert score.nrr[code] == expected


@given(responses, responses)
def test_tallies_add_up(a: list[dict[str, int | None]], b: list[dict[str, int | None]]) -> None:
    assert Tally.of(a) + Tally.of(b) == Tally.of(a + b)


@pytest.mark.parametrize(
    ("ikm", "mutu", "kinerja"),
    [
        ("25.00", "D", "Tidak Baik"),
        ("64.99", "D", "Tidak Baik"),
        ("65.00", "C", "Kurang Baik"),
        ("76.60", "C", "Kurang Baik"),
        ("76.61", "B", "Baik"),
        ("88.30", "B", "Baik"),
        ("88.31", "A", "Sangat Baik"),
        ("100.00", "A", "Sangat Baik"),
    ],
)
def test_band_boundaries(ikm: str, mutu: str, kinerja: str) -> None:
    band = classify(Decimal(ikm))
    assert (band.mutu, band.kinerja) == (mutu, kinerja)


@given(st.integers(min_value=2500, max_value=10000))
def test_bands_cover_every_hundredth_without_gaps(hundredths: int) -> None:
    value = Decimal(hundredths).scaleb(-2)
    expected = (
        "A"
        if value >= Decimal("88.31")
        else "B"
        if value >= Decimal("76.61")
        else "C"
        if value >= Decimal("65.00")
        else "D"
    )
    assert classify(value).mutu == expected


def test_classification_uses_the_rounded_ikm() -> None:
    # index 2.5998 → IKM 64.995 → rounds half-up to 65.00 → C (not D on the raw value).
    tally = Tally(n=1, totals=dict.fromkeys(CODES, 12999), counts=dict.fromkeys(CODES, 5000))
    score = skm_score(tally)
    assert score.index_exact == Fraction(12999, 5000)
    assert score.ikm == Decimal("65.00") and score.mutu == "C"
    # 3.0644 → 76.61 (B); 3.064 → 76.60 (C); 3.5324 → 88.31 (A); 3.532 → 88.30 (B)
    for index, mutu in (("3.0644", "B"), ("3.064", "C"), ("3.5324", "A"), ("3.532", "B")):
        f = Fraction(index)
        tally = Tally(
            n=1,
            totals=dict.fromkeys(CODES, f.numerator),
            counts=dict.fromkeys(CODES, f.denominator),
        )
        assert skm_score(tally).mutu == mutu, index


def test_rounding_is_half_up_and_exact() -> None:
    assert round_half_up(Fraction(76605, 1000), 2) == Decimal("76.61")
    assert round_half_up(Fraction(76604999, 1000000), 2) == Decimal("76.60")
    assert round_half_up(Fraction(2, 3), 4) == Decimal("0.6667")
    assert str(round_half_up(4, 4)) == "4.0000"


def test_an_unsur_nobody_answered_keeps_the_modes_total_weight() -> None:
    rows = [{**dict.fromkeys(CODES, 4), "U9": None}]
    assert skm_score(Tally.of(rows)).ikm == Decimal("100.00")
    assert skm_score(Tally.of(rows), weight_mode=WeightMode.LEGACY_0_11).ikm == Decimal("99.00")
    assert skm_score(Tally.of(rows)).unanswered == ["U9"]


def test_custom_weights_must_sum_to_one() -> None:
    ten = {**dict.fromkeys(CODES, "0.1"), "U10": "0.1"}
    weights = weights_custom(ten)
    tally = Tally.of([{**dict.fromkeys(CODES, 4), "U10": 2}], [*CODES, "U10"])
    assert skm_score(tally, weight_mode=WeightMode.CUSTOM, weights=weights).ikm == Decimal("95.00")
    with pytest.raises(WeightsError):
        weights_custom({**ten, "U10": "0.11"})
    with pytest.raises(WeightsError):
        weights_custom({**ten, "U1": "0", "U10": "0.2"})


def test_answers_outside_one_to_four_are_refused() -> None:
    with pytest.raises(ValueError):
        Tally.of([{"U1": 5}])
    with pytest.raises(ValueError):
        Tally.of([{"U1": 0}])


# SKM.md §5: the published points and the computed table.
KM_TABLE = {
    10: 10, 15: 14, 20: 19, 25: 24, 30: 28, 40: 36, 50: 44, 60: 52, 80: 66, 100: 80,
    150: 108, 200: 132, 250: 152, 300: 169, 400: 196, 500: 217, 600: 234, 700: 248, 800: 260,
    900: 269, 950: 274, 1000: 278, 1100: 285, 1200: 291, 1500: 306, 2000: 322, 3000: 341,
    4000: 351, 5000: 357, 10000: 370, 20000: 377, 30000: 379, 50000: 381, 1_000_000: 384,
}  # fmt: skip


@pytest.mark.parametrize(("population", "sample"), sorted(KM_TABLE.items()))
def test_krejcie_morgan_table(population: int, sample: int) -> None:
    assert krejcie_morgan(population) == sample


@given(st.integers(min_value=1, max_value=10_000_000))
def test_krejcie_morgan_never_exceeds_population_and_grows(population: int) -> None:
    s = krejcie_morgan(population)
    assert 1 <= s <= population
    assert s <= krejcie_morgan(population + 1) <= 384


def test_sample_adequacy() -> None:
    assert sample_adequacy(respondents=278, population=1000).met is True
    assert sample_adequacy(respondents=277, population=1000).met is False
    assert sample_adequacy(respondents=5, population=None).met is None
    # No service users recorded: unknown, never "met" (the target of 0 would be met by anyone).
    zero = sample_adequacy(respondents=5, population=0)
    assert (zero.target, zero.met) == (None, None)
