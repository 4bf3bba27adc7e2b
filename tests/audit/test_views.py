from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from melayani.audit.services import audit_record, audit_seal
from melayani.core.models import User
from tests.conftest import World

pytestmark = pytest.mark.django_db

LIST = "audit:event-list"
EXPORT = "audit:event-export"


def _client(user: User) -> Client:
    """A client signed in as ``user``, with a confirmed one-time-code device (as after 2FA)."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _record(world: World, n: int, *, action: str = "opd.updated") -> None:
    for i in range(n):
        audit_record(
            actor=world["pemda_admin"],
            action=action,
            target=world.dukcapil,
            pemda=world.merauke,
            after={"i": i},
        )


def _listed_actions(client: Client, **params: str) -> list[str]:
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return [e.action for e in response.context["page"]]


def test_inspector_sees_only_own_pemda_events(world: World) -> None:
    _record(world, 2, action="merauke.thing")
    audit_record(actor=None, action="jogja.thing", pemda=world.yogyakarta)
    audit_record(actor=None, action="national.thing", pemda=None)
    audit_seal()

    response = _client(world["inspector"]).get(reverse(LIST))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption>" in html and "merauke.thing" in html
    assert "jogja.thing" not in html and "national.thing" not in html
    assert {e.action for e in response.context["page"]} == {"merauke.thing"}

    other = _listed_actions(_client(world["other_pemda_inspector"]))
    assert other == ["jogja.thing"]


def test_people_without_the_action_are_refused(world: World) -> None:
    _record(world, 1)
    for persona in (
        "officer",
        "opd_head",
        "pemda_admin",
        "citizen",
        "other_pemda_officer",
        "former_inspector",
    ):
        client = _client(world[persona])
        assert client.get(reverse(LIST)).status_code == 403, persona
        assert client.get(reverse(EXPORT)).status_code == 403, persona


def test_moved_object_shows_in_both_pemda(world: World) -> None:
    audit_record(
        actor=None,
        action="complaint.rerouted",
        target_type="complaints.complaint",
        target_id="7",
        pemda=world.merauke,
        also_pemda=world.yogyakarta,
    )
    assert _listed_actions(_client(world["inspector"])) == ["complaint.rerouted"]
    assert _listed_actions(_client(world["other_pemda_inspector"])) == ["complaint.rerouted"]


def test_filters(world: World) -> None:
    _record(world, 2, action="opd.updated")
    audit_record(
        actor=None,
        action="deadline.escalated",
        target_type="complaints.complaint",
        target_id="1",
        pemda=world.merauke,
    )
    client = _client(world["inspector"])
    today = timezone.localdate()
    assert _listed_actions(client, action="deadline.escalated") == ["deadline.escalated"]
    assert _listed_actions(client, target_type="core.opd") == ["opd.updated", "opd.updated"]
    assert _listed_actions(client, actor="system") == ["deadline.escalated"]
    assert len(_listed_actions(client, date_from=str(today), date_to=str(today))) == 3
    tomorrow = str(today + datetime.timedelta(days=1))
    assert _listed_actions(client, date_from=tomorrow) == []
    response = client.get(reverse(LIST), {"date_from": tomorrow, "date_to": str(today)})
    assert response.context["form"].errors["date_to"]


def test_newest_first_paginated_and_query_count_bounded(
    world: World, django_assert_max_num_queries
) -> None:
    client = _client(world["inspector"])
    _record(world, 3)
    client.get(reverse(LIST))  # warm caches (session, content types)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse(LIST))
    _record(world, 120)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(LIST), {"page": "2"})
    page = response.context["page"]
    assert page.number == 2 and len(page) == 50 and page.paginator.count == 123
    times = [e.created_at for e in page]
    assert times == sorted(times, reverse=True)
    assert 'rel="next"' in response.content.decode()


def test_export_to_excel_is_scoped_and_filtered(world: World) -> None:
    _record(world, 2, action="opd.updated")
    audit_record(actor=None, action="jogja.thing", pemda=world.yogyakarta)
    response = _client(world["inspector"]).get(reverse(EXPORT), {"action": "opd.updated"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert [r[3] for r in rows[1:]] == ["opd.updated", "opd.updated"]
    assert all(r[6] == "i" for r in rows[1:])


def test_platform_admin_sees_every_chain(world: World) -> None:
    audit_record(actor=None, action="jogja.thing", pemda=world.yogyakarta)
    audit_record(actor=None, action="national.thing", pemda=None)
    actions = set(_listed_actions(_client(world["platform_admin"])))
    assert {"jogja.thing", "national.thing"} <= actions
