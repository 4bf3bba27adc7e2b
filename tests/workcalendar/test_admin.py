"""The admin writes through the services (so caches and subscribers hear of every change)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from melayani.audit.models import AuditEvent
from melayani.workcalendar.admin import HolidayOverrideForm, LocalDayOffAdmin, LocalDayOffForm
from melayani.workcalendar.models import CalendarRevision, HolidayOverride, LocalDayOff
from melayani.workcalendar.selectors import clock_for_pemda
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_registered() -> None:
    for model in ("HolidayOverride", "LocalDayOff", "OfficeHours"):
        assert any(m.__name__ == model for m in admin.site._registry)


def test_admin_save_and_delete_go_through_services(world: World) -> None:
    pemda = world.yogyakarta
    model_admin = LocalDayOffAdmin(LocalDayOff, admin.site)
    request = RequestFactory().post("/")
    request.user = world["platform_admin"]
    day = dt.date(2033, 8, 2)
    form = LocalDayOffForm(data={"pemda": pemda.pk, "date": day, "name": "Hari Jadi"})
    assert form.is_valid(), form.errors
    obj = form.save(commit=False)
    model_admin.save_model(request, obj, form, change=False)
    assert CalendarRevision.objects.filter(scope=f"pemda:{pemda.pk}").exists()
    assert not clock_for_pemda(pemda).is_working_day(day)
    obj.date = day + dt.timedelta(days=1)
    model_admin.save_model(request, obj, form, change=True)
    assert clock_for_pemda(pemda).is_working_day(day)
    assert not clock_for_pemda(pemda).is_working_day(day + dt.timedelta(days=1))
    model_admin.delete_model(request, LocalDayOff.objects.get())
    assert clock_for_pemda(pemda).is_working_day(day + dt.timedelta(days=1))
    audited = AuditEvent.objects.filter(pemda=pemda).order_by("id")
    assert [(e.action, e.actor_id) for e in audited] == [
        ("local_day_off.created", world["platform_admin"].pk),
        ("local_day_off.updated", world["platform_admin"].pk),
        ("local_day_off.deleted", world["platform_admin"].pk),
    ]


def test_admin_refusal_is_a_403_and_changes_nothing(world: World) -> None:
    model_admin = LocalDayOffAdmin(LocalDayOff, admin.site)
    request = RequestFactory().post("/")
    request.user = world["other_pemda_admin"]
    obj = LocalDayOff(pemda=world.merauke, date=dt.date(2033, 8, 2), name="Hari Jadi")
    with pytest.raises(PermissionDenied):
        model_admin.save_model(request, obj, LocalDayOffForm(), change=False)
    assert not LocalDayOff.objects.exists()


@time_machine.travel(dt.datetime(2027, 2, 1, 3, tzinfo=dt.UTC), tick=False)
def test_admin_form_wants_a_legal_basis_for_a_past_date() -> None:
    data = {"date": "2027-01-15", "name": "Correction", "kind": "public_holiday"}
    form = HolidayOverrideForm(data={**data, "is_day_off": "on"})
    assert not form.is_valid()
    assert HolidayOverride.objects.count() == 0
    form = HolidayOverrideForm(data={**data, "is_day_off": "on", "legal_basis": "SKB 2027"})
    assert form.is_valid(), form.errors
