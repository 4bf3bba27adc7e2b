"""The working-day clock: one pure engine behind every deadline on the platform.

A :class:`WorkingClock` knows a time zone, the office hours of each weekday and which dates are
days off. It touches no database; :mod:`melayani.workcalendar.selectors` builds one per Pemda.
Every datetime going in must be timezone-aware (:class:`NaiveDatetimeError` otherwise); every
datetime coming out is aware, in the clock's zone. Decision record:
``docs/decisions/0004-working-day-clock.md``.

How a deadline of ``amount`` units from ``start`` is counted
------------------------------------------------------------
``working_days`` (hari kerja)
    The *day of receipt* is day 0 and does not count ("paling lama N hari kerja sejak berkas
    lengkap"): the deadline is the **close of office on the Nth working day after it**. Work that
    arrives outside office hours (after closing, before opening, on a weekend or day off) is
    received at the next opening, so that day is day 0. Examples with Mon–Fri 08:00–16:00 and no
    holidays: 1 working day from Mon 10:00 is Tue 16:00; from Mon 17:00 or Sat 09:00 (received
    Tue 08:00 / Mon 08:00) it is Wed 16:00 / Tue 16:00. ``amount=0`` means "close of the day of
    receipt".
``working_hours``
    Office time only, starting at the next opening; ``8`` from Mon 08:00 is Mon 16:00.
``hours``
    Wall-clock hours from the exact moment (UU PDP "3×24 jam"): office hours and days off do not
    matter.
``calendar_days`` (hari)
    The day of the start (in the clock's zone) is day 0; the deadline is the **end of the Nth
    calendar day** after it (23:59:59.999999 local), even if that day is a weekend or day off.

Stop-the-clock pauses
---------------------
A :class:`Pause` is an interval during which the clock does not run (e.g. the file was returned
as incomplete); ``end=None`` means it is still paused. Overlapping pauses are merged; parts before
the start are ignored. The deadline is found by spending the same *budget* the unpaused deadline
would have used, skipping paused time:

* for ``working_days`` and ``working_hours`` the budget is office time, so only the **office-hours
  part of a pause counts** — a pause over a night, a weekend or a holiday shifts nothing, a pause
  from Wed 14:00 to Thu 10:00 gives back 4 working hours (2 h Wed + 2 h Thu);
* for ``hours`` and ``calendar_days`` the budget is wall-clock time, so the whole pause counts.

Then a ``working_days`` deadline is rounded **up to the close of the working day** on which the
budget runs out, and a ``calendar_days`` deadline up to the end of that calendar day. So a pause
of one office hour moves a working-day deadline by one working day (from Mon 16:00 to Tue 16:00),
and a pause of zero length moves nothing. If a still-open pause begins before the budget is spent,
the deadline is unknown and :meth:`WorkingClock.add` raises :class:`ClockStopped`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _

UTC = dt.UTC
_ZERO = dt.timedelta(0)


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    HOURS = "hours", _("hours")
    WORKING_HOURS = "working_hours", _("working hours")


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone was given to the clock."""


class ClockStopped(Exception):
    """The deadline cannot be known: the clock is paused (open pause) before it runs out."""

    def __init__(self, stopped_at: dt.datetime, remaining: dt.timedelta) -> None:
        super().__init__(f"clock stopped at {stopped_at.isoformat()}")
        self.stopped_at = stopped_at
        #: Budget still to spend when the clock stopped (office time for working units).
        self.remaining = remaining


@dataclass(frozen=True, slots=True)
class Pause:
    """A stop-the-clock interval ``[start, end)``; ``end=None`` means still paused."""

    start: dt.datetime
    end: dt.datetime | None = None

    def __post_init__(self) -> None:
        _require_aware(self.start, "pause start")
        if self.end is not None:
            _require_aware(self.end, "pause end")
            if self.end < self.start:
                raise ValueError("a pause cannot end before it starts")


@dataclass(frozen=True, slots=True)
class OfficeDay:
    """Opening and closing time of one weekday (local wall-clock time)."""

    opens: dt.time
    closes: dt.time

    def __post_init__(self) -> None:
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("office hours are local wall-clock times, without a zone")
        if not self.opens < self.closes:
            raise ValueError("an office must close after it opens")


