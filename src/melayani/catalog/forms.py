"""Forms of the catalogue pages: they only parse input; the rules live in the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from melayani.catalog.models import FieldType, Requirement, ServiceStandard
from melayani.core.models import OPD
from melayani.workcalendar.clock import DeadlineUnit

# A service's error code → the field that shows it (others go to the top of the form).
_FIELD_FOR_CODE = {
    "code": "code",
    "code_taken": "code",
    "name": "name",
    "text": "text",
    "completion_time": "completion_time_value",
    "completion_time_unit": "completion_time_unit",
    "fee_amount": "fee_amount",
    "fee_legal_basis": "fee_legal_basis",
    "accepted_types": "accepted_types",
    "max_size_mb": "max_size_mb",
    "key": "key",
    "key_taken": "key",
    "label": "label",
    "field_type": "field_type",
    "choices_missing": "choices",
    "requirement": "requirement",
    "decree_number": "decree_number",
    "decree_date": "decree_date",
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ServiceErrorsForm(forms.Form):
    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's refusal at the field it concerns (or at the top of the form)."""
        for item in error.error_list:
            code = item.code or ""
            field = _FIELD_FOR_CODE.get(code)
            if code.startswith("missing_"):
                field = code.removeprefix("missing_")
            if field not in self.fields:
                field = None
            self.add_error(field, item)


class CatalogSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search services"),
        required=False,
        max_length=100,
        help_text=_("For example: akta, KTP, izin usaha."),
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}),
    )
    unit = forms.ChoiceField(label=_("Agency (OPD)"), required=False)

    def __init__(self, *args: Any, units: list[OPD], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = cast(forms.ChoiceField, self.fields["unit"])
        unit.choices = [("", _("All agencies")), *((u.slug, u.name) for u in units)]


class ServiceCreateForm(ServiceErrorsForm):
    opd = forms.ModelChoiceField(label=_("Unit"), queryset=OPD.objects.none())
    name = forms.CharField(label=_("Name of the service"), max_length=200)
    code = forms.SlugField(
        label=_("Short code"),
        max_length=60,
        help_text=_("Letters, numbers and hyphens; used in the web address, e.g. akta-kelahiran."),
    )
    description = forms.CharField(
        label=_("Short description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.CharField(label=_("Category"), required=False, max_length=80)
    keywords = forms.CharField(
        label=_("Search words"),
        required=False,
        max_length=300,
        help_text=_("Other words citizens may search for, separated by spaces."),
    )
    accepts_online = forms.BooleanField(
        label=_("Citizens can apply online"), required=False, initial=True
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["opd"]).queryset = units


_TEXTAREA = forms.Textarea(attrs={"rows": 3})


class StandardForm(ServiceErrorsForm):
    """The components of a draft standard (requirements and procedure are edited as rows)."""

    completion_time_value = forms.IntegerField(label=_("Completion time"), min_value=1)
    completion_time_unit = forms.ChoiceField(
        label=_("Completion time unit"), choices=DeadlineUnit.choices
    )
    fee_is_free = forms.BooleanField(label=_("Free of charge"), required=False)
    fee_amount = forms.DecimalField(
        label=_("Fee (Rp)"),
        required=False,
        min_value=1,
        decimal_places=0,
        help_text=_("Whole rupiah, without dots. Leave empty if free."),
    )
    fee_legal_basis = forms.CharField(
        label=_("Legal basis of the fee"), required=False, max_length=300
    )
    product = forms.CharField(label=_("Service product"), required=False, widget=_TEXTAREA)
    complaint_handling = forms.CharField(
        label=_("Complaints, suggestions and feedback"), required=False, widget=_TEXTAREA
    )
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, widget=_TEXTAREA)
    facilities = forms.CharField(label=_("Facilities"), required=False, widget=_TEXTAREA)
    staff_competence = forms.CharField(
        label=_("Staff competence"), required=False, widget=_TEXTAREA
    )
    internal_supervision = forms.CharField(
        label=_("Internal supervision"), required=False, widget=_TEXTAREA
    )
    staff_count = forms.CharField(label=_("Number of staff"), required=False, widget=_TEXTAREA)
    service_guarantee = forms.CharField(
        label=_("Service guarantee"), required=False, widget=_TEXTAREA
    )
    safety_guarantee = forms.CharField(
        label=_("Security and safety guarantee"), required=False, widget=_TEXTAREA
    )
    performance_evaluation = forms.CharField(
        label=_("Performance evaluation of staff"), required=False, widget=_TEXTAREA
    )
    stop_clock_when_returned = forms.BooleanField(
        label=_("Stop the clock while an application is returned for correction"),
        required=False,
    )

    @classmethod
    def for_standard(cls, standard: ServiceStandard) -> StandardForm:
        return cls(initial={name: getattr(standard, name) for name in cls.base_fields})


class RequirementAddForm(ServiceErrorsForm):
    text = forms.CharField(label=_("Requirement"), max_length=300)
    needs_upload = forms.BooleanField(label=_("Needs a document upload"), required=False)
    accepted_types = forms.CharField(
        label=_("Accepted file types"), initial="pdf,jpg,png", max_length=100
    )
    max_size_mb = forms.IntegerField(label=_("Largest file (MB)"), initial=5, min_value=1)


class StepAddForm(ServiceErrorsForm):
    text = forms.CharField(label=_("Step"), max_length=300)


class FormFieldAddForm(ServiceErrorsForm):
    label = forms.CharField(label=_("Label"), max_length=200)
    key = forms.SlugField(
        label=_("Key"),
        max_length=60,
        required=False,
        help_text=_("Leave empty to make one from the label."),
    )
    field_type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    help_text = forms.CharField(label=_("Help text"), required=False, max_length=300)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        help_text=_("For a choice field: one choice per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    requirement = forms.ModelChoiceField(
        label=_("Requirement this upload fulfils"),
        queryset=Requirement.objects.none(),
        required=False,
        help_text=_("Only for file fields."),
    )

    def __init__(self, *args: Any, standard: ServiceStandard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        requirement = cast(forms.ModelChoiceField, self.fields["requirement"])
        requirement.queryset = standard.requirements.filter(needs_upload=True)


class RowChangeForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("remove", _("Remove")), ("up", _("Move up")), ("down", _("Move down"))]
    )


class PublishForm(ServiceErrorsForm):
    decree_number = forms.CharField(label=_("Decree (SK) number"), max_length=120)
    decree_date = forms.DateField(label=_("Decree date"), widget=DateInput())


class PledgeForm(ServiceErrorsForm):
    text = forms.CharField(
        label=_("Text of the pledge"), widget=forms.Textarea(attrs={"rows": 8}), max_length=5000
    )
