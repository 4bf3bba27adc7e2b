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
