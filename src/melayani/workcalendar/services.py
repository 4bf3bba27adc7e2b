"""Writes to the working calendar: national overrides, local days off, office hours.

Each function runs in one transaction, renews the calendar revision (so every process drops its
cached calendar) and publishes ``workcalendar.changed`` after commit with the payload::

    pemda_id: int | None               # None for a national change
    dates: tuple[datetime.date, ...]   # dates whose status changed (sorted); empty for office hours
    weekdays: tuple[int, ...]          # weekdays whose office hours changed (0 = Monday)

Subscribers recompute the due dates that depend on those days.

Changes to a date already past (in Jakarta time for national rows, the Pemda's zone for local
ones) rewrite deadlines that may already have been judged, so they need a legal basis / reason.

Every function takes ``actor`` (``None`` for the system: commands, imports, tests), refuses with
:class:`PermissionError` an actor who may not make the change (``calendar.manage`` in the Pemda for
local rows; ``calendar.manage`` everywhere, i.e. a platform administrator, for national overrides)
and records an audit event in the Pemda's chain (the national chain for overrides).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from melayani.audit.services import audit_record
from melayani.core import access
from melayani.core.events import publish
from melayani.core.models import Pemda, User
from melayani.workcalendar.clock import DEFAULT_WEEK
from melayani.workcalendar.models import (
    CalendarRevision,
    HolidayKind,
    HolidayOverride,
    LocalDayOff,
    OfficeHours,
    Weekday,
)
from melayani.workcalendar.selectors import NATIONAL_TIME_ZONE

EVENT_CHANGED = "workcalendar.changed"
MANAGE = "calendar.manage"


def _require_local_manager(actor: User | None, pemda: Pemda | int) -> None:
    if actor is not None and not access.can(actor, MANAGE, pemda=pemda):
        raise PermissionError(MANAGE)


def _require_national_manager(actor: User | None) -> None:
    if actor is not None and MANAGE not in access.user_scope(actor).everywhere:
        raise PermissionError(MANAGE)


def _override_fields(override: HolidayOverride) -> dict[str, object]:
    return {
        "date": override.date.isoformat(),
        "name": override.name,
        "kind": str(override.kind),
        "is_day_off": override.is_day_off,
        "legal_basis": override.legal_basis,
    }


def _day_off_fields(day_off: LocalDayOff) -> dict[str, object]:
    return {"date": day_off.date.isoformat(), "name": day_off.name, "reason": day_off.reason}


def _hours_fields(opens_at: dt.time | None, closes_at: dt.time | None) -> dict[str, object]:
    return {
        "opens_at": opens_at.strftime("%H:%M") if opens_at else None,
        "closes_at": closes_at.strftime("%H:%M") if closes_at else None,
    }


def _renew_revision(pemda_id: int | None) -> None:
    CalendarRevision.objects.update_or_create(
        scope=CalendarRevision.scope_for(pemda_id), defaults={"token": uuid.uuid4()}
    )


def _changed(
    pemda_id: int | None, *, dates: Iterable[dt.date] = (), weekdays: Iterable[int] = ()
) -> None:
    _renew_revision(pemda_id)
    publish(
        EVENT_CHANGED,
        pemda_id=pemda_id,
        dates=tuple(sorted(set(dates))),
        weekdays=tuple(sorted(set(weekdays))),
    )


def _today(time_zone: str) -> dt.date:
    return timezone.now().astimezone(ZoneInfo(time_zone)).date()


def calendar_change_validate(*, dates: Iterable[dt.date], basis: str, time_zone: str) -> None:
    """Refuse a change to a past date without a legal basis / reason (also used by forms)."""
    if any(day < _today(time_zone) for day in dates) and not basis.strip():
        raise ValidationError(
            _("Changing a date in the past needs a legal basis or reason."),
            code="past_date_needs_reason",
        )


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError(_("A name is required."), code="name_required")
    return name


# --- national overrides -----------------------------------------------------------------------


def holiday_override_create(
    *,
    actor: User | None,
    date: dt.date,
    name: str,
    kind: HolidayKind | str,
    is_day_off: bool = True,
    legal_basis: str = "",
) -> HolidayOverride:
    """Add a national day off (or, with ``is_day_off=False``, cancel a packaged one)."""
    _require_national_manager(actor)
    name = _clean_name(name)
    kind = HolidayKind(kind)
    calendar_change_validate(dates=[date], basis=legal_basis, time_zone=NATIONAL_TIME_ZONE)
    with transaction.atomic():
        if HolidayOverride.objects.filter(date=date).exists():
            raise ValidationError(
                _("There is already an override for %(date)s.") % {"date": date.isoformat()},
                code="duplicate_date",
            )
        override = HolidayOverride.objects.create(
            date=date, name=name, kind=kind, is_day_off=is_day_off, legal_basis=legal_basis
        )
        audit_record(
            actor=actor,
            action="holiday_override.created",
            target=override,
            pemda=None,
            after=_override_fields(override),
            context={"date": date.isoformat()},
        )
        _changed(None, dates=[date])
    return override


def holiday_override_update(
    *,
    actor: User | None,
    override: HolidayOverride,
    date: dt.date,
    name: str,
    kind: HolidayKind | str,
    is_day_off: bool,
    legal_basis: str = "",
) -> HolidayOverride:
    _require_national_manager(actor)
    name = _clean_name(name)
    kind = HolidayKind(kind)
    with transaction.atomic():
        current = HolidayOverride.objects.select_for_update().get(pk=override.pk)
        calendar_change_validate(
            dates={current.date, date}, basis=legal_basis, time_zone=NATIONAL_TIME_ZONE
        )
        if HolidayOverride.objects.filter(date=date).exclude(pk=current.pk).exists():
            raise ValidationError(
                _("There is already an override for %(date)s.") % {"date": date.isoformat()},
                code="duplicate_date",
            )
        old_date, before = current.date, _override_fields(current)
        current.date, current.name, current.kind = date, name, kind
        current.is_day_off, current.legal_basis = is_day_off, legal_basis
        current.save()
        audit_record(
            actor=actor,
            action="holiday_override.updated",
            target=current,
            pemda=None,
            before=before,
            after=_override_fields(current),
            context={"date": date.isoformat()},
        )
        _changed(None, dates=[old_date, date])
    return current


def holiday_override_delete(
    *, actor: User | None, override: HolidayOverride, reason: str = ""
) -> None:
    """Remove an override: the date falls back to the packaged calendar."""
    _require_national_manager(actor)
    with transaction.atomic():
        current = HolidayOverride.objects.select_for_update().get(pk=override.pk)
        calendar_change_validate(
            dates=[current.date], basis=reason or current.legal_basis, time_zone=NATIONAL_TIME_ZONE
        )
        day = current.date
        audit_record(
            actor=actor,
            action="holiday_override.deleted",
            target=current,
            pemda=None,
            before=_override_fields(current),
            context={"date": day.isoformat(), "reason": reason},
        )
        current.delete()
        _changed(None, dates=[day])


# --- local days off ---------------------------------------------------------------------------


def local_day_off_create(
    *, actor: User | None, pemda: Pemda, date: dt.date, name: str, reason: str = ""
) -> LocalDayOff:
    _require_local_manager(actor, pemda)
    name = _clean_name(name)
    calendar_change_validate(dates=[date], basis=reason, time_zone=pemda.time_zone)
    with transaction.atomic():
        if LocalDayOff.objects.filter(pemda=pemda, date=date).exists():
            raise ValidationError(
                _("%(date)s is already a local day off.") % {"date": date.isoformat()},
                code="duplicate_date",
            )
        day_off = LocalDayOff.objects.create(pemda=pemda, date=date, name=name, reason=reason)
        audit_record(
            actor=actor,
            action="local_day_off.created",
            target=day_off,
            pemda=pemda,
            after=_day_off_fields(day_off),
            context={"date": date.isoformat()},
        )
        _changed(pemda.pk, dates=[date])
    return day_off


def local_day_off_update(
    *, actor: User | None, day_off: LocalDayOff, date: dt.date, name: str, reason: str = ""
) -> LocalDayOff:
    _require_local_manager(actor, day_off.pemda_id)
    name = _clean_name(name)
    with transaction.atomic():
        current = LocalDayOff.objects.select_for_update().select_related("pemda").get(pk=day_off.pk)
        pemda = current.pemda
        calendar_change_validate(
            dates={current.date, date}, basis=reason, time_zone=pemda.time_zone
        )
        if LocalDayOff.objects.filter(pemda=pemda, date=date).exclude(pk=current.pk).exists():
            raise ValidationError(
                _("%(date)s is already a local day off.") % {"date": date.isoformat()},
                code="duplicate_date",
            )
        old_date, before = current.date, _day_off_fields(current)
        current.date, current.name, current.reason = date, name, reason
        current.save()
        audit_record(
            actor=actor,
            action="local_day_off.updated",
            target=current,
            pemda=pemda,
            before=before,
            after=_day_off_fields(current),
            context={"date": date.isoformat()},
        )
        _changed(pemda.pk, dates=[old_date, date])
    return current


def local_day_off_delete(*, actor: User | None, day_off: LocalDayOff, reason: str = "") -> None:
    _require_local_manager(actor, day_off.pemda_id)
    with transaction.atomic():
        current = LocalDayOff.objects.select_for_update().select_related("pemda").get(pk=day_off.pk)
        calendar_change_validate(
            dates=[current.date], basis=reason or current.reason, time_zone=current.pemda.time_zone
        )
        day, pemda_id = current.date, current.pemda_id
        audit_record(
            actor=actor,
            action="local_day_off.deleted",
            target=current,
            pemda=current.pemda,
            before=_day_off_fields(current),
            context={"date": day.isoformat(), "reason": reason},
        )
        current.delete()
        _changed(pemda_id, dates=[day])


# --- office hours -----------------------------------------------------------------------------


def office_hours_set(
    *,
    actor: User | None,
    pemda: Pemda,
    weekday: Weekday | int,
    opens_at: dt.time | None,
    closes_at: dt.time | None,
) -> OfficeHours:
    """Set one weekday's hours; both times ``None`` closes the office on that weekday."""
    _require_local_manager(actor, pemda)
    weekday = Weekday(weekday)
    if (opens_at is None) != (closes_at is None):
        raise ValidationError(
            _("Give both the opening and the closing time, or neither to close the day."),
            code="incomplete_hours",
        )
    if opens_at is not None and closes_at is not None and not opens_at < closes_at:
        raise ValidationError(
            _("The office must close after it opens."), code="closes_before_opening"
        )
    with transaction.atomic():
        before = _effective_hours(pemda, weekday)
        hours, _created = OfficeHours.objects.update_or_create(
            pemda=pemda, weekday=weekday, defaults={"opens_at": opens_at, "closes_at": closes_at}
        )
        _ensure_some_day_open(pemda)
        audit_record(
            actor=actor,
            action="office_hours.set",
            target=hours,
            pemda=pemda,
            before=before,
            after=_hours_fields(opens_at, closes_at),
            context={"weekday": int(weekday)},
        )
        _changed(pemda.pk, weekdays=[weekday])
    return hours


