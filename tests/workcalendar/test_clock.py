"""The pure engine, on the real Indonesian calendar from the ``holidays`` package (no database)."""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

import holidays
import pytest

from melayani.workcalendar.clock import (
    ClockStopped,
    DeadlineUnit,
    NaiveDatetimeError,
    OfficeDay,
    Pause,
    WorkingClock,
)

WIB, WIT = "Asia/Jakarta", "Asia/Jayapura"
WD = DeadlineUnit.WORKING_DAYS


@functools.cache
def package_days_off(year: int) -> frozenset[dt.date]:
    return frozenset(
        holidays.country_holidays("ID", years=year, categories=("public", "government"))
    )


def real_clock(zone: str = WIB, **kwargs: object) -> WorkingClock:
    return WorkingClock(time_zone=zone, days_off=package_days_off, **kwargs)  # type: ignore[arg-type]


def at(zone: str, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


def test_the_package_has_the_dates_these_tests_rely_on() -> None:
    days = package_days_off(2025) | package_days_off(2026) | package_days_off(2027)
    idul_fitri_2025 = {dt.date(2025, 3, 28), dt.date(2025, 3, 31), dt.date(2025, 4, 1)} | {
        dt.date(2025, 4, d) for d in (2, 3, 4, 7)
    }
    assert idul_fitri_2025 <= days
    assert {dt.date(2026, 3, d) for d in range(18, 25)} <= days
    assert {dt.date(2026, 12, 24), dt.date(2026, 12, 25), dt.date(2027, 1, 1)} <= days
    assert dt.date(2025, 4, 8) not in days


def test_idul_fitri_2025_five_working_days_in_merauke() -> None:
    # Received Thu 27 Mar 2025 10:00 WIT = day 0. Off: Fri 28 (cuti Nyepi), weekend, Mon 31 and
    # Tue 1 Apr (Idul Fitri), Wed 2–Fri 4 (cuti), weekend, Mon 7 (cuti). Working days after day 0:
    # Tue 8 (1), Wed 9 (2), Thu 10 (3), Fri 11 (4), Mon 14 (5) → close Mon 14 Apr 16:00 WIT.
    due = real_clock(WIT).add(at(WIT, 2025, 3, 27, 10), 5, WD)
    assert due == at(WIT, 2025, 4, 14, 16)
    assert due.astimezone(dt.UTC) == dt.datetime(2025, 4, 14, 7, tzinfo=dt.UTC)


def test_same_local_start_in_yogyakarta_is_a_different_instant() -> None:
    merauke = real_clock(WIT).add(at(WIT, 2025, 3, 27, 10), 5, WD)
    yogya = real_clock(WIB).add(at(WIB, 2025, 3, 27, 10), 5, WD)
    assert yogya == at(WIB, 2025, 4, 14, 16)  # 09:00 UTC
    assert yogya - merauke == dt.timedelta(hours=2)


def test_same_instant_falls_on_different_local_days() -> None:
    # 2025-03-27 07:30 UTC is 14:30 WIB (open, day 0 = Thu) but 16:30 WIT (closed: received
    # Tue 8 Apr 08:00 WIT, after the whole Idul Fitri break) → one working day is Wed 9 Apr.
    moment = dt.datetime(2025, 3, 27, 7, 30, tzinfo=dt.UTC)
    assert real_clock(WIB).add(moment, 1, WD) == at(WIB, 2025, 4, 8, 16)
    assert real_clock(WIT).add(moment, 1, WD) == at(WIT, 2025, 4, 9, 16)


def test_idul_fitri_and_nyepi_2026() -> None:
    # Day 0 Tue 17 Mar 2026; off Wed 18 (cuti Nyepi), Thu 19 (Nyepi), Fri 20 (cuti), weekend
    # (Idul Fitri 21–22), Mon 23 and Tue 24 (cuti) → Wed 25 (1), Thu 26 (2), Fri 27 (3).
    assert real_clock().add(at(WIB, 2026, 3, 17, 9), 3, WD) == at(WIB, 2026, 3, 27, 16)


def test_year_end_2026_runs_into_2027() -> None:
    # Day 0 Wed 23 Dec 2026; off Thu 24 (cuti), Fri 25 (Christmas), weekend → Mon 28 (1),
    # Tue 29 (2), Wed 30 (3), Thu 31 (4); Fri 1 Jan 2027 off, weekend → Mon 4 Jan (5).
    clock = real_clock()
    start = at(WIB, 2026, 12, 23, 11)
    assert clock.add(start, 2, WD) == at(WIB, 2026, 12, 29, 16)
    assert clock.add(start, 5, WD) == at(WIB, 2027, 1, 4, 16)
    assert clock.working_days_between(start, at(WIB, 2027, 1, 4, 16)) == 5


@pytest.mark.parametrize(
    ("arrival", "due"),
    [
        ((2025, 6, 16, 8, 0), (2025, 6, 17, 16)),  # Mon at opening: Mon is day 0
        ((2025, 6, 16, 15, 59), (2025, 6, 17, 16)),  # a minute before closing still counts
        ((2025, 6, 16, 16, 0), (2025, 6, 18, 16)),  # at closing: received Tue 08:00
        ((2025, 6, 16, 16, 30), (2025, 6, 18, 16)),  # after closing: received Tue 08:00
        ((2025, 6, 16, 6, 0), (2025, 6, 17, 16)),  # before opening: received Mon 08:00
        ((2025, 6, 21, 10, 0), (2025, 6, 24, 16)),  # Saturday: received Mon 23 08:00
        ((2025, 3, 29, 10, 0), (2025, 4, 9, 16)),  # Sat (Nyepi): received Tue 8 Apr 08:00
    ],
)
def test_arrival_outside_office_hours_starts_at_next_opening(
    arrival: tuple[int, ...], due: tuple[int, ...]
) -> None:
    assert real_clock().add(at(WIB, *arrival), 1, WD) == at(WIB, *due)


def test_zero_working_days_is_close_of_day_of_receipt() -> None:
    clock = real_clock()
    assert clock.add(at(WIB, 2025, 6, 16, 10), 0, WD) == at(WIB, 2025, 6, 16, 16)
    assert clock.add(at(WIB, 2025, 6, 21, 10), 0, WD) == at(WIB, 2025, 6, 23, 16)


def test_other_units() -> None:
    clock = real_clock()
    start = at(WIB, 2025, 6, 16, 10)  # Monday
    assert clock.add(start, 72, DeadlineUnit.HOURS) == at(WIB, 2025, 6, 19, 10)
    saturday_night = at(WIB, 2025, 6, 21, 22)
    assert clock.add(saturday_night, 72, "hours") == at(WIB, 2025, 6, 24, 22)
    assert clock.add(start, 8, DeadlineUnit.WORKING_HOURS) == at(WIB, 2025, 6, 17, 10)
    assert clock.add(at(WIB, 2025, 6, 16, 8), 8, "working_hours") == at(WIB, 2025, 6, 16, 16)
    assert clock.add(saturday_night, 1, "working_hours") == at(WIB, 2025, 6, 23, 9)
    end_of_thursday = dt.datetime.combine(dt.date(2025, 6, 19), dt.time.max, ZoneInfo(WIB))
    assert clock.add(start, 3, DeadlineUnit.CALENDAR_DAYS) == end_of_thursday


def test_calendar_days_may_end_on_a_holiday() -> None:
    due = real_clock().add(at(WIB, 2025, 3, 30, 10), 1, DeadlineUnit.CALENDAR_DAYS)
    assert due.date() == dt.date(2025, 3, 31)  # Idul Fitri: documented, no roll-forward


def test_custom_office_hours_and_days_off() -> None:
    # A service mall open Saturday 08:00–12:00; Friday closes at 11:30.
    clock = WorkingClock(
        time_zone=WIB,
        week={4: OfficeDay(dt.time(8), dt.time(11, 30)), 5: OfficeDay(dt.time(8), dt.time(12))},
        days_off=[dt.date(2025, 6, 23)],
    )
    assert clock.add(at(WIB, 2025, 6, 19, 10), 1, WD) == at(WIB, 2025, 6, 20, 11, 30)
    assert clock.add(at(WIB, 2025, 6, 20, 10), 1, WD) == at(WIB, 2025, 6, 21, 12)
    # Saturday day 0; Sunday closed; Monday 23 is off → Tuesday.
    assert clock.add(at(WIB, 2025, 6, 21, 9), 1, WD) == at(WIB, 2025, 6, 24, 16)
    assert clock.next_opening(at(WIB, 2025, 6, 20, 11, 45)) == at(WIB, 2025, 6, 21, 8)


def test_helpers() -> None:
    clock = real_clock(WIT)
    assert not clock.is_working_day(dt.date(2025, 4, 7))
    assert clock.is_working_day(dt.date(2025, 4, 8))
    assert clock.next_opening(at(WIT, 2025, 3, 27, 17)) == at(WIT, 2025, 4, 8, 8)
    inside = at(WIT, 2025, 4, 8, 9, 15)
    assert clock.next_opening(inside) == inside
    assert clock.is_open(inside)
    assert not clock.is_open(at(WIT, 2025, 4, 7, 9))
    assert clock.working_days_between(at(WIT, 2025, 3, 27, 10), at(WIT, 2025, 4, 14, 9)) == 5
    assert clock.working_days_between(at(WIT, 2025, 4, 14, 9), at(WIT, 2025, 3, 27, 10)) == -5
    due = at(WIT, 2025, 4, 9, 16)
    assert clock.remaining(at(WIT, 2025, 4, 8, 15), due) == dt.timedelta(hours=9)
    assert clock.remaining(at(WIT, 2025, 4, 10, 9), due) == -dt.timedelta(hours=1)
    # Over the whole Idul Fitri break only Thursday 27 afternoon counts.
    assert clock.working_time_between(
        at(WIT, 2025, 3, 27, 14), at(WIT, 2025, 4, 8, 8)
    ) == dt.timedelta(hours=2)


def test_naive_datetimes_are_refused() -> None:
    clock = real_clock()
    naive = dt.datetime(2025, 6, 16, 10)
    with pytest.raises(NaiveDatetimeError):
        clock.add(naive, 1, WD)
    with pytest.raises(NaiveDatetimeError):
        clock.next_opening(naive)
    with pytest.raises(NaiveDatetimeError):
        clock.working_days_between(naive, at(WIB, 2025, 6, 17, 10))
    with pytest.raises(NaiveDatetimeError):
        Pause(naive, None)


def test_bad_arguments() -> None:
    clock = real_clock()
    start = at(WIB, 2025, 6, 16, 10)
    with pytest.raises(ValueError, match="negative"):
        clock.add(start, -1, WD)
    with pytest.raises(ValueError):
        clock.add(start, 1, "fortnights")
    with pytest.raises(ValueError, match="before it starts"):
        Pause(start, start - dt.timedelta(seconds=1))
    with pytest.raises(ValueError):
        WorkingClock(time_zone=WIB, week=dict.fromkeys(range(7)))
    with pytest.raises(ValueError):
        OfficeDay(dt.time(16), dt.time(8))


# --- pauses (week of Mon 16 Jun 2025 and the next: no holidays until Fri 27 Jun) ------------------

START = at(WIB, 2025, 6, 16, 10)


def test_pause_gives_back_its_office_time_rounded_up_to_a_close() -> None:
    clock = real_clock()
    assert clock.add(START, 3, WD) == at(WIB, 2025, 6, 19, 16)
    # Tue 14:00 → Wed 10:00 is 2 h + 2 h of office time: spent at Fri 12:00 → close Fri 16:00.
    pause = Pause(at(WIB, 2025, 6, 17, 14), at(WIB, 2025, 6, 18, 10))
    assert clock.add(START, 3, WD, [pause]) == at(WIB, 2025, 6, 20, 16)


def test_pause_outside_office_hours_shifts_nothing() -> None:
    clock = real_clock()
    base = clock.add(START, 5, WD)
    assert base == at(WIB, 2025, 6, 23, 16)
    weekend = Pause(at(WIB, 2025, 6, 20, 16, 30), at(WIB, 2025, 6, 23, 7, 30))
    assert clock.add(START, 5, WD, [weekend]) == base
    # Fri 15:00 → Mon 09:00 holds 1 h + 1 h of office time → Tue 24 16:00.
    spanning = Pause(at(WIB, 2025, 6, 20, 15), at(WIB, 2025, 6, 23, 9))
    assert clock.add(START, 5, WD, [spanning]) == at(WIB, 2025, 6, 24, 16)


def test_overlapping_and_early_pauses() -> None:
    clock = real_clock()
    before_start = Pause(at(WIB, 2025, 6, 10, 9), at(WIB, 2025, 6, 16, 10))
    assert clock.add(START, 3, WD, [before_start]) == at(WIB, 2025, 6, 19, 16)
    a = Pause(at(WIB, 2025, 6, 17, 9), at(WIB, 2025, 6, 17, 12))
    b = Pause(at(WIB, 2025, 6, 17, 11), at(WIB, 2025, 6, 17, 13))
    union = Pause(at(WIB, 2025, 6, 17, 9), at(WIB, 2025, 6, 17, 13))
    for unit in DeadlineUnit:
        assert clock.add(START, 3, unit, [b, a]) == clock.add(START, 3, unit, [union])
    # A pause covering the start delays receipt: 8 h from Mon 12:00 (not 10:00).
    covering = Pause(at(WIB, 2025, 6, 16, 9), at(WIB, 2025, 6, 16, 12))
    assert clock.add(START, 8, "working_hours", [covering]) == at(WIB, 2025, 6, 17, 12)


def test_open_pause_stops_the_clock() -> None:
    clock = real_clock()
    stopped = Pause(at(WIB, 2025, 6, 18, 9), None)
    with pytest.raises(ClockStopped) as info:
        clock.add(START, 3, WD, [stopped])
    assert info.value.stopped_at == at(WIB, 2025, 6, 18, 9)
    # Spent before the stop: Mon 10–16 (6 h), Tue (8 h), Wed 8–9 (1 h) of a 30 h budget.
    assert info.value.remaining == dt.timedelta(hours=15)
    with pytest.raises(ClockStopped):
        clock.add(START, 72, "hours", [stopped])
    # A pause that starts after the deadline changes nothing.
    late = Pause(at(WIB, 2025, 6, 20, 9), None)
    assert clock.add(START, 3, WD, [late]) == at(WIB, 2025, 6, 19, 16)


def test_pauses_for_wall_clock_units_count_whole() -> None:
    clock = real_clock()
    overnight = Pause(at(WIB, 2025, 6, 16, 20), at(WIB, 2025, 6, 17, 6))  # 10 h, all closed
    assert clock.add(START, 72, "hours", [overnight]) == at(WIB, 2025, 6, 19, 20)
    assert clock.add(START, 8, "working_hours", [overnight]) == at(WIB, 2025, 6, 17, 10)
    # Calendar days: 3 days ends Thu 19 23:59:59; a 14 h pause pushes the budget into Friday.
    long = Pause(at(WIB, 2025, 6, 18, 20), at(WIB, 2025, 6, 19, 10))
    due = clock.add(START, 3, "calendar_days", [long])
    assert due.date() == dt.date(2025, 6, 20)
    assert due.time() == dt.time.max
