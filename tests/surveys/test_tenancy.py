"""The app's tenant models through the access layer, with every persona (the matrix entries)."""

from __future__ import annotations

import pytest
from django.apps import apps

from melayani.core import access
from tests.conftest import PERSONA_NAMES, World
from tests.surveys.matrix_entries import SURVEY_OBJECT_TYPES

pytestmark = pytest.mark.django_db


def test_every_survey_tenant_model_has_an_entry() -> None:
    models = {
        m._meta.label_lower
        for m in apps.get_app_config("surveys").get_models()
        if hasattr(m, "tenant_field")
    }
    assert models == set(SURVEY_OBJECT_TYPES)


@pytest.mark.parametrize("label", sorted(SURVEY_OBJECT_TYPES))
def test_each_object_type_with_every_persona(survey_actions: World, label: str) -> None:
    make, action, allowed = SURVEY_OBJECT_TYPES[label]
    obj = make(survey_actions)
    model = type(obj)
    for persona in PERSONA_NAMES:
        user = survey_actions[persona]
        access.forget_scope(user)
        visible = access.scoped(user, model.objects.filter(pk=obj.pk), action).exists()
        assert visible == (persona in allowed), (label, persona, visible)