def office_hours_reset(*, actor: User | None, pemda: Pemda, weekday: Weekday | int) -> None:
    """Return one weekday to the default hours (Mon–Fri 08:00–16:00, weekend closed).

    Nothing happens (no event, no audit) when the weekday already has the default hours.
    """
    _require_local_manager(actor, pemda)
    weekday = Weekday(weekday)
    with transaction.atomic():
        row = OfficeHours.objects.select_for_update().filter(pemda=pemda, weekday=weekday).first()
        if row is None:
            return
        before = _hours_fields(row.opens_at, row.closes_at)
        audit_record(
            actor=actor,
            action="office_hours.reset",
            target=row,
            pemda=pemda,
            before=before,
            after=_hours_fields(*_default_hours(weekday)),
            context={"weekday": int(weekday)},
        )
        row.delete()
        _ensure_some_day_open(pemda)
        _changed(pemda.pk, weekdays=[weekday])


def _default_hours(weekday: int) -> tuple[dt.time | None, dt.time | None]:
    office = DEFAULT_WEEK[weekday]
    return (office.opens, office.closes) if office is not None else (None, None)


def _effective_hours(pemda: Pemda, weekday: int) -> dict[str, object]:
    row = OfficeHours.objects.filter(pemda=pemda, weekday=weekday).first()
    if row is None:
        return _hours_fields(*_default_hours(weekday))
    return _hours_fields(row.opens_at, row.closes_at)


def _ensure_some_day_open(pemda: Pemda) -> None:
    closed = set(
        OfficeHours.objects.filter(pemda=pemda, opens_at__isnull=True).values_list(
            "weekday", flat=True
        )
    )
    explicitly_open = OfficeHours.objects.filter(pemda=pemda, opens_at__isnull=False).exists()
    default_open = set(range(5)) - closed
    if not explicitly_open and not default_open:
        raise ValidationError(
            _("The office must be open on at least one weekday."), code="never_open"
        )
