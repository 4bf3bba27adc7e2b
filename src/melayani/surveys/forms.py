"""Forms of the SKM pages: they validate input at the boundary and nothing else.

The questionnaire form is built from the unit's questions (the nine unsur, then its extra ones),
so a Pemda's versioned labels and a unit's additions appear without code. Every decision (is the
token still usable, may this officer enter forms for this service) is made by the services.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from melayani.catalog.models import ServiceType
from melayani.surveys.instrument import CODES as _STANDARD_CODES
from melayani.surveys.models import (
    PROFILE_CHOICES,
    AgeBand,
    Education,
    Occupation,
    PopulationSource,
    Sex,
    WeightModeChoice,
)
from melayani.surveys.services import SUGGESTION_MAX
from melayani.surveys.web_selectors import EXTRA_SLOTS, Question, period_label

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


# --- follow-up plans ---------------------------------------------------------------------------


class FollowUpDetailsForm(forms.Form):
    """What a follow-up plan says: the action, who is responsible, the due date."""

    action = forms.CharField(
        label=_("Action"),
        help_text=_("What the unit will do to improve this unsur."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner = forms.CharField(
        label=_("Responsible"),
        help_text=_("The position responsible, e.g. Kepala Bidang Pelayanan."),
        max_length=200,
    )
    due_on = forms.DateField(
        label=_("Due date"),
        help_text=_("A working day of the Pemda's calendar."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class FollowUpCreateForm(FollowUpDetailsForm):
    """A new plan: first the weak unsur it answers, then its details."""

    def __init__(self, *args: Any, candidates: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        for c in candidates:
            mark = _("weakest") if c.weakest else _("mutu %(mutu)s") % {"mutu": c.mutu}
            choices.append((c.code, f"{c.code} {c.name} — NRR {c.nrr} ({mark})"))
        unsur = forms.ChoiceField(
            label=_("Unsur"),
            choices=choices,
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose the unsur this plan improves.")},
        )
        self.fields = {"unsur": unsur, **self.fields}


class FollowUpStatusForm(forms.Form):
    """Move a plan on: in progress, done (with the date and the evidence) or cancelled."""

    to_status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    completed_on = forms.DateField(
        label=_("Completed on"),
        help_text=_("Only when done. Leave empty for today."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Evidence or reason"),
        help_text=_("When done: what was done, as evidence (shown publicly). When cancelled: why."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, allowed: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(allowed)


# --- policy: a Pemda's settings, a unit's number of service users -------------------------------


class SkmSettingsForm(forms.Form):
    weight_mode = forms.ChoiceField(
        label=_("Weights"),
        choices=WeightModeChoice.choices,
        widget=forms.RadioSelect,
        help_text=_("Exact weights follow the regulation; legacy ones only reproduce old reports."),
    )
    population_source = forms.ChoiceField(
        label=_("Number of service users (population for the sample size)"),
        choices=PopulationSource.choices,
        widget=forms.RadioSelect,
    )
    invitation_valid_days = forms.IntegerField(
        label=_("Days an invitation link stays valid"), min_value=1, max_value=365
    )


class PopulationForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"))
    population = forms.IntegerField(
        label=_("Number of service users in the period"), min_value=0, max_value=100_000_000
    )

    def __init__(self, *args: Any, periods: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(p), period_label(p)) for p in periods]


class UnitDesignForm(forms.Form):
    """A unit's own weights for the nine unsur and up to :data:`EXTRA_SLOTS` extra unsur.

    Weights are decimals that must add up to exactly 1 (e.g. ten unsur at 0.1); the service
    checks the sum. An extra unsur needs a name, four answers (one per line, 1 → 4) and a weight.
    """

    def __init__(self, *args: Any, questions: Sequence[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.standard = [q for q in questions if q.code.upper() in _STANDARD_CODES]
        for question in self.standard:
            self.fields[f"weight_{question.code}"] = forms.DecimalField(
                label=_("Weight of %(code)s %(name)s")
                % {"code": question.code, "name": question.name},
                min_value=Decimal("0.0001"),
                max_value=Decimal(1),
                max_digits=6,
                decimal_places=4,
            )
        for slot in range(1, EXTRA_SLOTS + 1):
            code = f"U{len(_STANDARD_CODES) + slot}"
            self.fields[f"extra{slot}_name_id"] = forms.CharField(
                label=_("%(code)s name (Bahasa Indonesia)") % {"code": code},
                required=False,
                max_length=200,
            )
            self.fields[f"extra{slot}_name_en"] = forms.CharField(
                label=_("%(code)s name (English)") % {"code": code}, required=False, max_length=200
            )
            self.fields[f"extra{slot}_labels_id"] = forms.CharField(
                label=_("%(code)s answers, one per line from 1 to 4") % {"code": code},
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.fields[f"extra{slot}_weight"] = forms.DecimalField(
                label=_("Weight of %(code)s") % {"code": code},
                required=False,
                min_value=Decimal("0.0001"),
                max_value=Decimal(1),
                max_digits=6,
                decimal_places=4,
            )

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{q.code}"] for q in self.standard]

    def extra_slots(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"extra{slot}_{part}"] for part in ("name_id", "name_en", "labels_id", "weight")]
            for slot in range(1, EXTRA_SLOTS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        extras: list[tuple[str, str, str, tuple[str, ...], Decimal]] = []
        for slot in range(1, EXTRA_SLOTS + 1):
            name = (data.get(f"extra{slot}_name_id") or "").strip()
            raw_labels = data.get(f"extra{slot}_labels_id") or ""
            labels = tuple(line.strip() for line in raw_labels.splitlines() if line.strip())
            weight = data.get(f"extra{slot}_weight")
            if not name and not labels and weight is None:
                continue
            if not name:
                self.add_error(f"extra{slot}_name_id", _("Give the unsur a name."))
            if len(labels) != 4:
                self.add_error(
                    f"extra{slot}_labels_id", _("Write exactly four answers, one per line.")
                )
            if weight is None:
                self.add_error(f"extra{slot}_weight", _("Give the unsur a weight."))
            if name and len(labels) == 4 and weight is not None:
                code = f"U{len(_STANDARD_CODES) + slot}"  # stable: a slot keeps its code
                name_en = (data.get(f"extra{slot}_name_en") or "").strip()
                extras.append((code, name, name_en, labels, weight))
        data["extras"] = extras
        return data
