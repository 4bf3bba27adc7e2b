"""The assessment cycle: opening, phase windows, assignments, self-assessment, verification,
finalisation; stored results kept incrementally and equal to a full recompute."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from melayani.audit.models import AuditEvent
from melayani.core import access
from melayani.core.models import Pemda
from melayani.evaluation.models import (
    AnswerStatus,
    AssessmentCycle,
    CycleScore,
    CycleStatus,
    Instrument,
)
from melayani.evaluation.scores import cycles_recompute
from melayani.evaluation.scoring import display
from melayani.evaluation.services import (
    Windows,
    answer_save,
    answer_verify,
    assignment_set,
    cycle_advance,
    cycle_open,
    default_windows,
)
from tests.conftest import World
from tests.core.factories import assign
from tests.evaluation.conftest import WINDOWS, answer_of, worked_example_data

pytestmark = pytest.mark.django_db

ALL_ONE = {
    "mp.team.q1": "Ya",
    "mp.team.q2": "A",
    "mp.plan.q1": "Ya",
    "mp.plan.q2": "Tidak",
    "mp.plan.q3": "Ya",
    "mp.rest.q1": "A",
    "mp.rest.q2": "5",
}


def _score(cycle: AssessmentCycle, tier: str = "self") -> CycleScore:
    return CycleScore.objects.get(cycle=cycle, tier=tier)


def _node(cycle: AssessmentCycle, code: str) -> Decimal:
    pk = cycle.instrument.nodes.get(code=code).pk
    return Decimal(_score(cycle).node_scores.get(str(pk), "0"))


def _answer_all(cycle: AssessmentCycle, actor: Any, answers: dict[str, str] = ALL_ONE) -> None:
    for code, raw in answers.items():
        answer_save(actor=actor, answer=answer_of(cycle, code), raw=raw, justification="SK Tim")


def test_opening_creates_the_worksheet_and_empty_results(
    example_cycle: AssessmentCycle, world: World
) -> None:
    cycle = example_cycle
    assert cycle.status == CycleStatus.FILLING
    assert cycle.answers.count() == 7
    assert set(cycle.scores.values_list("tier", flat=True)) == {"self", "verified"}
    assert _score(cycle).index == 0
    assert AuditEvent.objects.filter(action="evaluation.cycle_opened", pemda=world.merauke).exists()
    with pytest.raises(ValidationError) as again:
        cycle_open(
            actor=world["reform_team"],
            pemda=world.merauke,
            year=2026,
            preset=cycle.preset,
            windows=WINDOWS,
        )
    assert again.value.code == "cycle_exists"


def test_only_the_rb_team_opens_and_only_complete_instruments(
    world: World, shipped: None, load_data: Callable[[dict[str, Any]], Instrument]
) -> None:
    preset = load_data(worked_example_data()).presets.get()
    for persona in ("inspector", "opd_head", "other_pemda_admin", "national_analyst"):
        with pytest.raises(PermissionError):
            cycle_open(
                actor=world[persona], pemda=world.merauke, year=2026, preset=preset, windows=WINDOWS
            )
    pmprb_a = Instrument.objects.get(code="pmprb_2020", version=1).presets.get(code="A")
    with pytest.raises(ValidationError) as incomplete:
        cycle_open(
            actor=world["reform_team"],
            pemda=world.merauke,
            year=2021,
            preset=pmprb_a,
            windows=WINDOWS,
        )
    assert "administrator must set" in " ".join(incomplete.value.messages)
    with pytest.raises(ValidationError) as year:
        cycle_open(
            actor=world["reform_team"],
            pemda=world.merauke,
            year=2019,
            preset=preset,
            windows=WINDOWS,
        )
    assert year.value.code == "instrument_year"
    backwards = Windows(
        dt.date(2026, 3, 2), dt.date(2026, 2, 1), dt.date(2026, 4, 30), dt.date(2026, 5, 1)
    )
    with pytest.raises(ValidationError) as order:
        cycle_open(
            actor=world["reform_team"],
            pemda=world.merauke,
            year=2026,
            preset=preset,
            windows=backwards,
        )
    assert order.value.code == "windows_order"
    assert not AssessmentCycle.objects.exists()


def test_default_windows_follow_the_working_clock_and_time_zone(world: World) -> None:
    start = dt.date(2026, 3, 2)  # a Monday
    wib = default_windows(world.yogyakarta, start)
    wit = default_windows(world.merauke, start)
    assert wib.fill_starts == start
    saturday = default_windows(world.yogyakarta, dt.date(2026, 3, 7))
    assert saturday.fill_starts == dt.date(2026, 3, 9)  # the next working day
    assert wit.fill_starts > wib.fill_starts  # WIT fills after WIB, as in 2021
    for windows in (wib, wit):
        assert windows.fill_starts < windows.fill_ends < windows.verify_ends < windows.finalise_ends
        assert windows.fill_ends.weekday() < 5


def test_assignments_route_questions_to_an_opd_and_a_person(
    example_cycle: AssessmentCycle, world: World
) -> None:
    cycle = example_cycle
    area = cycle.instrument.nodes.get(code="mp")
    assert (
        assignment_set(
            actor=world["reform_team"],
            cycle=cycle,
            node=area,
            opd=world.dukcapil,
            person=world["opd_head"],
        )
        == 3
    )
    assert set(cycle.answers.values_list("opd", flat=True)) == {world.dukcapil.pk}
    plan = cycle.instrument.nodes.get(code="mp.plan")
    assignment_set(actor=world["reform_team"], cycle=cycle, node=plan, opd=world.dinkes)
    assert answer_of(cycle, "mp.plan.q1").opd == world.dinkes
    with pytest.raises(ValidationError):
        assignment_set(actor=world["reform_team"], cycle=cycle, node=plan, opd=world.jogja_dukcapil)
    with pytest.raises(ValidationError):
        assignment_set(
            actor=world["reform_team"],
            cycle=cycle,
            node=plan,
            opd=world.dinkes,
            person=world["other_pemda_officer"],
        )
    with pytest.raises(PermissionError):
        assignment_set(actor=world["inspector"], cycle=cycle, node=plan, opd=world.dinkes)


def test_unit_staff_answer_their_own_questions_only(
    example_cycle: AssessmentCycle, world: World
) -> None:
    cycle = example_cycle
    assignment_set(
        actor=world["reform_team"],
        cycle=cycle,
        node=cycle.instrument.nodes.get(code="mp.team"),
        opd=world.dukcapil,
    )
    assignment_set(
        actor=world["reform_team"],
        cycle=cycle,
        node=cycle.instrument.nodes.get(code="mp.plan"),
        opd=world.dinkes,
    )
    answer_save(actor=world["opd_head"], answer=answer_of(cycle, "mp.team.q1"), raw="Ya")
    answer_save(actor=world["opd_head"], answer=answer_of(cycle, "mp.team.q2"), raw="B")
    with pytest.raises(PermissionError):  # a sub-unit's officer does not answer for the OPD
        answer_save(actor=world["officer"], answer=answer_of(cycle, "mp.team.q2"), raw="A")
    with pytest.raises(PermissionError):
        answer_save(actor=world["opd_head"], answer=answer_of(cycle, "mp.plan.q1"), raw="Ya")
    with pytest.raises(PermissionError):
        answer_save(
            actor=world["other_pemda_officer"], answer=answer_of(cycle, "mp.team.q1"), raw="Ya"
        )
    assert display(_node(cycle, "mp.team"), 4) == "0.3750"  # 0.5 × (1 + 0.5) / 2


def test_answers_outside_the_option_set_are_refused_and_nothing_is_saved(
    example_cycle: AssessmentCycle, world: World
) -> None:
    answer = answer_of(example_cycle, "mp.team.q2")
    for bad in ("D", "", "1"):
        with pytest.raises(ValidationError) as caught:
            answer_save(actor=world["reform_team"], answer=answer, raw=bad)
        assert caught.value.code == "answer_invalid"
    maturity = answer_of(example_cycle, "mp.rest.q2")
    with pytest.raises(ValidationError):
        answer_save(actor=world["reform_team"], answer=maturity, raw="6")
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.OPEN and answer.self_raw == ""
    assert _score(example_cycle).total == "0"


def test_worked_example_through_the_cycle(example_cycle: AssessmentCycle, world: World) -> None:
    cycle = example_cycle
    _answer_all(cycle, world["reform_team"])
    assert display(_node(cycle, "mp.plan")) == "0.67"
    assert display(_node(cycle, "mp")) == "3.67"
    score = _score(cycle)
    assert str(score.index) == "91.67"
    assert score.predicate == "AA"
    # Change one answer: only the sub-indicator and its ancestors move; the stored result equals
    # a full recompute from the answers.
    answer_save(actor=world["reform_team"], answer=answer_of(cycle, "mp.plan.q2"), raw="Ya")
    assert display(_node(cycle, "mp")) == "4.00"
    assert _score(cycle).predicate == "AA"
    answer_save(actor=world["reform_team"], answer=answer_of(cycle, "mp.rest.q2"), raw="0")
    assert cycles_recompute(AssessmentCycle.objects.filter(pk=cycle.pk), check=True) == []
    CycleScore.objects.filter(cycle=cycle, tier="self").update(total="1", predicate="D")
    assert cycles_recompute(AssessmentCycle.objects.filter(pk=cycle.pk), check=True) == [cycle.pk]
    cycles_recompute(AssessmentCycle.objects.filter(pk=cycle.pk))
    assert display(_node(cycle, "mp")) == "2.75"


def _to_verification(cycle: AssessmentCycle, world: World) -> AssessmentCycle:
    _answer_all(cycle, world["reform_team"])
    return cycle_advance(actor=world["reform_team"], cycle=cycle)


def test_phases_need_every_answer_and_every_verification(
    example_cycle: AssessmentCycle, world: World
) -> None:
    cycle = example_cycle
    answer_save(actor=world["reform_team"], answer=answer_of(cycle, "mp.team.q1"), raw="Ya")
    with pytest.raises(ValidationError) as missing:
        cycle_advance(actor=world["reform_team"], cycle=cycle)
    assert "6 questions" in missing.value.messages[0]
    with pytest.raises(ValidationError) as filling:
        answer_verify(
            actor=world["inspector"], answer=answer_of(cycle, "mp.team.q1"), decision="accept"
        )
    assert filling.value.code == "not_verifying"
    cycle = _to_verification(cycle, world)
    assert cycle.status == CycleStatus.VERIFYING
    with pytest.raises(ValidationError) as locked:
        answer_save(actor=world["reform_team"], answer=answer_of(cycle, "mp.team.q1"), raw="Tidak")
    assert locked.value.code == "cycle_verifying"
    with pytest.raises(ValidationError):
        cycle_advance(actor=world["reform_team"], cycle=cycle)
    for answer in cycle.answers.select_related("cycle", "opd"):
        answer_verify(actor=world["inspector"], answer=answer, decision="accept")
    cycle = cycle_advance(actor=world["reform_team"], cycle=cycle)
    assert cycle.status == CycleStatus.FINAL and cycle.finalised_at is not None
    with pytest.raises(ValidationError) as final:
        answer_save(actor=world["reform_team"], answer=answer_of(cycle, "mp.team.q1"), raw="Tidak")
    assert final.value.code == "cycle_final"
    with pytest.raises(ValidationError):
        answer_verify(
            actor=world["inspector"],
            answer=answer_of(cycle, "mp.team.q1"),
            decision="return",
            note="x",
        )
    assert _score(cycle, "verified").index == _score(cycle).index


def test_verification_loop_keeps_the_tiers_side_by_side(
    example_cycle: AssessmentCycle, world: World
) -> None:
    cycle = _to_verification(example_cycle, world)
    inspector = world["inspector"]
    plan = answer_of(cycle, "mp.plan.q1")
    with pytest.raises(ValidationError):
        answer_verify(actor=inspector, answer=plan, decision="return")  # a note is required
    with pytest.raises(ValidationError):
        answer_verify(actor=inspector, answer=plan, decision="adjust", raw="Maybe", note="x")
    answer_verify(
        actor=inspector, answer=plan, decision="adjust", raw="Tidak", note="SK belum ditandatangani"
    )
    plan = answer_of(cycle, "mp.plan.q1")
    assert (plan.self_raw, plan.verified_raw, plan.status) == ("Ya", "Tidak", AnswerStatus.ADJUSTED)
    returned = answer_verify(
        actor=inspector,
        answer=answer_of(cycle, "mp.team.q2"),
        decision="return",
        note="Lampirkan SK",
    )
    assert returned.status == AnswerStatus.RETURNED
    with pytest.raises(ValidationError) as waiting:
        answer_verify(actor=inspector, answer=answer_of(cycle, "mp.team.q2"), decision="accept")
    assert waiting.value.code == "answer_not_ready"
    revised = answer_save(
        actor=world["reform_team"],
        answer=answer_of(cycle, "mp.team.q2"),
        raw="B",
        justification="SK terlampir",
    )
    assert revised.status == AnswerStatus.ANSWERED and revised.revision == 1
    answer_verify(actor=inspector, answer=answer_of(cycle, "mp.team.q2"), decision="accept")
    assert answer_of(cycle, "mp.team.q2").reviews.count() == 2
    # Verified tier: plan = 1.00 × (0 + 0 + 0)/3 (q1 adjusted to Tidak, others not yet verified)
    verified = CycleScore.objects.get(cycle=cycle, tier="verified")
    assert verified.index < _score(cycle).index
    assert cycles_recompute(AssessmentCycle.objects.filter(pk=cycle.pk), check=True) == []


def test_a_verifier_never_verifies_their_own_opd(
    example_cycle: AssessmentCycle, world: World
) -> None:
    cycle = example_cycle
    assignment_set(
        actor=world["reform_team"],
        cycle=cycle,
        node=cycle.instrument.nodes.get(code="mp.team"),
        opd=world.dukcapil,
    )
    cycle = _to_verification(cycle, world)
    inspector = world["inspector"]
    assign(inspector, "opd_officer", opd=world.dukcapil_service_desk)  # seconded from Dukcapil
    access.forget_scope(inspector)
    with pytest.raises(PermissionError) as own:
        answer_verify(actor=inspector, answer=answer_of(cycle, "mp.team.q1"), decision="accept")
    assert "own OPD" in str(own.value)
    answer_verify(actor=inspector, answer=answer_of(cycle, "mp.plan.q1"), decision="accept")
    for persona in ("reform_team", "opd_head", "other_pemda_inspector", "former_inspector"):
        with pytest.raises(PermissionError):
            answer_verify(
                actor=world[persona], answer=answer_of(cycle, "mp.plan.q2"), decision="accept"
            )


def test_the_inspektorats_own_answers_are_verified_by_the_rb_team_lead(
    example_cycle: AssessmentCycle, world: World
) -> None:
    cycle = example_cycle
    assignment_set(
        actor=world["reform_team"],
        cycle=cycle,
        node=cycle.instrument.nodes.get(code="mp.rest"),
        opd=world.merauke_inspectorate,
    )
    cycle = _to_verification(cycle, world)
    own = answer_of(cycle, "mp.rest.q1")
    with pytest.raises(PermissionError) as refused:
        answer_verify(actor=world["inspector"], answer=own, decision="accept")
    assert "RB team lead" in str(refused.value)
    answer_verify(actor=world["reform_team"], answer=own, decision="accept")  # the cycle's lead
    assert answer_of(cycle, "mp.rest.q1").status == AnswerStatus.ACCEPTED


def test_other_pemda_cannot_reach_the_cycle(example_cycle: AssessmentCycle, world: World) -> None:
    for persona in ("other_pemda_admin", "other_pemda_inspector", "citizen"):
        assert not access.scoped(
            world[persona], AssessmentCycle.objects.all(), "reform.manage"
        ).exists()
    assert (
        access.scoped(world["reform_team"], AssessmentCycle.objects.all(), "reform.manage").get()
        == example_cycle
    )
    assert Pemda.objects.get(pk=example_cycle.pemda_id) == world.merauke


def test_incremental_results_equal_a_full_recompute_after_any_sequence(
    example_cycle: AssessmentCycle, world: World
) -> None:
    import random

    rng = random.Random(6)
    choices = {
        "mp.team.q1": ["Ya", "Tidak"],
        "mp.team.q2": ["A", "B", "C"],
        "mp.plan.q1": ["Ya", "Tidak"],
        "mp.plan.q2": ["Ya", "Tidak"],
        "mp.plan.q3": ["Ya", "Tidak"],
        "mp.rest.q1": ["A", "B", "C", "D"],
        "mp.rest.q2": ["0", "1", "2", "3", "4", "5"],
    }
    one = AssessmentCycle.objects.filter(pk=example_cycle.pk)
    for _step in range(40):
        code = rng.choice(sorted(choices))
        answer_save(
            actor=world["reform_team"],
            answer=answer_of(example_cycle, code),
            raw=rng.choice(choices[code]),
        )
        assert cycles_recompute(one, check=True) == []
