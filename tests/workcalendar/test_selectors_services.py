"""Days off as data: overrides, local days off, office hours, caching and the change event."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction

from melayani.core import events
from melayani.workcalendar import services
from melayani.workcalendar.clock import DeadlineUnit
from melayani.workcalendar.models import CalendarRevision, HolidayKind, LocalDayOff
from melayani.workcalendar.selectors import (
    clock_for_pemda,
    days_off_for_pemda,
    national_clock,
    national_days_off,
)
from tests.workcalendar.factories import local_dt, merauke, yogyakarta

pytestmark = pytest.mark.django_db
WD = DeadlineUnit.WORKING_DAYS
WIB, WIT = "Asia/Jakarta", "Asia/Jayapura"


@pytest.fixture
def received(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[events.DomainEvent]]:
    seen: list[events.DomainEvent] = []
    monkeypatch.setitem(events._subscribers, services.EVENT_CHANGED, [seen.append])
    yield seen


def test_pemda_clocks_use_their_zone_and_the_real_calendar() -> None:
    # Same as the engine test, now through the database-backed selector.
    due_merauke = clock_for_pemda(merauke()).add(local_dt(WIT, 2025, 3, 27, 10), 5, WD)
    due_yogya = clock_for_pemda(yogyakarta()).add(local_dt(WIB, 2025, 3, 27, 10), 5, WD)
    assert due_merauke == local_dt(WIT, 2025, 4, 14, 16)
    assert due_yogya == local_dt(WIB, 2025, 4, 14, 16)
    assert due_yogya - due_merauke == dt.timedelta(hours=2)


def test_local_day_off_shifts_only_that_pemdas_deadline() -> None:
    yogya, papua = yogyakarta(), merauke()
    start = local_dt(WIB, 2026, 10, 5, 10)  # Monday
    assert clock_for_pemda(yogya).add(start, 2, WD) == local_dt(WIB, 2026, 10, 7, 16)
    services.local_day_off_create(
        actor=None,
        pemda=yogya,
        date=dt.date(2026, 10, 7),
        name="Hari Jadi Kota Yogyakarta",
        reason="Perwal (example)",
    )
    # Wed 7 Oct off → Thu 8 Oct; Merauke (and the nation) unaffected.
    assert clock_for_pemda(yogya).add(start, 2, WD) == local_dt(WIB, 2026, 10, 8, 16)
    assert clock_for_pemda(papua).add(start, 2, WD) == local_dt(WIT, 2026, 10, 7, 16)
    assert national_clock().add(start, 2, WD) == local_dt(WIB, 2026, 10, 7, 16)
    assert any(d.name == "Hari Jadi Kota Yogyakarta" for d in days_off_for_pemda(yogya, 2026))


def test_override_cancelling_a_cuti_bersama(
    django_capture_on_commit_callbacks: object, received: list[events.DomainEvent]
) -> None:
    pemda = merauke()
    start = local_dt(WIT, 2025, 3, 27, 10)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        override = services.holiday_override_create(
            actor=None,
            date=dt.date(2025, 4, 7),
            name="Cuti bersama Idul Fitri cancelled",
            kind=HolidayKind.COLLECTIVE_LEAVE,
            is_day_off=False,
            legal_basis="SKB (test correction)",
        )
    # Mon 7 Apr now counts: Mon 7 (1), Tue 8 (2), Wed 9 (3), Thu 10 (4), Fri 11 (5).
    assert clock_for_pemda(pemda).add(start, 5, WD) == local_dt(WIT, 2025, 4, 11, 16)
    assert [(e.name, e.payload) for e in received] == [
        (
            "workcalendar.changed",
            {"pemda_id": None, "dates": (dt.date(2025, 4, 7),), "weekdays": ()},
        )
    ]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.holiday_override_delete(actor=None, override=override)
    assert clock_for_pemda(pemda).add(start, 5, WD) == local_dt(WIT, 2025, 4, 14, 16)
    assert len(received) == 2


def test_override_adds_a_day_off_beyond_the_packaged_cuti_bersama() -> None:
    day = dt.date(2028, 2, 29)  # a Tuesday; the package has no 2028 cuti bersama
    assert day not in {d.date for d in national_days_off(2028)}
    services.holiday_override_create(
        actor=None, date=day, name="Cuti bersama", kind="collective_leave", legal_basis="SKB 2028"
    )
    assert not national_clock().is_working_day(day)
    assert [d.source for d in national_days_off(2028) if d.date == day] == ["override"]


def test_duplicates_and_past_dates_are_refused() -> None:
    pemda = yogyakarta()
    services.local_day_off_create(
        actor=None, pemda=pemda, date=dt.date(2030, 10, 7), name="Hari Jadi"
    )
    with pytest.raises(ValidationError) as error:
        services.local_day_off_create(
            actor=None, pemda=pemda, date=dt.date(2030, 10, 7), name="Again"
        )
    assert error.value.code == "duplicate_date"
    services.holiday_override_create(
        actor=None, date=dt.date(2030, 1, 2), name="X", kind="public_holiday"
    )
    with pytest.raises(ValidationError) as error:
        services.holiday_override_create(
            actor=None, date=dt.date(2030, 1, 2), name="Y", kind="public_holiday"
        )
    assert error.value.code == "duplicate_date"
    with time_machine.travel(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC), tick=False):
        with pytest.raises(ValidationError) as error:
            services.local_day_off_create(
                actor=None, pemda=pemda, date=dt.date(2026, 1, 9), name="Late"
            )
        assert error.value.code == "past_date_needs_reason"
        services.local_day_off_create(
            actor=None, pemda=pemda, date=dt.date(2026, 1, 9), name="Late", reason="Perwal 1/2026"
        )
    assert LocalDayOff.objects.filter(pemda=pemda).count() == 2


def test_failed_change_publishes_nothing_and_caches_nothing(
    django_capture_on_commit_callbacks: object, received: list[events.DomainEvent]
) -> None:
    pemda = yogyakarta()
    day = dt.date(2031, 3, 4)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        try:
            with transaction.atomic():
                services.local_day_off_create(actor=None, pemda=pemda, date=day, name="Rolled back")
                assert not clock_for_pemda(pemda).is_working_day(day)  # cached inside
                raise RuntimeError("abort")
        except RuntimeError:
            pass
    assert received == []
    assert clock_for_pemda(pemda).is_working_day(day)


def test_clock_cache_costs_one_query_and_follows_other_processes(
    django_assert_num_queries: object,
) -> None:
    pemda = yogyakarta()
    day = dt.date(2032, 5, 4)  # a Tuesday
    assert clock_for_pemda(pemda).is_working_day(day)  # warm the cache
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert clock_for_pemda(pemda).is_working_day(day)
    # Another process writes the row and renews the revision (as its service would): the cached
    # calendar of this process must not be used any more.
    LocalDayOff.objects.create(pemda=pemda, date=day, name="Written elsewhere")
    assert clock_for_pemda(pemda).is_working_day(day)  # same revision: still the cached one
    CalendarRevision.objects.update_or_create(
        scope=CalendarRevision.scope_for(pemda.pk), defaults={"token": uuid.uuid4()}
    )
    assert not clock_for_pemda(pemda).is_working_day(day)


def test_office_hours(received: list[events.DomainEvent]) -> None:
    pemda = yogyakarta()
    start = local_dt(WIB, 2025, 6, 19, 10)  # Thursday
    assert clock_for_pemda(pemda).add(start, 1, WD) == local_dt(WIB, 2025, 6, 20, 16)
    services.office_hours_set(
        actor=None, pemda=pemda, weekday=4, opens_at=dt.time(7, 30), closes_at=dt.time(11, 30)
    )
    services.office_hours_set(
        actor=None, pemda=pemda, weekday=5, opens_at=dt.time(8), closes_at=dt.time(12)
    )
    clock = clock_for_pemda(pemda)
    assert clock.add(start, 1, WD) == local_dt(WIB, 2025, 6, 20, 11, 30)
    assert clock.add(start, 2, WD) == local_dt(WIB, 2025, 6, 21, 12)
    services.office_hours_set(actor=None, pemda=pemda, weekday=4, opens_at=None, closes_at=None)
    assert clock_for_pemda(pemda).add(start, 1, WD) == local_dt(WIB, 2025, 6, 21, 12)
    services.office_hours_reset(actor=None, pemda=pemda, weekday=4)
    services.office_hours_reset(actor=None, pemda=pemda, weekday=5)
    assert clock_for_pemda(pemda).add(start, 1, WD) == local_dt(WIB, 2025, 6, 20, 16)
    with pytest.raises(ValidationError):
        services.office_hours_set(
            actor=None, pemda=pemda, weekday=1, opens_at=dt.time(9), closes_at=None
        )
    with pytest.raises(ValidationError):
        services.office_hours_set(
            actor=None, pemda=pemda, weekday=1, opens_at=dt.time(9), closes_at=dt.time(8)
        )
    for weekday in range(4):
        services.office_hours_set(
            actor=None, pemda=pemda, weekday=weekday, opens_at=None, closes_at=None
        )
    with pytest.raises(ValidationError) as error:
        services.office_hours_set(actor=None, pemda=pemda, weekday=4, opens_at=None, closes_at=None)
    assert error.value.code == "never_open"


def test_updates_move_the_day_and_announce_both_dates(
    django_capture_on_commit_callbacks: object, received: list[events.DomainEvent]
) -> None:
    pemda = yogyakarta()
    old, new = dt.date(2034, 6, 6), dt.date(2034, 6, 7)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        day_off = services.local_day_off_create(actor=None, pemda=pemda, date=old, name="Hari Jadi")
        services.local_day_off_update(
            actor=None, day_off=day_off, date=new, name="Hari Jadi (moved)"
        )
        override = services.holiday_override_create(
            actor=None, date=old, name="X", kind="public_holiday"
        )
        services.holiday_override_update(
            actor=None,
            override=override,
            date=new,
            name="X",
            kind="public_holiday",
            is_day_off=True,
        )
    clock = clock_for_pemda(pemda)
    assert clock.is_working_day(old)
    assert not clock.is_working_day(new)
    assert not national_clock().is_working_day(new)
    assert [(e.payload["pemda_id"], e.payload["dates"]) for e in received] == [
        (pemda.pk, (old,)),
        (pemda.pk, (old, new)),
        (None, (old,)),
        (None, (old, new)),
    ]
