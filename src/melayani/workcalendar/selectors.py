"""Reads: the working clock of a Pemda (or the nation) and the days off behind it.

Days off for a year are computed once per process and cached under the calendar's current
:class:`~melayani.workcalendar.models.CalendarRevision` tokens (national and the Pemda's own).
Every change goes through :mod:`melayani.workcalendar.services`, which renews the token in the same
transaction, so any process sees the change on its next :func:`clock_for_pemda` call; building a
clock costs one query when warm. Years are loaded lazily, the first time a deadline needs them.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import holidays
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from melayani.core import access
from melayani.core.models import Pemda
from melayani.workcalendar.clock import DEFAULT_WEEK, DeadlineUnit, OfficeDay, WorkingClock
from melayani.workcalendar.models import (
    CalendarRevision,
    HolidayKind,
    HolidayOverride,
    LocalDayOff,
    OfficeHours,
    Weekday,
)

NATIONAL_TIME_ZONE = "Asia/Jakarta"
LOCAL_DAY_OFF = "local_day_off"
_CATEGORIES = ("public", "government")  # "government" carries cuti bersama

_CACHE_LIMIT = 2048
_cache: dict[Hashable, Any] = {}
_cache_lock = threading.Lock()


def _cached(key: Hashable, compute: Any) -> Any:
    try:
        return _cache[key]
    except KeyError:
        pass
    value = compute()
    with _cache_lock:
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[key] = value
    return value


def clear_calendar_cache() -> None:
    """Forget every cached calendar in this process (never needed for correctness)."""
    with _cache_lock:
        _cache.clear()


@dataclass(frozen=True)
class DayOff:
    date: dt.date
    name: str
    kind: str  # a HolidayKind value, or "local_day_off"
    source: str  # "package", "override" or "local"

    @property
    def kind_label(self) -> str:
        if self.kind == LOCAL_DAY_OFF:
            return str(_("local day off"))
        return str(HolidayKind(self.kind).label)


@functools.lru_cache(maxsize=64)
def _package_days_off(year: int) -> tuple[DayOff, ...]:
    calendar = holidays.country_holidays("ID", years=year, categories=_CATEGORIES)
    public = holidays.country_holidays("ID", years=year, categories=("public",))
    return tuple(
        DayOff(
            date=day,
            name=calendar.get(day) or "",
            kind=HolidayKind.PUBLIC_HOLIDAY if day in public else HolidayKind.COLLECTIVE_LEAVE,
            source="package",
        )
        for day in sorted(calendar)
    )


def _revisions(pemda_id: int | None) -> tuple[UUID | None, UUID | None]:
    scopes = [CalendarRevision.scope_for(None)]
    if pemda_id is not None:
        scopes.append(CalendarRevision.scope_for(pemda_id))
    found = dict(CalendarRevision.objects.filter(scope__in=scopes).values_list("scope", "token"))
    national = found.get(CalendarRevision.NATIONAL)
    local = found.get(CalendarRevision.scope_for(pemda_id)) if pemda_id is not None else None
    return national, local


def national_days_off(year: int) -> list[DayOff]:
    """National days off in ``year``: the packaged calendar corrected by the overrides."""
    by_date = {day.date: day for day in _package_days_off(year)}
    overrides = HolidayOverride.objects.filter(date__year=year)
    for override in overrides:
        if override.is_day_off:
            by_date[override.date] = DayOff(
                override.date, override.name, override.kind, source="override"
            )
        else:
            by_date.pop(override.date, None)
    return sorted(by_date.values(), key=lambda day: day.date)


def days_off_for_pemda(pemda: Pemda, year: int) -> list[DayOff]:
    """National and local days off of one Pemda in ``year``, by date (for display)."""
    by_date = {day.date: day for day in national_days_off(year)}
    for local in LocalDayOff.objects.filter(pemda=pemda, date__year=year):
        by_date.setdefault(local.date, DayOff(local.date, local.name, LOCAL_DAY_OFF, "local"))
    return sorted(by_date.values(), key=lambda day: day.date)


def _national_dates(year: int, national_rev: UUID | None) -> frozenset[dt.date]:
    return _cached(
        ("national", year, national_rev),
        lambda: frozenset(day.date for day in national_days_off(year)),
    )


def _pemda_dates(
    pemda_id: int, year: int, national_rev: UUID | None, local_rev: UUID | None
) -> frozenset[dt.date]:
    def compute() -> frozenset[dt.date]:
        local = LocalDayOff.objects.filter(pemda_id=pemda_id, date__year=year)
        return _national_dates(year, national_rev) | frozenset(local.values_list("date", flat=True))

    return _cached(("pemda", pemda_id, year, national_rev, local_rev), compute)


def _week(pemda_id: int, local_rev: UUID | None) -> dict[int, OfficeDay | None]:
    def compute() -> dict[int, OfficeDay | None]:
        week = dict(DEFAULT_WEEK)
        for row in OfficeHours.objects.filter(pemda_id=pemda_id):
            if row.opens_at is None or row.closes_at is None:
                week[row.weekday] = None
            else:
                week[row.weekday] = OfficeDay(row.opens_at, row.closes_at)
        return week

    return _cached(("week", pemda_id, local_rev), compute)


def clock_for_pemda(pemda: Pemda) -> WorkingClock:
    """The working clock of ``pemda``: its zone, office hours, national and local days off.

    A clock is a snapshot of the calendar's revision when it was built: build one per request or
    job rather than keeping it around.
    """
    national_rev, local_rev = _revisions(pemda.pk)
    pemda_id = pemda.pk
    return WorkingClock(
        time_zone=pemda.time_zone,
        week=_week(pemda_id, local_rev),
        days_off=lambda year: _pemda_dates(pemda_id, year, national_rev, local_rev),
    )


def national_clock(tz: str = NATIONAL_TIME_ZONE) -> WorkingClock:
    """Default office hours and national days off only, in zone ``tz``."""
    national_rev, _local = _revisions(None)
    return WorkingClock(time_zone=tz, days_off=lambda year: _national_dates(year, national_rev))


def local_days_off(pemda: Pemda, *, year: int | None = None) -> list[LocalDayOff]:
    queryset = LocalDayOff.objects.filter(pemda=pemda)
    if year is not None:
        queryset = queryset.filter(date__year=year)
    return list(queryset)


def holiday_overrides(*, year: int | None = None) -> list[HolidayOverride]:
    queryset = HolidayOverride.objects.all()
    if year is not None:
        queryset = queryset.filter(Q(date__year=year))
    return list(queryset)


# --- pages ------------------------------------------------------------------------------------

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years the calendar pages show


def pemda_today(pemda: Pemda) -> dt.date:
    return timezone.now().astimezone(ZoneInfo(pemda.time_zone)).date()


@dataclass(frozen=True)
class WeekdayHours:
    weekday: int
    name: str
    opens: dt.time | None
    closes: dt.time | None
    is_default: bool

    @property
    def is_closed(self) -> bool:
        return self.opens is None


@dataclass(frozen=True)
class LocalDayOffRow:
    day_off: LocalDayOff
    is_past: bool  # removing it needs a reason


@dataclass(frozen=True)
class PemdaCalendar:
    pemda: Pemda
    year: int
    today: dt.date
    national: list[DayOff]
    local: list[LocalDayOffRow]
    week: list[WeekdayHours]


def office_week(pemda: Pemda) -> list[WeekdayHours]:
    """The Pemda's office hours, Monday to Sunday, marking the weekdays that keep the default."""
    rows = {row.weekday: row for row in OfficeHours.objects.filter(pemda=pemda)}
    week = []
    for weekday in Weekday:
        row = rows.get(weekday.value)
        if row is not None:
            opens, closes = row.opens_at, row.closes_at
        else:
            default = DEFAULT_WEEK[weekday.value]
            opens = default.opens if default else None
            closes = default.closes if default else None
        week.append(WeekdayHours(weekday.value, str(weekday.label), opens, closes, row is None))
    return week


