"""Admin pages for the calendar; every save and delete goes through the services.

The signed-in administrator is the actor of every change, so the services check their grant and
the audit trail names them; a refusal is a 403 page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from melayani.core.models import User
from melayani.workcalendar import services
from melayani.workcalendar.models import HolidayOverride, LocalDayOff, OfficeHours
from melayani.workcalendar.selectors import NATIONAL_TIME_ZONE

F = TypeVar("F", bound=Callable[..., Any])


def _refusal_is_403(method: F) -> F:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except PermissionError:
            raise PermissionDenied from None

    return wrapper  # type: ignore[return-value]


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):  # the admin site is for signed-in staff only
        raise PermissionDenied
    return request.user


class _ServiceAdmin(admin.ModelAdmin):
    """Writes go through the services; bulk delete is off so each deletion publishes."""

    actions = None


class HolidayOverrideForm(forms.ModelForm):
    class Meta:
        model = HolidayOverride
        fields = ["date", "name", "kind", "is_day_off", "legal_basis"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        dates = {d for d in (data.get("date"), self.instance.date) if d is not None}
        services.calendar_change_validate(
            dates=dates, basis=data.get("legal_basis", ""), time_zone=NATIONAL_TIME_ZONE
        )
        return data


class LocalDayOffForm(forms.ModelForm):
    class Meta:
        model = LocalDayOff
        fields = ["pemda", "date", "name", "reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        pemda = data.get("pemda")
        dates = {d for d in (data.get("date"), self.instance.date) if d is not None}
        if pemda is not None:
            services.calendar_change_validate(
                dates=dates, basis=data.get("reason", ""), time_zone=pemda.time_zone
            )
        return data


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(_ServiceAdmin):
    form = HolidayOverrideForm
    list_display = ["date", "name", "kind", "is_day_off", "legal_basis"]
    list_filter = ["kind", "is_day_off"]
    search_fields = ["name", "legal_basis"]
    date_hierarchy = "date"

    @_refusal_is_403
    def save_model(
        self, request: HttpRequest, obj: HolidayOverride, form: ModelForm[Any], change: bool
    ) -> None:
        if change:
            saved = services.holiday_override_update(
                actor=_actor(request),
                override=obj,
                date=obj.date,
                name=obj.name,
                kind=obj.kind,
                is_day_off=obj.is_day_off,
                legal_basis=obj.legal_basis,
            )
        else:
            saved = services.holiday_override_create(
                actor=_actor(request),
                date=obj.date,
                name=obj.name,
                kind=obj.kind,
                is_day_off=obj.is_day_off,
                legal_basis=obj.legal_basis,
            )
        obj.pk = saved.pk

    @_refusal_is_403
    def delete_model(self, request: HttpRequest, obj: HolidayOverride) -> None:
        services.holiday_override_delete(actor=_actor(request), override=obj)

    @_refusal_is_403
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[HolidayOverride]) -> None:
        for obj in queryset:
            services.holiday_override_delete(actor=_actor(request), override=obj)


@admin.register(LocalDayOff)
class LocalDayOffAdmin(_ServiceAdmin):
    form = LocalDayOffForm
    list_display = ["date", "name", "pemda", "reason"]
    list_filter = ["pemda"]
    search_fields = ["name", "reason", "pemda__name"]
    date_hierarchy = "date"
    list_select_related = ["pemda"]

    @_refusal_is_403
    def save_model(
        self, request: HttpRequest, obj: LocalDayOff, form: ModelForm[Any], change: bool
    ) -> None:
        if change:
            saved = services.local_day_off_update(
                actor=_actor(request), day_off=obj, date=obj.date, name=obj.name, reason=obj.reason
            )
        else:
            saved = services.local_day_off_create(
                actor=_actor(request),
                pemda=obj.pemda,
                date=obj.date,
                name=obj.name,
                reason=obj.reason,
            )
        obj.pk = saved.pk

    @_refusal_is_403
    def delete_model(self, request: HttpRequest, obj: LocalDayOff) -> None:
        services.local_day_off_delete(actor=_actor(request), day_off=obj)

    @_refusal_is_403
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[LocalDayOff]) -> None:
        for obj in queryset:
            services.local_day_off_delete(actor=_actor(request), day_off=obj)


@admin.register(OfficeHours)
class OfficeHoursAdmin(_ServiceAdmin):
    list_display = ["pemda", "weekday", "opens_at", "closes_at"]
    list_filter = ["weekday", "pemda"]
    list_select_related = ["pemda"]

    @_refusal_is_403
    def save_model(
        self, request: HttpRequest, obj: OfficeHours, form: ModelForm[Any], change: bool
    ) -> None:
        saved = services.office_hours_set(
            actor=_actor(request),
            pemda=obj.pemda,
            weekday=obj.weekday,
            opens_at=obj.opens_at,
            closes_at=obj.closes_at,
        )
        obj.pk = saved.pk

    @_refusal_is_403
    def delete_model(self, request: HttpRequest, obj: OfficeHours) -> None:
        services.office_hours_reset(actor=_actor(request), pemda=obj.pemda, weekday=obj.weekday)

    @_refusal_is_403
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[OfficeHours]) -> None:
        for obj in queryset.select_related("pemda"):
            services.office_hours_reset(actor=_actor(request), pemda=obj.pemda, weekday=obj.weekday)
