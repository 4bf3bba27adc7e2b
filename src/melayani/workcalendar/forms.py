"""Forms of the calendar pages: they only parse input; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from melayani.core.models import Pemda
from melayani.workcalendar.clock import DeadlineUnit
from melayani.workcalendar.models import Weekday

# A service's error code → the field that shows it (others go to the top of the form).
_FIELD_FOR_CODE = {
    "name_required": "name",
    "duplicate_date": "date",
    "past_date_needs_reason": "reason",
    "incomplete_hours": "closes_at",
    "closes_before_opening": "closes_at",
    "never_open": "weekday",
}

MAX_DEADLINE_AMOUNT = 1000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class _ServiceForm(forms.Form):
    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's refusal at the field it concerns (or at the top of the form)."""
        for item in error.error_list:
            field = _FIELD_FOR_CODE.get(item.code or "")
            if field not in self.fields or self.fields[field].widget.is_hidden:
                field = None
            self.add_error(field, item)


class LocalDayOffForm(_ServiceForm):
    prefix = "add"

    date = forms.DateField(label=_("Date"), widget=DateInput)
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("E.g. Hari Jadi Kabupaten Merauke."),
    )
    reason = forms.CharField(
        label=_("Reason or legal basis"),
        max_length=255,
        required=False,
        help_text=_("The decision that declares the day off. Needed for a date in the past."),
    )


class LocalDayOffRemoveForm(_ServiceForm):
    prefix = "remove"

    date = forms.DateField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for removing it"),
        max_length=255,
        required=False,
        help_text=_("Needed for a date in the past."),
    )


class OfficeHoursForm(_ServiceForm):
    prefix = "hours"

    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    opens_at = forms.TimeField(label=_("Opens at"), required=False, widget=TimeInput)
    closes_at = forms.TimeField(
        label=_("Closes at"),
        required=False,
        widget=TimeInput,
        help_text=_("Leave both times empty to close the office on that day."),
    )


class OfficeHoursResetForm(_ServiceForm):
    prefix = "reset"

    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int, widget=forms.HiddenInput)


class DeadlineForm(forms.Form):
    pemda = forms.ModelChoiceField(
        label=_("Pemda"), queryset=Pemda.objects.none(), to_field_name="code"
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput)
    start_time = forms.TimeField(
        label=_("Start time"),
        widget=TimeInput,
        help_text=_("In the Pemda's local time (WIB, WITA or WIT)."),
    )
    amount = forms.IntegerField(label=_("Amount"), min_value=0, max_value=MAX_DEADLINE_AMOUNT)
    unit = forms.ChoiceField(label=_("Unit"), choices=DeadlineUnit.choices)

    def __init__(self, *args: Any, pemdas: QuerySet[Pemda], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pemda"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = pemdas
