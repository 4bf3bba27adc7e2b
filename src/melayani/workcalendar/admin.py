"""Admin pages for the calendar; every save and delete goes through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from melayani.workcalendar import services
from melayani.workcalendar.models import HolidayOverride, LocalDayOff, OfficeHours
from melayani.workcalendar.selectors import NATIONAL_TIME_ZONE


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

    def save_model(
        self, request: HttpRequest, obj: HolidayOverride, form: ModelForm[Any], change: bool
    ) -> None:
        if change:
            saved = services.holiday_override_update(
                override=obj,
                date=obj.date,
                name=obj.name,
                kind=obj.kind,
                is_day_off=obj.is_day_off,
                legal_basis=obj.legal_basis,
            )
        else:
            saved = services.holiday_override_create(
                date=obj.date,
                name=obj.name,
                kind=obj.kind,
                is_day_off=obj.is_day_off,
                legal_basis=obj.legal_basis,
            )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: HolidayOverride) -> None:
        services.holiday_override_delete(override=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[HolidayOverride]) -> None:
        for obj in queryset:
            services.holiday_override_delete(override=obj)


@admin.register(LocalDayOff)
class LocalDayOffAdmin(_ServiceAdmin):
    form = LocalDayOffForm
    list_display = ["date", "name", "pemda", "reason"]
    list_filter = ["pemda"]
    search_fields = ["name", "reason", "pemda__name"]
    date_hierarchy = "date"
    list_select_related = ["pemda"]

    def save_model(
        self, request: HttpRequest, obj: LocalDayOff, form: ModelForm[Any], change: bool
    ) -> None:
        if change:
            saved = services.local_day_off_update(
                day_off=obj, date=obj.date, name=obj.name, reason=obj.reason
            )
        else:
            saved = services.local_day_off_create(
                pemda=obj.pemda, date=obj.date, name=obj.name, reason=obj.reason
            )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: LocalDayOff) -> None:
        services.local_day_off_delete(day_off=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[LocalDayOff]) -> None:
        for obj in queryset:
            services.local_day_off_delete(day_off=obj)


@admin.register(OfficeHours)
class OfficeHoursAdmin(_ServiceAdmin):
    list_display = ["pemda", "weekday", "opens_at", "closes_at"]
    list_filter = ["weekday", "pemda"]
    list_select_related = ["pemda"]

    def save_model(
        self, request: HttpRequest, obj: OfficeHours, form: ModelForm[Any], change: bool
    ) -> None:
        saved = services.office_hours_set(
            pemda=obj.pemda, weekday=obj.weekday, opens_at=obj.opens_at, closes_at=obj.closes_at
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: OfficeHours) -> None:
        services.office_hours_reset(pemda=obj.pemda, weekday=obj.weekday)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[OfficeHours]) -> None:
        for obj in queryset.select_related("pemda"):
            services.office_hours_reset(pemda=obj.pemda, weekday=obj.weekday)
