"""Forms of the SKM pages: they validate input at the boundary and nothing else.

The questionnaire form is built from the unit's questions (the nine unsur, then its extra ones),
so a Pemda's versioned labels and a unit's additions appear without code. Every decision (is the
token still usable, may this officer enter forms for this service) is made by the services.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from melayani.catalog.models import ServiceType
from melayani.surveys.models import PROFILE_CHOICES, AgeBand, Education, Occupation, Sex
from melayani.surveys.services import SUGGESTION_MAX
from melayani.surveys.web_selectors import Question, period_label

PROFILE_LABELS = {
    "sex": _("Sex"),
    "age_band": _("Age"),
    "education": _("Highest education"),
    "occupation": _("Main occupation"),
}
_PROFILE_MODELS = {
    "sex": Sex,
    "age_band": AgeBand,
    "education": Education,
    "occupation": Occupation,
}
NOT_GIVEN = _("Prefer not to say")


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class SurveyForm(forms.Form):
    """The questionnaire: one radio group per unsur, an optional profile and a suggestion.

    ``require_all``: a citizen answers every question (invitation, kiosk); an officer copying a
    paper form leaves blank what the respondent left blank.
    """

    def __init__(
        self,
        *args: Any,
        questions: Sequence[Question],
        require_all: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for number, question in enumerate(self.questions, start=1):
            choices = [(str(score), label) for score, label in enumerate(question.labels, 1)]
            self.fields[question.code] = forms.TypedChoiceField(
                label=_("%(number)s. %(name)s") % {"number": number, "name": question.name},
                choices=choices,
                coerce=int,
                empty_value=None,
                required=require_all,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one answer for this question.")},
            )
        for name, model in _PROFILE_MODELS.items():
            self.fields[name] = forms.ChoiceField(
                label=PROFILE_LABELS[name],
                choices=[("", NOT_GIVEN), *model.choices],
                required=False,
            )
        self.fields["suggestion"] = forms.CharField(
            label=_("Your suggestion (optional)"),
            help_text=_("What should we improve? Do not write your name or NIK."),
            required=False,
            max_length=SUGGESTION_MAX,
            widget=forms.Textarea(attrs={"rows": 4}),
        )

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[q.code] for q in self.questions]

    def profile_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PROFILE_CHOICES]

    def answers(self) -> dict[str, int | None]:
        return {q.code: self.cleaned_data.get(q.code) for q in self.questions}

    def profile(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in PROFILE_CHOICES}

    def add_service_error(self, error: Any) -> None:
        """A refusal of the service, shown in the error summary."""
        for message in getattr(error, "messages", [str(error)]):
            self.add_error(None, message)


class KioskForm(SurveyForm):
    """The counter kiosk: first the service just received, then the questionnaire."""

    def __init__(self, *args: Any, services: Sequence[ServiceType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service_field = forms.TypedChoiceField(
            label=_("Which service did you just receive?"),
            choices=[(str(s.pk), s.name) for s in services],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose the service you received.")},
        )
        self.fields = {"service": service_field, **self.fields}
        self._services = {s.pk: s for s in services}

    def service(self) -> ServiceType:
        return self._services[self.cleaned_data["service"]]


class PaperForm(SurveyForm):
    """An officer copies one paper form: the service, the date on the form, the answers."""

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        kwargs.setdefault("require_all", False)
        super().__init__(*args, **kwargs)
        head = {
            "service": ServiceChoiceField(
                label=_("Service"), queryset=services, empty_label=_("Choose the service")
            ),
            "filled_on": forms.DateField(
                label=_("Date on the form"),
                help_text=_("Leave empty for today."),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            ),
        }
        self.fields = {**head, **self.fields}
        for question in self.questions:
            field = self.fields[question.code]
            field.label = f"{question.code} {question.name}"
        self.fields["suggestion"].label = _("Suggestion written on the form")
        self.fields["suggestion"].help_text = ""


class ImportForm(forms.Form):
    ON_ERRORS = (
        ("nothing", _("Import nothing and show me the errors")),
        ("valid", _("Import the valid rows and show me the others")),
    )

    service = ServiceChoiceField(
        label=_("Service"), queryset=ServiceType.objects.none(), empty_label=_("Choose the service")
    )
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "One row per respondent. Columns U1 to U9 with answers 1 to 4 (blank if unanswered); "
            "optional columns: filled_on, sex, age_band, education, occupation, suggestion, token."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    filled_on = forms.DateField(
        label=_("Date of the forms"),
        help_text=_("Used for rows without a filled_on date. Leave empty for today."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    on_errors = forms.ChoiceField(
        label=_("If some rows have errors"),
        choices=ON_ERRORS,
        initial="nothing",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, ServiceChoiceField)
        field.queryset = services


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"))

    def __init__(
        self, *args: Any, periods: Sequence[Any], latest_label: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        choices = [(str(p), period_label(p)) for p in periods]
        field.choices = [("", latest_label), *choices] if latest_label else choices
