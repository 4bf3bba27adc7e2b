"""Properties of the engine over 2025–2027 on the real calendar, in all three Indonesian zones."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from melayani.workcalendar.clock import DeadlineUnit, Pause, WorkingClock
from tests.workcalendar.test_clock import package_days_off

CLOCKS = {
    zone: WorkingClock(time_zone=zone, days_off=package_days_off)
    for zone in ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
}

zones = st.sampled_from(sorted(CLOCKS))
starts = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),
    max_value=dt.datetime(2027, 6, 30),
    timezones=st.sampled_from([ZoneInfo(z) for z in CLOCKS] + [dt.UTC]),
)
amounts = st.integers(min_value=0, max_value=60)
units = st.sampled_from(list(DeadlineUnit))


@st.composite
def pauses(draw: st.DrawFn, start: dt.datetime) -> list[Pause]:
    result = []
    for _ in range(draw(st.integers(0, 3))):
        offset = dt.timedelta(minutes=draw(st.integers(-600, 60 * 24 * 30)))
        length = dt.timedelta(minutes=draw(st.integers(0, 60 * 24 * 5)))
        result.append(Pause(start + offset, start + offset + length))
    return result


@settings(max_examples=200)
@given(zone=zones, start=starts, amount=amounts, unit=units)
def test_monotonic_in_amount(zone: str, start: dt.datetime, amount: int, unit: str) -> None:
    clock = CLOCKS[zone]
    assert clock.add(start, amount, unit) < clock.add(start, amount + 1, unit)


@settings(max_examples=200)
@given(zone=zones, start=starts, amount=amounts, data=st.data())
def test_working_days_due_at_a_closing_on_a_working_day(
    zone: str, start: dt.datetime, amount: int, data: st.DataObject
) -> None:
    clock = CLOCKS[zone]
    due = clock.add(start, amount, DeadlineUnit.WORKING_DAYS, data.draw(pauses(start)))
    assert due.tzinfo == clock.zone
    assert clock.is_working_day(due.date())
    assert due == clock.closing(due.date())
    assert due > start


@settings(max_examples=200)
@given(zone=zones, start=starts, amount=amounts)
def test_working_days_between_inverts_add(zone: str, start: dt.datetime, amount: int) -> None:
    clock = CLOCKS[zone]
    received = clock.next_opening(start)
    due = clock.add(start, amount, DeadlineUnit.WORKING_DAYS)
    assert clock.working_days_between(received, due) == amount


@settings(max_examples=200)
@given(zone=zones, start=starts, amount=amounts, unit=units, data=st.data())
def test_zero_length_pause_changes_nothing(
    zone: str, start: dt.datetime, amount: int, unit: str, data: st.DataObject
) -> None:
    clock = CLOCKS[zone]
    offset = dt.timedelta(minutes=data.draw(st.integers(-600, 60 * 24 * 60)))
    empty = Pause(start + offset, start + offset)
    assert clock.add(start, amount, unit, [empty]) == clock.add(start, amount, unit)


@settings(max_examples=200)
@given(zone=zones, start=starts, amount=amounts, unit=units, data=st.data())
def test_working_units_never_end_on_a_day_off_and_pauses_never_shorten(
    zone: str, start: dt.datetime, amount: int, unit: str, data: st.DataObject
) -> None:
    clock = CLOCKS[zone]
    paused = clock.add(start, amount, unit, data.draw(pauses(start)))
    assert paused >= clock.add(start, amount, unit)
    if unit in (DeadlineUnit.WORKING_DAYS, DeadlineUnit.WORKING_HOURS) and amount > 0:
        assert clock.is_working_day(paused.date())


@settings(max_examples=200)
@given(zone=zones, start=starts, amount=st.integers(0, 500))
def test_working_hours_spend_exactly_their_office_time(
    zone: str, start: dt.datetime, amount: int
) -> None:
    clock = CLOCKS[zone]
    due = clock.add(start, amount, DeadlineUnit.WORKING_HOURS)
    assert clock.working_time_between(start, due) == dt.timedelta(hours=amount)


@settings(max_examples=200)
@given(zone=zones, start=starts, amount=amounts, data=st.data())
def test_office_time_paused_is_given_back(
    zone: str, start: dt.datetime, amount: int, data: st.DataObject
) -> None:
    # For working hours the shift equals exactly the paused office time before the deadline.
    clock = CLOCKS[zone]
    pause_list = data.draw(pauses(start))
    due = clock.add(start, amount, DeadlineUnit.WORKING_HOURS, pause_list)
    received = clock.next_opening(start)
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for pause in sorted(pause_list, key=lambda p: p.start):
        assert pause.end is not None
        lo, hi = max(pause.start, received), min(pause.end, due)
        if hi <= lo:
            continue
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    paused = sum((clock.working_time_between(lo, hi) for lo, hi in merged), dt.timedelta())
    assert clock.working_time_between(received, due) - paused == dt.timedelta(hours=amount)
