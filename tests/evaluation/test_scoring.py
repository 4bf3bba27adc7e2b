"""Scoring with hand-computed trees: the notes' worked example, predicate boundaries, answer
values, both PMPRB weight presets."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from melayani.evaluation.instruments import instrument_clone, preset_fill_evenly
from melayani.evaluation.models import Instrument, InstrumentNode
from melayani.evaluation.scoring import (
    CTX,
    Band,
    QuestionSpec,
    answer_value,
    compiled_tree,
    display,
    parse_number,
    predicate_of,
)
from tests.evaluation.conftest import BANDS, single_score_data, worked_example_data

pytestmark = pytest.mark.django_db


def _ids(instrument: Instrument) -> dict[str, int]:
    return dict(instrument.nodes.values_list("code", "pk"))


def test_worked_example_of_the_notes(load_data: Callable[[dict[str, Any]], Instrument]) -> None:
    instrument = load_data(worked_example_data())
    tree = compiled_tree(instrument.presets.get().pk)
    ids = _ids(instrument)
    values = {
        ids["mp.team.q1"]: Decimal(1),
        ids["mp.team.q2"]: Decimal(1),
        ids["mp.plan.q1"]: Decimal(1),
        ids["mp.plan.q2"]: Decimal(0),
        ids["mp.plan.q3"]: Decimal(1),
        ids["mp.rest.q1"]: Decimal(1),
        ids["mp.rest.q2"]: Decimal(1),
    }
    scores = tree.score(values)
    # "Rencana Pembangunan ZI", weight 1.00, answers 1, 0, 1 → 0.67 (66.67 %).
    assert display(scores[ids["mp.plan"]]) == "0.67"
    assert display(scores[ids["mp.plan"]] * 100 / Decimal("1.00")) == "66.67"
    # Manajemen Perubahan 3.67 of 4.00 (91.67 %).
    area = scores[ids["mp"]]
    assert display(area) == "3.67"
    assert display(tree.index(tree.total(scores))) == "91.67"
    # Full precision inside: 0.5 + 2/3 + 2.5, not 0.5 + 0.67 + 2.5.
    assert abs(area - CTX.divide(Decimal(11), Decimal(3))) < Decimal("1e-32")
    assert display(area, 4) != "3.6700"


def test_unanswered_questions_count_zero(load_data: Callable[[dict[str, Any]], Instrument]) -> None:
    instrument = load_data(worked_example_data())
    tree = compiled_tree(instrument.presets.get().pk)
    ids = _ids(instrument)
    scores = tree.score({ids["mp.plan.q1"]: Decimal(1)})
    assert display(scores[ids["mp.plan"]], 4) == "0.3333"
    assert scores[ids["mp.team"]] == 0


@pytest.mark.parametrize(
    ("answer", "index", "predicate"),
    [
        ("100", "100.00", "AA"),
        ("90.01", "90.01", "AA"),
        ("90", "90.00", "A"),
        ("80.01", "80.01", "A"),
        ("80", "80.00", "BB"),
        ("70", "70.00", "B"),
        ("60", "60.00", "CC"),
        ("50", "50.00", "C"),
        ("30.01", "30.01", "C"),
        ("30", "30.00", "D"),
        ("0", "0.00", "D"),
    ],
)
def test_predicate_boundaries(
    load_data: Callable[[dict[str, Any]], Instrument], answer: str, index: str, predicate: str
) -> None:
    instrument = load_data(single_score_data())
    tree = compiled_tree(instrument.presets.get().pk)
    question = instrument.nodes.get(kind="question")
    value = answer_value(tree.questions[question.pk], answer)
    total = tree.total(tree.score({question.pk: value}))
    assert display(tree.index(total)) == index
    assert tree.predicate(tree.index(total)) == predicate


def test_band_inclusivity_is_per_band() -> None:
    inclusive_lower = [
        Band("A", "", Decimal(80), Decimal(100), lower_inclusive=True, upper_inclusive=True),
        Band("B", "", Decimal(0), Decimal(80), lower_inclusive=True, upper_inclusive=False),
    ]
    assert predicate_of(inclusive_lower, Decimal(80)) == "A"
    default = [
        Band(
            b["code"],
            "",
            Decimal(b["lower"]),
            Decimal(b["upper"]),
            b.get("lower_inclusive", False),
            True,
        )
        for b in BANDS
    ]
    assert predicate_of(default, Decimal(80)) == "BB"
    assert predicate_of(default, Decimal("-1")) == ""


def test_answer_values_come_from_the_options_and_scales() -> None:
    abc = QuestionSpec(
        1, "abc", (("A", Decimal(1)), ("B", Decimal("0.5")), ("C", Decimal(0))), None
    )
    assert answer_value(abc, "b") == Decimal("0.5")
    with pytest.raises(ValidationError) as caught:
        answer_value(abc, "D")
    assert caught.value.code == "answer_invalid"
    assert "A, B, C" in caught.value.messages[0]
    maturity = QuestionSpec(2, "maturity", (), Decimal(5))
    assert answer_value(maturity, "4") == Decimal("0.8")
    for bad in ("6", "-1", "x", ""):
        with pytest.raises(ValidationError):
            answer_value(maturity, bad)
    number = QuestionSpec(3, "number", (), None)
    with pytest.raises(ValidationError) as incomplete:
        answer_value(number, "3")
    assert incomplete.value.code == "question_incomplete"


def test_weights_may_be_exact_fractions() -> None:
    assert parse_number("1/3") * 3 == Decimal(1)
    assert parse_number("2,5") == Decimal("2.5")
    for bad in ("", "1/0", "abc", "NaN", "Infinity"):
        with pytest.raises(ValueError):
            parse_number(bad)


@given(st.lists(st.sampled_from(["0", "0.5", "1"]), min_size=3, max_size=3))
def test_sub_indicator_is_weight_times_mean(values: list[str]) -> None:
    from melayani.evaluation.scoring import Tree

    tree = Tree(
        weight={10: Decimal("1.00")},
        sub_questions={10: [1, 2, 3]},
        ancestors={10: ()},
        scored=[10],
        roots=[10],
    )
    expected = CTX.divide(sum(Decimal(v) for v in values), Decimal(3))
    got = tree.sub_score(10, {i + 1: Decimal(v) for i, v in enumerate(values)})
    assert abs(got - expected) < Decimal("1e-32")


def test_both_pmprb_presets_score_the_same_answers_differently(shipped: None) -> None:
    pmprb = Instrument.objects.get(code="pmprb_2020", version=1)
    clone = instrument_clone(actor=None, instrument=pmprb, year_from=2022)
    a, b = clone.presets.get(code="A"), clone.presets.get(code="B")
    preset_fill_evenly(actor=None, preset=a)
    preset_fill_evenly(actor=None, preset=b)
    tree_a, tree_b = compiled_tree(a.pk), compiled_tree(b.pk)
    assert tree_a.maximum == 100 and tree_b.maximum == 100
    hr = InstrumentNode.objects.filter(
        instrument=clone, kind="question", code__startswith="pem.hr_management."
    )
    values = {qid: Decimal(1) for qid in hr.values_list("pk", flat=True)}
    # Only the SDM area of Pemenuhan answered fully: 3.00 under preset A, 5.00 under preset B.
    assert tree_a.total(tree_a.score(values)) == Decimal(3)
    # Preset B's thirds (5 × 1/3 + 2 × 2/3 + 2) are held at 34 digits: 5 to within 1e-30.
    assert abs(tree_b.total(tree_b.score(values)) - 5) < Decimal("1e-30")
    assert display(tree_b.total(tree_b.score(values))) == "5.00"
    everything = {
        qid: Decimal(1)
        for qid in InstrumentNode.objects.filter(instrument=clone, kind="question").values_list(
            "pk", flat=True
        )
    }
    for tree in (tree_a, tree_b):
        index = tree.index(tree.total(tree.score(everything)))
        assert abs(index - 100) < Decimal("1e-25")
        assert tree.predicate(index) == "AA"


def test_a_boundary_reached_through_thirds_decides_like_the_exact_sum(
    load_data: Callable[[dict[str, Any]], Instrument],
) -> None:
    data = single_score_data("thirds")
    node = data["nodes"][0]
    node["kind"] = "aspect"
    node["questions"] = []
    node["children"] = [
        {
            "code": f"all.{i}",
            "kind": "sub_indicator",
            "title": str(i),
            "weights": {"p": "100/3"},
            "questions": [{"title": "Score", "type": "score_100"}],
        }
        for i in range(3)
    ]
    instrument = load_data(data)
    tree = compiled_tree(instrument.presets.get().pk)
    questions = list(instrument.nodes.filter(kind="question").values_list("pk", flat=True))
    values = {pk: Decimal("0.8") for pk in questions}  # 3 × (100/3 × 0.8) = exactly 80
    index = tree.index(tree.total(tree.score(values)))
    assert index != 80  # 79.99…9 at 34 digits
    assert tree.predicate(index) == "BB"
