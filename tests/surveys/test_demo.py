"""The demo survey answers: typed in by the demo officer, four quarters, idempotent."""

from __future__ import annotations

import pytest

from melayani.surveys import demo
from melayani.surveys.models import SurveyResponse
from tests.catalog.factories import published_service
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_demo_answers_are_seeded_once(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.dukcapil.slug = "dukcapil"
    world.dukcapil.save(update_fields=["slug"])
    service = published_service(world.dukcapil, code="akta-demo")
    monkeypatch.setattr(demo, "TYPISTS", {"93.01": world["opd_head"].username})
    demo.surveys_demo_seed()
    count = SurveyResponse.objects.filter(service=service).count()
    assert count == 4 * demo.PER_QUARTER
    demo.surveys_demo_seed()
    assert SurveyResponse.objects.filter(service=service).count() == count
    quarters = {r.submitted_at.date().replace(day=1).month for r in SurveyResponse.objects.all()}
    assert len(quarters) >= 3


def test_demo_follow_up_plans_are_seeded_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from melayani.surveys.models import FollowUpPlan

    world.dukcapil.slug = "dukcapil"
    world.dukcapil.save(update_fields=["slug"])
    published_service(world.dukcapil, code="akta-demo")
    monkeypatch.setattr(demo, "TYPISTS", {"93.01": world["opd_head"].username})
    monkeypatch.setattr(demo, "PLANNERS", {"93.01": world["opd_head"].username})
    demo.surveys_demo_seed()
    plans = list(FollowUpPlan.objects.filter(opd=world.dukcapil).order_by("period_start"))
    assert [p.status for p in plans] == ["done", "in_progress"]
    assert all(p.action and p.owner and p.due_on for p in plans)
    assert plans[0].evidence and plans[0].completed_on is not None
    assert plans[0].period < plans[1].period
    demo.surveys_demo_seed()
    assert FollowUpPlan.objects.filter(opd=world.dukcapil).count() == 2
