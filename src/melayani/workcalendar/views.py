"""Calendar pages: a Pemda's year (days off, office hours), its changes, and a deadline helper.

Who may see a Pemda's calendar (``pemda.view``) is decided by the access layer, which answers
404 for anyone else; changing it needs ``calendar.manage`` in that Pemda (403 otherwise, and the
services check again). Views parse forms, call one service or selector, and render.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from melayani.core import access
from melayani.core.models import Pemda, User
from melayani.workcalendar import selectors, services
from melayani.workcalendar.forms import (
    DeadlineForm,
    LocalDayOffForm,
    LocalDayOffRemoveForm,
    OfficeHoursForm,
    OfficeHoursResetForm,
)
from melayani.workcalendar.models import LocalDayOff, Weekday

VIEW = "pemda.view"
MANAGE = services.MANAGE


def _pemda(request: HttpRequest, code: str, *, manage: bool = False) -> Pemda:
    """The Pemda the user may read (404 otherwise); with ``manage``, also change (403)."""
    pemda = access.access_object(request.user, Pemda.objects.all(), VIEW, code=code)
    if manage and not access.can(request.user, MANAGE, pemda=pemda):
        raise PermissionDenied
    return pemda


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):  # signed-in pages only: never the case
        raise PermissionDenied
    return request.user


def _year(request: HttpRequest, pemda: Pemda) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return selectors.pemda_today(pemda).year
    if not selectors.FIRST_YEAR <= year <= selectors.LAST_YEAR:
        return selectors.pemda_today(pemda).year
    return year


def _calendar_url(pemda: Pemda, year: int) -> str:
    url = reverse("workcalendar:pemda-calendar", kwargs={"pemda_code": pemda.code})
    return f"{url}?{urlencode({'year': year})}"


def _remove_form_id(day: dt.date) -> str:
    return f"day-{day:%Y%m%d}-%s"


def _render_calendar(
    request: HttpRequest,
    pemda: Pemda,
    year: int,
    *,
    add_form: LocalDayOffForm | None = None,
    remove_form: LocalDayOffRemoveForm | None = None,
    hours_form: OfficeHoursForm | None = None,
    reset_form: OfficeHoursResetForm | None = None,
) -> HttpResponse:
    calendar = selectors.pemda_calendar(pemda, year)
    can_manage = access.can(request.user, MANAGE, pemda=pemda)
    context: dict[str, Any] = {
        "calendar": calendar,
        "pemda": pemda,
        "year": year,
        "previous_year": year - 1 if year > selectors.FIRST_YEAR else None,
        "next_year": year + 1 if year < selectors.LAST_YEAR else None,
        "can_manage": can_manage,
    }
    if can_manage:
        failed_date = remove_form.data.get("remove-date") if remove_form is not None else None
        local_rows = []
        for row in calendar.local:
            day = row.day_off.date
            if remove_form is not None and failed_date == day.isoformat():
                form = remove_form
                form.auto_id = _remove_form_id(day)
            else:
                form = LocalDayOffRemoveForm(initial={"date": day}, auto_id=_remove_form_id(day))
            local_rows.append((row, form))
        context.update(
            local_rows=local_rows,
            add_form=add_form or LocalDayOffForm(),
            hours_form=hours_form or OfficeHoursForm(),
            error_forms=[f for f in (add_form, remove_form, hours_form, reset_form) if f],
        )
    else:
        context["local_rows"] = [(row, None) for row in calendar.local]
    return render(request, "workcalendar/pemda_calendar.html", context)


@require_GET
def pemda_calendar(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _pemda(request, pemda_code)
    return _render_calendar(request, pemda, _year(request, pemda))


@require_POST
def day_off_add(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _pemda(request, pemda_code, manage=True)
    form = LocalDayOffForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            day_off = services.local_day_off_create(
                actor=_actor(request),
                pemda=pemda,
                date=data["date"],
                name=data["name"],
                reason=data["reason"],
            )
        except PermissionError:
            raise PermissionDenied from None
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("%(name)s on %(date)s is now a local day off.")
                % {"name": day_off.name, "date": date_format(day_off.date, "j F Y")},
            )
            return HttpResponseRedirect(_calendar_url(pemda, day_off.date.year))
    year = form.cleaned_data["date"].year if "date" in form.cleaned_data else _year(request, pemda)
    return _render_calendar(request, pemda, year, add_form=form)


@require_POST
def day_off_remove(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _pemda(request, pemda_code, manage=True)
    form = LocalDayOffRemoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseRedirect(_calendar_url(pemda, _year(request, pemda)))
    day = form.cleaned_data["date"]
    day_off = access.access_object(
        request.user, LocalDayOff.objects.filter(pemda=pemda), MANAGE, date=day
    )
    try:
        services.local_day_off_delete(
            actor=_actor(request),
            day_off=day_off,
            reason=form.cleaned_data["reason"],
        )
    except PermissionError:
        raise PermissionDenied from None
    except ValidationError as error:
        form.add_service_error(error)
        return _render_calendar(request, pemda, day.year, remove_form=form)
    messages.success(
        request,
        _("%(name)s on %(date)s is no longer a local day off.")
        % {"name": day_off.name, "date": date_format(day, "j F Y")},
    )
    return HttpResponseRedirect(_calendar_url(pemda, day.year))


@require_POST
def office_hours_set(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _pemda(request, pemda_code, manage=True)
    form = OfficeHoursForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.office_hours_set(
                actor=_actor(request),
                pemda=pemda,
                weekday=data["weekday"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
            )
        except PermissionError:
            raise PermissionDenied from None
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Office hours on %(day)s saved.") % {"day": Weekday(data["weekday"]).label},
            )
            return HttpResponseRedirect(_calendar_url(pemda, _year(request, pemda)))
    return _render_calendar(request, pemda, _year(request, pemda), hours_form=form)


@require_POST
def office_hours_reset(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _pemda(request, pemda_code, manage=True)
    form = OfficeHoursResetForm(request.POST)
    if not form.is_valid():
        return HttpResponseRedirect(_calendar_url(pemda, _year(request, pemda)))
    weekday = form.cleaned_data["weekday"]
    try:
        services.office_hours_reset(
            actor=_actor(request),
            pemda=pemda,
            weekday=weekday,
        )
    except PermissionError:
        raise PermissionDenied from None
    except ValidationError as error:
        form.add_service_error(error)
        return _render_calendar(request, pemda, _year(request, pemda), reset_form=form)
    messages.success(
        request,
        _("Office hours on %(day)s are back to the default.") % {"day": Weekday(weekday).label},
    )
    return HttpResponseRedirect(_calendar_url(pemda, _year(request, pemda)))


@require_GET
def deadline(request: HttpRequest) -> HttpResponse:
    """Work out a due moment with a Pemda's clock: a helper for officials, and a demonstration."""
    pemdas = selectors.pemdas_visible(request.user)
    first = list(pemdas[:2])
    result = None
    if request.GET:
        form = DeadlineForm(request.GET, pemdas=pemdas)
        if form.is_valid():
            data = form.cleaned_data
            result = selectors.deadline_for_pemda(
                pemda=data["pemda"],
                start=data["start_date"],
                start_time=data["start_time"],
                amount=data["amount"],
                unit=data["unit"],
            )
    else:
        only = first[0] if len(first) == 1 else None
        now = timezone.now().astimezone(
            ZoneInfo(only.time_zone if only else selectors.NATIONAL_TIME_ZONE)
        )
        form = DeadlineForm(
            initial={
                "pemda": only.code if only else None,
                "start_date": now.date(),
                "start_time": now.time().replace(second=0, microsecond=0),
                "amount": 5,
                "unit": "working_days",
            },
            pemdas=pemdas,
        )
    return render(
        request,
        "workcalendar/deadline.html",
        {"form": form, "result": result, "has_pemdas": bool(first)},
    )
