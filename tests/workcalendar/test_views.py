"""The calendar pages: who sees them, who changes them, and the deadline calculator."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from melayani.audit.models import AuditEvent
from melayani.core.models import User
from melayani.workcalendar import services
from melayani.workcalendar.models import LocalDayOff, OfficeHours
from melayani.workcalendar.selectors import pemda_today
from tests.conftest import World

pytestmark = pytest.mark.django_db

DAY = dt.date(2033, 8, 2)  # a Tuesday

READERS = (
    "pemda_admin",
    "reform_team",
    "inspector",
    "complaint_coordinator",
    "dpo",
    "leader",
    "national_analyst",
    "kemenpanrb_evaluator",
    "platform_admin",
    # The working calendar is shared within the Pemda: unit staff read it too.
    "officer",
    "opd_head",
    "liaison",
)
MANAGERS = ("pemda_admin", "platform_admin")
OUTSIDERS = (
    "citizen",
    "province_leader",
    "other_pemda_officer",
    "other_pemda_admin",
    "other_pemda_inspector",
    "former_inspector",
)


def _client(user: User, *, enforce_csrf_checks: bool = False) -> Client:
    """Signed in as ``user`` after a one-time code (as the middleware wants for some roles)."""
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(user)
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _url(name: str, world: World, code: str | None = None) -> str:
    return reverse(f"workcalendar:{name}", kwargs={"pemda_code": code or world.merauke.code})


def _calendar(world: World, year: int = 2033) -> str:
    return f"{_url('pemda-calendar', world)}?year={year}"


# --- reading ----------------------------------------------------------------------------------


def test_calendar_shows_national_local_days_and_hours_to_readers(world: World) -> None:
    services.local_day_off_create(actor=None, pemda=world.merauke, date=DAY, name="Hari Jadi MRK")
    services.office_hours_set(
        actor=None, pemda=world.merauke, weekday=4, opens_at=dt.time(7, 30), closes_at=dt.time(11)
    )
    for persona in READERS:
        response = _client(world[persona]).get(_calendar(world))
        assert response.status_code == 200, persona
        html = response.content.decode()
        assert "Hari Jadi MRK" in html
        assert "07.30–11.00 WIT" in html
        assert "<caption>" in html
        assert len(response.context["calendar"].national) > 0  # the packaged holidays
    # Another Pemda's page does not show Merauke's day off.
    response = _client(world["platform_admin"]).get(
        f"{_url('pemda-calendar', world, world.yogyakarta.code)}?year=2033"
    )
    assert "Hari Jadi MRK" not in response.content.decode()


def test_calendar_is_not_found_for_outsiders_and_needs_signing_in(world: World) -> None:
    for persona in OUTSIDERS:
        assert _client(world[persona]).get(_calendar(world)).status_code == 404, persona
    assert (
        _client(world["pemda_admin"]).get(_url("pemda-calendar", world, "99.99")).status_code == 404
    )
    response = Client().get(_calendar(world))
    assert response.status_code == 302 and "login" in response["Location"]


def test_forms_are_shown_only_to_managers(world: World) -> None:
    add_url = _url("day-off-add", world)
    for persona in READERS:
        html = _client(world[persona]).get(_calendar(world)).content.decode()
        assert (add_url in html) == (persona in MANAGERS), persona


def test_calendar_query_count_does_not_grow_with_rows(
    world: World, django_assert_max_num_queries: object
) -> None:
    client = _client(world["pemda_admin"])
    client.get(_calendar(world))  # warm the session and caches
    for day in range(1, 25):
        services.local_day_off_create(
            actor=None, pemda=world.merauke, date=dt.date(2033, 3, day), name=f"Day {day}"
        )
    for weekday in range(5):
        services.office_hours_set(
            actor=None,
            pemda=world.merauke,
            weekday=weekday,
            opens_at=dt.time(7),
            closes_at=dt.time(15),
        )
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get(_calendar(world))
    assert response.status_code == 200
    assert len(response.context["local_rows"]) == 24


def test_year_outside_the_range_falls_back_to_this_year(world: World) -> None:
    client = _client(world["leader"])
    this_year = pemda_today(world.merauke).year
    for year in ("abc", "1900", "99999"):
        response = client.get(f"{_url('pemda-calendar', world)}?year={year}")
        assert response.context["year"] == this_year


# --- changing ---------------------------------------------------------------------------------


def test_manager_adds_a_local_day_off(world: World) -> None:
    admin = world["pemda_admin"]
    response = _client(admin).post(
        _url("day-off-add", world),
        {"add-date": "2033-08-02", "add-name": "Hari Jadi", "add-reason": "Perbup 1/2033"},
    )
    assert response.status_code == 302
    assert response["Location"] == _calendar(world)
    day_off = LocalDayOff.objects.get(pemda=world.merauke)
    assert (day_off.date, day_off.name) == (DAY, "Hari Jadi")
    event = AuditEvent.objects.get(action="local_day_off.created")
    assert (event.actor_id, event.pemda_id) == (admin.pk, world.merauke.pk)


def test_others_cannot_post(world: World) -> None:
    data = {"add-date": "2033-08-02", "add-name": "Hari Jadi"}
    for persona in ("leader", "inspector", "national_analyst", "officer"):  # read, not change
        assert _client(world[persona]).post(_url("day-off-add", world), data).status_code == 403
    for persona in ("other_pemda_admin", "other_pemda_officer", "citizen"):
        assert _client(world[persona]).post(_url("day-off-add", world), data).status_code == 404
    assert not LocalDayOff.objects.exists()


def test_changes_are_post_only_and_need_the_csrf_token(world: World) -> None:
    client = _client(world["pemda_admin"], enforce_csrf_checks=True)
    for name in ("day-off-add", "day-off-remove", "office-hours-set", "office-hours-reset"):
        assert client.get(_url(name, world)).status_code == 405, name
        assert client.post(_url(name, world), {}).status_code == 403, name


def test_invalid_day_off_shows_errors_at_the_top_and_at_the_field(world: World) -> None:
    services.local_day_off_create(actor=None, pemda=world.merauke, date=DAY, name="Hari Jadi")
    client = _client(world["pemda_admin"])
    response = client.post(_url("day-off-add", world), {"add-date": "2033-08-02", "add-name": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_add-name"' in html
    assert 'aria-invalid="true"' in html

    response = client.post(
        _url("day-off-add", world), {"add-date": "2033-08-02", "add-name": "Again"}
    )
    form = response.context["add_form"]
    assert [e.code for e in form.errors.as_data()["date"]] == ["duplicate_date"]
    assert 'value="Again"' in response.content.decode()  # nothing typed is lost
    assert LocalDayOff.objects.count() == 1


def test_removing_a_past_day_off_needs_a_reason(world: World) -> None:
    services.local_day_off_create(actor=None, pemda=world.merauke, date=DAY, name="Hari Jadi")
    client = _client(world["pemda_admin"])
    assert "day-20330802-remove-reason" not in client.get(_calendar(world)).content.decode()
    with time_machine.travel(dt.datetime(2033, 9, 1, 3, tzinfo=dt.UTC), tick=False):
        client = _client(world["pemda_admin"])  # signed in again: the old session has expired
        html = client.get(_calendar(world)).content.decode()
        assert 'id="day-20330802-remove-reason"' in html  # a past row asks for the reason
        response = client.post(_url("day-off-remove", world), {"remove-date": "2033-08-02"})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="day-20330802-remove-reason_error"' in html
        assert 'href="#day-20330802-remove-reason"' in html
        assert LocalDayOff.objects.exists()
        response = client.post(
            _url("day-off-remove", world),
            {"remove-date": "2033-08-02", "remove-reason": "Perbup 2/2033 cancelled it"},
        )
    assert response.status_code == 302
    assert not LocalDayOff.objects.exists()
    assert AuditEvent.objects.filter(action="local_day_off.deleted").count() == 1


def test_removing_another_pemdas_day_off_is_not_found(world: World) -> None:
    services.local_day_off_create(actor=None, pemda=world.yogyakarta, date=DAY, name="Jogja")
    response = _client(world["pemda_admin"]).post(
        _url("day-off-remove", world), {"remove-date": "2033-08-02"}
    )
    assert response.status_code == 404
    assert LocalDayOff.objects.count() == 1


def test_manager_sets_and_resets_office_hours(world: World) -> None:
    client = _client(world["pemda_admin"])
    url = _url("office-hours-set", world)
    response = client.post(
        url, {"hours-weekday": "4", "hours-opens_at": "07:30", "hours-closes_at": "11:30"}
    )
    assert response.status_code == 302
    hours = OfficeHours.objects.get(pemda=world.merauke)
    assert (hours.weekday, hours.opens_at, hours.closes_at) == (4, dt.time(7, 30), dt.time(11, 30))

    response = client.post(
        url, {"hours-weekday": "4", "hours-opens_at": "12:00", "hours-closes_at": "08:00"}
    )
    assert response.status_code == 200
    assert response.context["hours_form"].errors["closes_at"]
    response = client.post(url, {"hours-weekday": "4", "hours-opens_at": "12:00"})
    assert response.context["hours_form"].errors["closes_at"]

    response = client.post(_url("office-hours-reset", world), {"reset-weekday": "4"})
    assert response.status_code == 302
    assert not OfficeHours.objects.exists()
    assert [
        e.action
        for e in AuditEvent.objects.filter(action__startswith="office_hours.").order_by("id")
    ] == [
        "office_hours.set",
        "office_hours.reset",
    ]


def test_closing_every_day_is_refused_with_a_message(world: World) -> None:
    for weekday in range(4):
        services.office_hours_set(
            actor=None, pemda=world.merauke, weekday=weekday, opens_at=None, closes_at=None
        )
    response = _client(world["pemda_admin"]).post(
        _url("office-hours-set", world), {"hours-weekday": "4"}
    )
    assert response.status_code == 200
    assert response.context["hours_form"].errors["weekday"]
    assert 'class="error-summary"' in response.content.decode()


# --- deadline calculator ----------------------------------------------------------------------


def test_deadline_in_the_pemdas_zone(world: World) -> None:
    client = _client(world["pemda_admin"])
    url = reverse("workcalendar:deadline")
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"].initial["pemda"] == world.merauke.code  # their only Pemda
    response = client.get(
        url,
        {
            "pemda": world.merauke.code,
            "start_date": "2025-03-27",
            "start_time": "10:00",
            "amount": "5",
            "unit": "working_days",
        },
    )
    result = response.context["result"]
    assert result.due.isoformat() == "2025-04-14T16:00:00+09:00"
    html = response.content.decode()
    assert re.search(r"14 April 2025, 16\.00 WIT", html)


def test_deadline_only_for_pemda_the_user_can_see(world: World) -> None:
    url = reverse("workcalendar:deadline")
    params = {
        "pemda": world.merauke.code,
        "start_date": "2025-03-27",
        "start_time": "10:00",
        "amount": "1",
        "unit": "hours",
    }
    response = _client(world["other_pemda_admin"]).get(url, params)
    assert response.context["result"] is None
    assert response.context["form"].errors["pemda"]
    assert Client().get(url).status_code == 302


def test_deadline_page_query_count(world: World, django_assert_max_num_queries: object) -> None:
    client = _client(world["platform_admin"])  # sees all 546 Pemda in the list
    params = {
        "pemda": world.yogyakarta.code,
        "start_date": "2025-03-27",
        "start_time": "17:00",
        "amount": "2",
        "unit": "working_hours",
    }
    client.get(reverse("workcalendar:deadline"), params)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get(reverse("workcalendar:deadline"), params)
    result = response.context["result"]
    assert result.received.isoformat() == "2025-04-08T08:00:00+07:00"  # after Idul Fitri leave
    assert "WIB" in response.content.decode()
