"""The privacy demo: a prepared access request, a suspected breach, a consent; idempotent."""

from __future__ import annotations

import json

import pytest

from melayani.applications.demo import applications_demo_seed
from melayani.privacy.demo import privacy_demo_seed
from melayani.privacy.models import Breach, Consent, SubjectRequest
from tests.applications.factories import service_make
from tests.core.factories import UserFactory, assign

pytestmark = pytest.mark.django_db


def test_demo_seed(world, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    world.merauke.is_active = True
    world.merauke.save(update_fields=["is_active"])
    dpo = UserFactory(username="merauke.dpo")
    assign(dpo, "dpo", pemda=world.merauke)
    service_make(world.dukcapil_service_desk)
    applications_demo_seed()
    privacy_demo_seed()
    privacy_demo_seed()
    assert Breach.objects.filter(pemda=world.merauke).count() == 1
    request = SubjectRequest.objects.get(pemda=world.merauke)
    assert request.status == "in_progress"
    records = {r["record_type"] for r in json.loads(request.export)["records"]}
    assert "applications.application" in records
    assert Consent.objects.filter(pemda=world.merauke).count() == 1
