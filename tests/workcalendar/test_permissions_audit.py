"""Who may change the calendar, and the audit trail every change leaves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Q, QuerySet

from melayani.audit.models import NATIONAL_CHAIN, AuditEvent
from melayani.workcalendar import services
from melayani.workcalendar.models import (
    CalendarRevision,
    HolidayOverride,
    LocalDayOff,
    OfficeHours,
)
from melayani.workcalendar.selectors import clock_for_pemda
from tests.conftest import World

pytestmark = pytest.mark.django_db

DAY = dt.date(2033, 8, 2)  # a Tuesday, far enough ahead to need no reason
EXISTING = dt.date(2033, 8, 9)


def _calendar_events() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        Q(action__startswith="local_day_off.")
        | Q(action__startswith="office_hours.")
        | Q(action__startswith="holiday_override.")
    )


def _events(**filters: Any) -> list[tuple[str, list[str], int | None]]:
    rows = _calendar_events().filter(**filters).order_by("id")
    return [(e.action, e.changed_fields, e.actor_id) for e in rows]


def test_local_changes_are_audited_in_the_pemdas_chain(world: World) -> None:
    admin, merauke = world["pemda_admin"], world.merauke
    day_off = services.local_day_off_create(
        actor=admin, pemda=merauke, date=DAY, name="Hari Jadi", reason="Perbup 1/2033"
    )
    services.local_day_off_update(
        actor=admin, day_off=day_off, date=DAY, name="Hari Jadi Merauke", reason="Perbup 1/2033"
    )
    services.local_day_off_delete(actor=admin, day_off=day_off)
    services.office_hours_set(
        actor=admin, pemda=merauke, weekday=4, opens_at=dt.time(7, 30), closes_at=dt.time(11, 30)
    )
    services.office_hours_set(
        actor=admin, pemda=merauke, weekday=4, opens_at=dt.time(7, 30), closes_at=dt.time(12)
    )
    services.office_hours_reset(actor=admin, pemda=merauke, weekday=4)
    services.office_hours_reset(actor=admin, pemda=merauke, weekday=4)  # nothing left: no event

    assert _events(pemda=merauke) == [
        ("local_day_off.created", ["date", "name", "reason"], admin.pk),
        ("local_day_off.updated", ["name"], admin.pk),
        ("local_day_off.deleted", ["date", "name", "reason"], admin.pk),
        ("office_hours.set", ["closes_at", "opens_at"], admin.pk),
        ("office_hours.set", ["closes_at"], admin.pk),
        ("office_hours.reset", ["closes_at", "opens_at"], admin.pk),
    ]
    first = AuditEvent.objects.filter(pemda=merauke).order_by("id").first()
    assert first is not None
    assert first.chain == merauke.code
    assert (first.target_type, first.target_id) == ("workcalendar.localdayoff", str(day_off.pk))
    assert first.context == {"date": "2033-08-02"}
    assert not _calendar_events().exclude(pemda=merauke).exists()


def test_national_overrides_are_audited_in_the_national_chain(world: World) -> None:
    platform = world["platform_admin"]
    override = services.holiday_override_create(
        actor=platform, date=DAY, name="Cuti bersama", kind="collective_leave", legal_basis="SKB"
    )
    services.holiday_override_update(
        actor=platform,
        override=override,
        date=DAY,
        name="Cuti bersama",
        kind="collective_leave",
        is_day_off=False,
        legal_basis="SKB",
    )
    services.holiday_override_delete(actor=platform, override=override)
    assert _events(chain=NATIONAL_CHAIN) == [
        (
            "holiday_override.created",
            ["date", "is_day_off", "kind", "legal_basis", "name"],
            platform.pk,
        ),
        ("holiday_override.updated", ["is_day_off"], platform.pk),
        (
            "holiday_override.deleted",
            ["date", "is_day_off", "kind", "legal_basis", "name"],
            platform.pk,
        ),
    ]
    assert not _calendar_events().exclude(pemda=None).exists()


def test_the_system_may_change_anything_and_is_named_as_such(world: World) -> None:
    services.local_day_off_create(actor=None, pemda=world.merauke, date=DAY, name="Hari Jadi")
    services.holiday_override_create(actor=None, date=DAY, name="X", kind="public_holiday")
    labels = set(_calendar_events().values_list("actor_label", "actor_id"))
    assert labels == {("system", None)}


def test_platform_administrator_may_change_any_pemdas_calendar(world: World) -> None:
    services.local_day_off_create(
        actor=world["platform_admin"], pemda=world.merauke, date=DAY, name="Hari Jadi"
    )
    assert not clock_for_pemda(world.merauke).is_working_day(DAY)


Change = Callable[[World, Any], object]


def _create(w: World, actor: Any) -> object:
    return services.local_day_off_create(actor=actor, pemda=w.merauke, date=DAY, name="Hari Jadi")


def _update(w: World, actor: Any) -> object:
    day_off = LocalDayOff.objects.get(pemda=w.merauke, date=EXISTING)
    return services.local_day_off_update(actor=actor, day_off=day_off, date=DAY, name="Moved")


def _delete(w: World, actor: Any) -> object:
    day_off = LocalDayOff.objects.get(pemda=w.merauke, date=EXISTING)
    return services.local_day_off_delete(actor=actor, day_off=day_off)


def _hours_set(w: World, actor: Any) -> object:
    return services.office_hours_set(
        actor=actor, pemda=w.merauke, weekday=0, opens_at=dt.time(7), closes_at=dt.time(15)
    )


def _hours_reset(w: World, actor: Any) -> object:
    return services.office_hours_reset(actor=actor, pemda=w.merauke, weekday=4)


LOCAL_CHANGES: dict[str, Change] = {
    "create": _create,
    "update": _update,
    "delete": _delete,
    "hours_set": _hours_set,
    "hours_reset": _hours_reset,
}
REFUSED_LOCALLY = (
    "other_pemda_admin",
    "officer",
    "opd_head",
    "leader",
    "inspector",
    "province_leader",
    "national_analyst",
    "citizen",
    "former_inspector",
)


@pytest.mark.parametrize("change", sorted(LOCAL_CHANGES))
def test_only_the_pemdas_calendar_managers_change_its_calendar(world: World, change: str) -> None:
    services.local_day_off_create(actor=None, pemda=world.merauke, date=EXISTING, name="Hari Jadi")
    services.office_hours_set(
        actor=None, pemda=world.merauke, weekday=4, opens_at=dt.time(7), closes_at=dt.time(11)
    )
    before = (
        list(LocalDayOff.objects.values()),
        list(OfficeHours.objects.values()),
        list(CalendarRevision.objects.values()),
        _calendar_events().count(),
    )
    for persona in REFUSED_LOCALLY:
        with pytest.raises(PermissionError):
            LOCAL_CHANGES[change](world, world[persona])
    after = (
        list(LocalDayOff.objects.values()),
        list(OfficeHours.objects.values()),
        list(CalendarRevision.objects.values()),
        _calendar_events().count(),
    )
    assert after == before
    LOCAL_CHANGES[change](world, world["pemda_admin"])  # while Merauke's own admin may


def test_national_overrides_need_a_platform_administrator(world: World) -> None:
    override = services.holiday_override_create(
        actor=None, date=DAY, name="X", kind="public_holiday"
    )
    for persona in ("pemda_admin", "other_pemda_admin", "national_analyst", "officer"):
        user = world[persona]
        with pytest.raises(PermissionError):
            services.holiday_override_create(
                actor=user, date=DAY + dt.timedelta(days=1), name="Y", kind="public_holiday"
            )
        with pytest.raises(PermissionError):
            services.holiday_override_update(
                actor=user,
                override=override,
                date=DAY,
                name="Z",
                kind="public_holiday",
                is_day_off=True,
            )
        with pytest.raises(PermissionError):
            services.holiday_override_delete(actor=user, override=override)
    assert list(HolidayOverride.objects.values_list("name", flat=True)) == ["X"]
    assert _calendar_events().count() == 1