def pemda_calendar(pemda: Pemda, year: int) -> PemdaCalendar:
    """Everything the calendar page of one Pemda shows for ``year`` (three queries)."""
    today = pemda_today(pemda)
    return PemdaCalendar(
        pemda=pemda,
        year=year,
        today=today,
        national=national_days_off(year),
        local=[LocalDayOffRow(d, d.date < today) for d in local_days_off(pemda, year=year)],
        week=office_week(pemda),
    )


def pemdas_visible(user: Any) -> QuerySet[Pemda]:
    """The Pemda whose internal pages ``user`` may read, by code (for choosing one)."""
    return access.scoped(user, Pemda.objects.order_by("code"), "pemda.view")


@dataclass(frozen=True)
class Deadline:
    pemda: Pemda
    start: dt.datetime  # in the Pemda's zone
    received: dt.datetime | None  # when the clock starts (working units only)
    due: dt.datetime  # in the Pemda's zone
    amount: int
    unit: DeadlineUnit


def deadline_for_pemda(
    *, pemda: Pemda, start: dt.date, start_time: dt.time, amount: int, unit: DeadlineUnit | str
) -> Deadline:
    """The due moment of ``amount`` ``unit`` from a local date and time in ``pemda``."""
    unit = DeadlineUnit(unit)
    clock = clock_for_pemda(pemda)
    moment = dt.datetime.combine(start, start_time, tzinfo=clock.zone)
    received = None
    if unit in (DeadlineUnit.WORKING_DAYS, DeadlineUnit.WORKING_HOURS):
        received = clock.next_opening(moment)
    return Deadline(
        pemda=pemda,
        start=moment,
        received=received,
        due=clock.add(moment, amount, unit),
        amount=amount,
        unit=unit,
    )
