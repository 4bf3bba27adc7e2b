"""Consent for optional features: recorded with time and text version, withdrawable, and
respected by the WhatsApp/SMS sender."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from melayani.applications.notifications import (
    Notice,
    RecordingSender,
    application_notify,
    using_sender,
)
from melayani.audit.models import AuditEvent
from melayani.privacy import selectors, services
from melayani.privacy.models import Consent
from tests.privacy.factories import PHONE, citizen_application

pytestmark = pytest.mark.django_db
NOTICE = Notice(subject="s", body="b", sms="Permohonan K7PM selesai")


@dataclass
class WhatsAppSender(RecordingSender):
    channel: str = "whatsapp"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_consent_is_recorded_with_time_and_text_version_and_withdrawn(world) -> None:
    consent = services.consent_give(pemda=world.merauke, purpose="whatsapp", contact=PHONE)
    assert consent.text_version == services.CONSENT_TEXTS["whatsapp"][0]
    assert "WhatsApp" in consent.text and consent.given_at is not None
    # Giving again while it stands changes nothing.
    assert services.consent_give(pemda=world.merauke, purpose="whatsapp", contact=PHONE) == consent
    assert selectors.consent_current(pemda=world.merauke, purpose="whatsapp", contact=PHONE)
    # Only in the Pemda where it was given.
    assert not selectors.consent_current(pemda=world.yogyakarta, purpose="whatsapp", contact=PHONE)

    assert services.consent_withdraw(pemda=world.merauke, purpose="whatsapp", contact=PHONE) == 1
    consent.refresh_from_db()
    assert consent.stop_due_at - consent.withdrawn_at == dt.timedelta(hours=72)
    assert not selectors.consent_current(pemda=world.merauke, purpose="whatsapp", contact=PHONE)
    assert AuditEvent.objects.filter(action="privacy.consent_withdrawn").count() == 1
    # The contact is stored encrypted and found by its blind index only.
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM privacy_consent")
        (raw,) = cursor.fetchone()
    assert PHONE not in raw and raw


def test_whatsapp_goes_only_with_consent_sms_is_part_of_the_service(
    world, django_capture_on_commit_callbacks
) -> None:
    whatsapp, sms = WhatsAppSender(), RecordingSender()
    for sender in (whatsapp, sms):
        with using_sender(sender), django_capture_on_commit_callbacks(execute=True):
            application_notify(email="", phone=PHONE, notice=NOTICE, pemda_id=world.merauke.pk)
    assert whatsapp.messages == [] and len(sms.messages) == 1

    services.consent_give(pemda=world.merauke, purpose="whatsapp", contact=PHONE)
    with using_sender(whatsapp), django_capture_on_commit_callbacks(execute=True):
        application_notify(email="", phone=PHONE, notice=NOTICE, pemda_id=world.merauke.pk)
    assert [m.to for m in whatsapp.messages] == [PHONE]

    services.consent_withdraw(pemda=world.merauke, purpose="whatsapp", contact=PHONE)
    with using_sender(whatsapp), django_capture_on_commit_callbacks(execute=True):
        application_notify(email="", phone=PHONE, notice=NOTICE, pemda_id=world.merauke.pk)
    assert len(whatsapp.messages) == 1  # nothing more after withdrawal


def test_citizens_give_and_withdraw_on_the_consent_page(client, world) -> None:
    application = citizen_application(world)
    url = reverse("privacy:consent", args=[world.merauke.code])
    page = client.get(url).content.decode()
    assert services.CONSENT_TEXTS["survey_followup"][1] in page
    data = {
        "code": application.tracking_code,
        "contact": "0812-3456-7890",
        "purpose": "survey_followup",
        "decision": "give",
    }
    assert client.post(url, data).status_code == 302
    assert selectors.consent_current(pemda=world.merauke, purpose="survey_followup", contact=PHONE)
    assert client.post(url, {**data, "decision": "withdraw"}).status_code == 302
    assert not selectors.consent_current(
        pemda=world.merauke, purpose="survey_followup", contact=PHONE
    )
    # A wrong contact or a forged code records nothing.
    for wrong in ({"contact": "0812 0000 0000"}, {"code": "ZZZZ-ZZZZ-ZZ"}):
        response = client.post(url, {**data, **wrong})
        assert response.status_code == 400
    assert Consent.objects.count() == 1