#: Office hours per weekday (0 = Monday … 6 = Sunday); ``None`` means closed.
WeeklyHours = Mapping[int, OfficeDay | None]

DEFAULT_OFFICE_DAY = OfficeDay(dt.time(8, 0), dt.time(16, 0))
DEFAULT_WEEK: dict[int, OfficeDay | None] = {
    day: (DEFAULT_OFFICE_DAY if day < 5 else None) for day in range(7)
}

#: Days off for one calendar year; the clock asks for each year it needs, once.
DaysOffForYear = Callable[[int], Iterable[dt.date]]

# Walks stop here: no deadline on the platform is anywhere near this far away.
_MAX_DAYS_SCANNED = 366 * 20


def _require_aware(value: dt.datetime, what: str = "datetime") -> None:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{what} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(f"{what} must be timezone-aware: {value!r}")


class WorkingClock:
    """Office hours, days off and a time zone, and the deadline arithmetic on them.

    ``days_off`` is either a collection of dates or a function ``year -> dates`` (asked lazily,
    once per year, so that a deadline running into next year sees next year's holidays).
    """

    def __init__(
        self,
        *,
        time_zone: str,
        week: WeeklyHours | None = None,
        days_off: Iterable[dt.date] | DaysOffForYear = (),
    ) -> None:
        self.zone = ZoneInfo(time_zone)
        self.time_zone = time_zone
        full_week = dict(DEFAULT_WEEK)
        if week is not None:
            unknown = set(week) - set(range(7))
            if unknown:
                raise ValueError(f"weekdays are 0 (Monday) to 6 (Sunday), got {sorted(unknown)}")
            full_week.update(week)
        self.week: tuple[OfficeDay | None, ...] = tuple(full_week[d] for d in range(7))
        if not any(self.week):
            raise ValueError("an office must be open on at least one weekday")
        self._by_year: dict[int, frozenset[dt.date]] = {}
        self._days_off_for_year: DaysOffForYear | None
        if callable(days_off):
            self._days_off_for_year = days_off
        else:
            self._days_off_for_year = None
            grouped: dict[int, set[dt.date]] = {}
            for day in days_off:
                grouped.setdefault(day.year, set()).add(day)
            self._fixed = {year: frozenset(days) for year, days in grouped.items()}

    def __repr__(self) -> str:
        return f"<WorkingClock {self.time_zone}>"

    # --- days ----------------------------------------------------------------------------------

    def days_off(self, year: int) -> frozenset[dt.date]:
        """The dates off in ``year`` (weekly closing days not included)."""
        found = self._by_year.get(year)
        if found is None:
            if self._days_off_for_year is None:
                found = self._fixed.get(year, frozenset())
            else:
                found = frozenset(self._days_off_for_year(year))
            self._by_year[year] = found
        return found

    def is_working_day(self, day: dt.date) -> bool:
        if isinstance(day, dt.datetime):
            raise TypeError("is_working_day takes a date; use local_date() for a datetime")
        return self.week[day.weekday()] is not None and day not in self.days_off(day.year)

    def local_date(self, moment: dt.datetime) -> dt.date:
        _require_aware(moment)
        return moment.astimezone(self.zone).date()

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        for _step in range(_MAX_DAYS_SCANNED):
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError("no working day within twenty years")  # pragma: no cover

    def opening(self, day: dt.date) -> dt.datetime:
        """Opening moment of a working day (aware, local zone)."""
        return self._moment(day, self._office(day).opens)

    def closing(self, day: dt.date) -> dt.datetime:
        """Closing moment of a working day (aware, local zone)."""
        return self._moment(day, self._office(day).closes)

    def _office(self, day: dt.date) -> OfficeDay:
        office = self.week[day.weekday()]
        if office is None or not self.is_working_day(day):
            raise ValueError(f"{day.isoformat()} is not a working day")
        return office

    def _moment(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.zone)

    # --- moments -------------------------------------------------------------------------------

    def is_open(self, moment: dt.datetime) -> bool:
        """Whether the office is open at ``moment`` (opening inclusive, closing exclusive)."""
        _require_aware(moment)
        local = moment.astimezone(self.zone)
        day = local.date()
        if not self.is_working_day(day):
            return False
        office = self.week[day.weekday()]
        assert office is not None
        return office.opens <= local.time().replace(tzinfo=None) < office.closes

    def next_opening(self, moment: dt.datetime) -> dt.datetime:
        """The first moment at or after ``moment`` when the office is open (in the local zone)."""
        _require_aware(moment)
        local = moment.astimezone(self.zone)
        day = local.date()
        if self.is_working_day(day):
            office = self.week[day.weekday()]
            assert office is not None
            wall = local.time()
            if wall < office.opens:
                return self._moment(day, office.opens)
            if wall < office.closes:
                return local
        return self.opening(self.next_working_day(day))

    # --- deadlines -----------------------------------------------------------------------------

    def add(
        self,
        start: dt.datetime,
        amount: int,
        unit: DeadlineUnit | str,
        pauses: Sequence[Pause] = (),
    ) -> dt.datetime:
        """The deadline ``amount`` ``unit`` after ``start``; see the module docstring."""
        _require_aware(start, "start")
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError("amount must be an int")
        if amount < 0:
            raise ValueError("amount must not be negative")
        unit = DeadlineUnit(unit)
        merged = _merge(pauses, start.astimezone(UTC))

        if unit is DeadlineUnit.HOURS:
            begin = start.astimezone(UTC)
            end = self._spend_wall(begin, dt.timedelta(hours=amount), merged)
            return end.astimezone(self.zone)
        if unit is DeadlineUnit.CALENDAR_DAYS:
            begin = start.astimezone(UTC)
            base = self._end_of_day(self.local_date(start) + dt.timedelta(days=amount))
            if not merged:
                return base
            end = self._spend_wall(begin, base.astimezone(UTC) - begin, merged)
            return self._end_of_day(end.astimezone(self.zone).date())

        received = self.next_opening(start)
        if unit is DeadlineUnit.WORKING_HOURS:
            budget = dt.timedelta(hours=amount)
            return self._spend_office(received, budget, merged).astimezone(self.zone)

        # Working days: close of the Nth working day after the day of receipt.
        day = received.date()
        week, one_day = self.week, dt.timedelta(days=1)
        year, off = day.year, self.days_off(day.year)
        for _n in range(amount):  # inlined next_working_day(): this is the hot path
            for _step in range(_MAX_DAYS_SCANNED):
                day += one_day
                if day.year != year:
                    year, off = day.year, self.days_off(day.year)
                if week[day.weekday()] is not None and day not in off:
                    break
        base = self.closing(day)
        if not merged:
            return base
        budget = self.working_time_between(received, base)
        end = self._spend_office(received, budget, merged).astimezone(self.zone)
        return self._close_on_or_after(end)

    def working_days_between(self, a: dt.datetime, b: dt.datetime) -> int:
        """Working days ``d`` with ``date(a) < d <= date(b)`` (local dates); negative if b < a.

        With the day-0 rule this inverts :meth:`add`: for a start during office hours,
        ``working_days_between(start, add(start, n, WORKING_DAYS)) == n``.
        """
        first, last = self.local_date(a), self.local_date(b)
        if last < first:
            return -self.working_days_between(b, a)
        count = 0
        day = first
        while day < last:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def working_time_between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """Office time in ``[a, b)``; negative if ``b`` is before ``a``."""
        _require_aware(a)
        _require_aware(b)
        if b < a:
            return -self.working_time_between(b, a)
        a_utc, b_utc = a.astimezone(UTC), b.astimezone(UTC)
        total = _ZERO
        for seg_start, seg_end in self._office_segments(a):
            if seg_start >= b_utc:
                break
            if seg_end <= a_utc:
                continue
            total += min(seg_end, b_utc) - max(seg_start, a_utc)
        return total

    def remaining(self, now: dt.datetime, due: dt.datetime) -> dt.timedelta:
        """Office time left from ``now`` until ``due``; negative office time once overdue."""
        return self.working_time_between(now, due)

    # --- internals -----------------------------------------------------------------------------

    def _end_of_day(self, day: dt.date) -> dt.datetime:
        return self._moment(day, dt.time.max)

    def _close_on_or_after(self, moment: dt.datetime) -> dt.datetime:
        """Close of the working day containing ``moment``, or of the next one."""
        local = moment.astimezone(self.zone)
        day = local.date()
        if self.is_working_day(day):
            closing = self.closing(day)
            if local <= closing:
                return closing
        return self.closing(self.next_working_day(day))

    def _office_segments(self, moment: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Office intervals (UTC) from the working day of ``moment`` onwards, endlessly."""
        day = moment.astimezone(self.zone).date()
        if not self.is_working_day(day):
            day = self.next_working_day(day)
        for _step in range(_MAX_DAYS_SCANNED):
            office = self.week[day.weekday()]
            assert office is not None
            yield (
                self._moment(day, office.opens).astimezone(UTC),
                self._moment(day, office.closes).astimezone(UTC),
            )
            day = self.next_working_day(day)

    def _spend_office(
        self,
        start: dt.datetime,
        budget: dt.timedelta,
        pauses: list[tuple[dt.datetime, dt.datetime | None]],
    ) -> dt.datetime:
        """The moment ``budget`` of unpaused office time after ``start`` (UTC)."""
        start_utc = start.astimezone(UTC)
        if budget <= _ZERO:
            return start_utc
        left = budget
        index = 0
        for seg_start, seg_end in self._office_segments(start):
            cursor = max(seg_start, start_utc)
            if cursor >= seg_end:
                continue
            while cursor < seg_end:
                # Skip pauses that ended before the cursor.
                while (
                    index < len(pauses) and (end := pauses[index][1]) is not None and end <= cursor
                ):
                    index += 1
                if index < len(pauses) and pauses[index][0] <= cursor:
                    end = pauses[index][1]
                    if end is None:
                        raise ClockStopped(
                            max(pauses[index][0], start_utc).astimezone(self.zone), left
                        )
                    cursor = min(end, seg_end)
                    continue
                free_until = seg_end
                if index < len(pauses):
                    free_until = min(free_until, pauses[index][0])
                if cursor + left <= free_until:
                    return cursor + left
                left -= free_until - cursor
                cursor = free_until
        raise ValueError("deadline beyond twenty years")  # pragma: no cover

    def _spend_wall(
        self,
        start_utc: dt.datetime,
        budget: dt.timedelta,
        pauses: list[tuple[dt.datetime, dt.datetime | None]],
    ) -> dt.datetime:
        cursor, left = start_utc, budget
        for pause_start, pause_end in pauses:
            if pause_end is not None and pause_end <= cursor:
                continue
            if cursor + left <= pause_start:
                break
            if pause_start > cursor:
                left -= pause_start - cursor
            if pause_end is None:
                raise ClockStopped(max(pause_start, cursor).astimezone(self.zone), left)
            cursor = max(cursor, pause_end)
        return cursor + left


def _merge(
    pauses: Sequence[Pause], not_before: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime | None]]:
    """Pauses as sorted, disjoint UTC intervals, clipped to start no earlier than ``not_before``."""
    if not pauses:
        return []
    intervals: list[tuple[dt.datetime, dt.datetime | None]] = []
    for pause in pauses:
        if not isinstance(pause, Pause):
            raise TypeError("pauses must be Pause instances")
        start = max(pause.start.astimezone(UTC), not_before)
        end = None if pause.end is None else pause.end.astimezone(UTC)
        if end is not None and end <= start:
            continue  # empty, or entirely before the start
        intervals.append((start, end))
    intervals.sort(key=lambda item: item[0])
    merged: list[tuple[dt.datetime, dt.datetime | None]] = []
    for start, end in intervals:
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None:
                break  # an open pause swallows everything after it
            if start <= last_end:
                new_end = None if end is None else max(last_end, end)
                merged[-1] = (last_start, new_end)
                continue
        merged.append((start, end))
    return merged
