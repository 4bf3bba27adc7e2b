"""Gaps and action plans: weakest indicators by lost points, action items with progress and
completion evidence, escalation when overdue, carried into next year's cycle."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from melayani.audit.models import AuditEvent
from melayani.evaluation.models import ActionStatus, AssessmentCycle
from melayani.evaluation.selectors import cycle_gaps
from melayani.evaluation.services import (
    Windows,
    action_item_create,
    action_item_progress,
    actions_escalate_overdue,
    answer_save,
    cycle_open,
)
from tests.conftest import World
from tests.evaluation.conftest import answer_of

pytestmark = pytest.mark.django_db


def test_gaps_are_the_indicators_that_lost_most(
    example_cycle: AssessmentCycle, world: World
) -> None:
    cycle = example_cycle
    for code, raw in {
        "mp.team.q1": "Ya",
        "mp.team.q2": "A",
        "mp.plan.q1": "Ya",
        "mp.plan.q2": "Tidak",
        "mp.plan.q3": "Ya",
        "mp.rest.q1": "C",
        "mp.rest.q2": "5",
    }.items():
        answer_save(actor=world["reform_team"], answer=answer_of(cycle, code), raw=raw)
    gaps = cycle_gaps(cycle)
    # rest: 2.5 × (0.33 + 1)/2 = 1.6625 → lost 0.8375; plan: lost 1/3; team: lost 0.
    assert [g.code for g in gaps] == ["mp.rest", "mp.plan"]
    assert f"{gaps[0].lost:.4f}" == "0.8375"
    assert f"{gaps[1].lost:.4f}" == "0.3333"


def test_action_items_progress_and_completion(example_cycle: AssessmentCycle, world: World) -> None:
    node = example_cycle.instrument.nodes.get(code="mp.rest")
    item = action_item_create(
        actor=world["reform_team"],
        cycle=example_cycle,
        title="Susun jadwal monev ZI",
        opd=world.dukcapil,
        due_on=dt.date(2026, 9, 30),
        node=node,
        person=world["opd_head"],
    )
    with pytest.raises(PermissionError):
        action_item_create(
            actor=world["opd_head"],
            cycle=example_cycle,
            title="x",
            opd=world.dukcapil,
            due_on=dt.date(2026, 9, 30),
        )
    with pytest.raises(ValidationError):
        action_item_create(
            actor=world["reform_team"],
            cycle=example_cycle,
            title="x",
            opd=world.jogja_dukcapil,
            due_on=dt.date(2026, 9, 30),
        )
    action_item_progress(actor=world["opd_head"], item=item, progress=50)
    with pytest.raises(ValidationError) as no_evidence:
        action_item_progress(actor=world["opd_head"], item=item, progress=100)
    assert no_evidence.value.error_dict["completion_note"][0].code == "completion_evidence"
    with pytest.raises(ValidationError):
        action_item_progress(actor=world["opd_head"], item=item, progress=120)
    with pytest.raises(PermissionError):
        action_item_progress(actor=world["other_pemda_officer"], item=item, progress=60)
    done = action_item_progress(
        actor=world["opd_head"],
        item=item,
        progress=100,
        completion_url="https://jdih.merauke.go.id/jadwal",
    )
    assert done.status == ActionStatus.DONE
    with pytest.raises(ValidationError):
        action_item_progress(actor=world["opd_head"], item=item, progress=90)


def test_overdue_items_are_escalated_once(example_cycle: AssessmentCycle, world: World) -> None:
    overdue = action_item_create(
        actor=world["reform_team"],
        cycle=example_cycle,
        title="Overdue",
        opd=world.dinkes,
        due_on=dt.date(2026, 1, 5),
    )
    action_item_create(
        actor=world["reform_team"],
        cycle=example_cycle,
        title="Later",
        opd=world.dinkes,
        due_on=dt.date(2026, 12, 31),
    )
    now = timezone.make_aware(dt.datetime(2026, 1, 6, 12, 0))
    assert actions_escalate_overdue(now).escalated == 1
    assert actions_escalate_overdue(now).escalated == 0  # idempotent
    overdue.refresh_from_db()
    assert overdue.escalated_at == now
    assert AuditEvent.objects.filter(action="evaluation.action_escalated").count() == 1


def test_open_items_are_carried_into_next_years_cycle(
    example_cycle: AssessmentCycle, world: World
) -> None:
    node = example_cycle.instrument.nodes.get(code="mp.plan")
    open_item = action_item_create(
        actor=world["reform_team"],
        cycle=example_cycle,
        title="Sosialisasi ZI",
        opd=world.dukcapil,
        due_on=dt.date(2026, 11, 30),
        node=node,
    )
    done = action_item_create(
        actor=world["reform_team"],
        cycle=example_cycle,
        title="SK Tim",
        opd=world.dukcapil,
        due_on=dt.date(2026, 4, 30),
    )
    action_item_progress(
        actor=world["reform_team"], item=done, progress=100, completion_note="SK 12/2026"
    )
    next_year = cycle_open(
        actor=world["reform_team"],
        pemda=world.merauke,
        year=2027,
        preset=example_cycle.preset,
        windows=Windows(
            dt.date(2027, 3, 1), dt.date(2027, 3, 31), dt.date(2027, 4, 30), dt.date(2027, 5, 14)
        ),
    )
    carried = list(next_year.actions.all())
    assert [c.title for c in carried] == ["Sosialisasi ZI"]
    assert carried[0].carried_from == open_item and carried[0].node == node
    open_item.refresh_from_db()
    assert open_item.status == ActionStatus.CARRIED
    assert next_year.previous == example_cycle
