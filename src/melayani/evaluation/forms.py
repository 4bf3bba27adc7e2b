"""Forms of the evaluation pages: they parse and validate input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from melayani.core.models import OPD, User
from melayani.evaluation.models import ReviewDecision, WeightPreset
from melayani.evaluation.services import Windows


class DateInput(forms.DateInput):
    input_type = "date"


class WindowsForm(forms.Form):
    fill_starts = forms.DateField(label=_("Filling starts"), widget=DateInput)
    fill_ends = forms.DateField(label=_("Filling ends"), widget=DateInput)
    verify_ends = forms.DateField(label=_("Verification ends"), widget=DateInput)
    finalise_ends = forms.DateField(label=_("Finalisation ends"), widget=DateInput)

    def windows(self) -> Windows:
        data = self.cleaned_data
        return Windows(
            data["fill_starts"], data["fill_ends"], data["verify_ends"], data["finalise_ends"]
        )


class CycleOpenForm(WindowsForm):
    year = forms.IntegerField(label=_("Evaluation year"), min_value=2020, max_value=2100)
    preset = forms.ModelChoiceField(
        label=_("Instrument and weights"),
        queryset=WeightPreset.objects.none(),
        help_text=_("Only versions whose weights are complete can be used."),
    )
    lead = forms.ModelChoiceField(
        label=_("RB team lead"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Verifies the Inspektorat's own answers."),
    )
    field_order = [
        "year",
        "preset",
        "lead",
        "fill_starts",
        "fill_ends",
        "verify_ends",
        "finalise_ends",
    ]

    def __init__(self, *args: Any, presets: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        preset_field = self.fields["preset"]
        assert isinstance(preset_field, forms.ModelChoiceField)
        preset_field.queryset = presets
        preset_field.label_from_instance = lambda p: (  # type: ignore[method-assign,assignment]
            f"{p.instrument.title} · v{p.instrument.version} · {p.name}"
        )
        lead_field = self.fields["lead"]
        assert isinstance(lead_field, forms.ModelChoiceField)
        lead_field.queryset = people


class AssignmentForm(forms.Form):
    node = forms.ChoiceField(label=_("Area or sub-indicator"))
    opd = forms.ModelChoiceField(label=_("OPD"), queryset=OPD.objects.none())
    person = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none(), required=False)

    def __init__(
        self, *args: Any, nodes: list[tuple[int, str]], opds: Any, people: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = nodes  # type: ignore[attr-defined]
        self.fields["opd"].queryset = opds  # type: ignore[attr-defined]
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    raw = forms.CharField(label=_("Answer"), max_length=30, required=False)
    justification = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    raw = forms.CharField(
        label=_("Verified answer (when adjusting)"), max_length=30, required=False
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class EvidenceForm(forms.Form):
    KIND_CHOICES = [
        ("file", _("File")),
        ("link", _("Link")),
        ("metric", _("Platform data")),
        ("reuse", _("Reuse last year's evidence")),
    ]
    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=KIND_CHOICES)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.CharField(label=_("Link"), max_length=500, required=False)
    metric = forms.CharField(label=_("Platform metric"), max_length=80, required=False)
    source = forms.IntegerField(label=_("Evidence to reuse"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DateInput)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput)


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    node = forms.ChoiceField(label=_("Indicator"), required=False)
    opd = forms.ModelChoiceField(label=_("Owner OPD"), queryset=OPD.objects.none())
    person = forms.ModelChoiceField(
        label=_("Person in charge"), queryset=User.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("Due date"), widget=DateInput)

    def __init__(
        self, *args: Any, nodes: list[tuple[str, str]], opds: Any, people: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = [("", "—"), *nodes]  # type: ignore[attr-defined]
        self.fields["opd"].queryset = opds  # type: ignore[attr-defined]
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    completion_url = forms.CharField(
        label=_("Evidence of completion (link)"), max_length=200, required=False
    )
    completion_note = forms.CharField(
        label=_("Evidence of completion"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("LKE worksheet (XLSX)"))


class CloneForm(forms.Form):
    year_from = forms.IntegerField(
        label=_("First evaluation year of the new version"), min_value=2020, max_value=2100
    )
