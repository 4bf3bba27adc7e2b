"""A person's NIK: encrypted at rest, found by blind index, masked for all but those who need it."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from melayani.audit.models import AuditEvent
from melayani.core import selectors, services
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

NIK = "9301015708900003"  # Merauke, born 17 Aug 1990, a woman (57 = 17 + 40)


@pytest.fixture
def citizen(world):
    user = world["citizen"]
    return services.user_set_nik(actor=user, user=user, nik="9301 0157 0890 0003")


def test_nik_is_encrypted_at_rest_and_found_by_blind_index(citizen) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nik FROM core_user WHERE id = %s", [citizen.pk])
        (stored,) = cursor.fetchone()
    assert NIK not in stored and stored
    assert selectors.user_find_by_nik("9301-0157-0890-0003") == citizen
    assert selectors.user_find_by_nik("9301015708900004") is None


def test_nik_shown_whole_only_to_the_person_and_the_dpo(world, citizen) -> None:
    masked = "9301********0003"
    assert selectors.user_nik_for(viewer=citizen, subject=citizen) == NIK
    for persona in (
        "officer",
        "pemda_admin",
        "inspector",
        "national_analyst",
        "platform_admin",
        "other_pemda_admin",
    ):
        shown = selectors.user_nik_for(viewer=world[persona], subject=citizen, pemda=world.merauke)
        assert shown == masked, persona
    before = AuditEvent.objects.filter(action="personal_data.viewed_unmasked").count()
    assert selectors.user_nik_for(viewer=world["dpo"], subject=citizen, pemda=world.merauke) == NIK
    # Every unmasked view is logged; the log holds no NIK.
    events = AuditEvent.objects.filter(action="personal_data.viewed_unmasked")
    assert events.count() == before + 1
    # Yogyakarta's DPO has no reach into Merauke.
    other_dpo = UserFactory(username="jogja.dpo")
    from tests.core.factories import assign

    assign(other_dpo, "dpo", pemda=world.yogyakarta)
    assert selectors.user_nik_for(viewer=other_dpo, subject=citizen, pemda=world.merauke) == masked


def test_bad_nik_is_refused_and_nothing_saved(world) -> None:
    user = world["citizen"]
    with pytest.raises(ValidationError):
        services.user_set_nik(actor=user, user=user, nik="9301013208900003")  # day 32
    user.refresh_from_db()
    assert user.nik == "" and user.nik_index == ""


def test_nik_never_reaches_the_logs(world, caplog) -> None:
    user = world["citizen"]
    logger = logging.getLogger("melayani.test")
    from melayani.core.logging import MaskPersonalDataFilter

    handler_filter = MaskPersonalDataFilter()
    with caplog.at_level(logging.INFO, logger="melayani.test"):
        caplog.handler.addFilter(handler_filter)
        try:
            services.user_set_nik(actor=user, user=user, nik=NIK)
            logger.info("citizen %s set NIK %s", user.pk, user.nik)
        finally:
            caplog.handler.removeFilter(handler_filter)
    assert NIK not in caplog.text
    assert not AuditEvent.objects.filter(context__icontains=NIK).exists()


def test_only_the_person_sets_their_nik(world) -> None:
    with pytest.raises(PermissionError):
        services.user_set_nik(actor=world["officer"], user=world["citizen"], nik=NIK)
