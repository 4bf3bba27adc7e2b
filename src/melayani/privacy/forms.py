"""Forms of personal-data protection: citizens' requests and consent, the DPO's handling."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from melayani.core.formfields import normalize_phone
from melayani.privacy.codes import code_normalize
from melayani.privacy.models import ConsentPurpose, RequestKind
from melayani.privacy.services import DETAILS_MAX


def contact_clean(raw: str) -> str:
    """A phone number to E.164, an e-mail address to lower case; ``""`` when neither."""
    raw = (raw or "").strip()
    if "@" in raw:
        return raw.lower()
    try:
        return normalize_phone(raw)
    except ValidationError:
        return ""


class _ContactField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Phone number or e-mail address"))
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        cleaned = contact_clean(value)
        if value and not cleaned:
            raise ValidationError(
                _("Enter a phone number (e.g. 0812 3456 7890) or an e-mail address."),
                code="contact",
            )
        return cleaned


class RequestForm(forms.Form):
    """A citizen's request. Without an account they prove who they are with a code they hold
    (the tracking code of an application) and the phone or e-mail given with it."""

    kind = forms.ChoiceField(
        label=_("What are you asking for?"), choices=RequestKind.choices, widget=forms.RadioSelect
    )
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=24,
        required=False,
        help_text=_("From the receipt of your application, e.g. K7PM-Q4XD-2R."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    contact = _ContactField(
        required=False, help_text=_("The one you gave with that application. We reply there.")
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a correction: what is wrong and what it should be."),
    )

    def __init__(self, *args: Any, account: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        if account:
            self.fields["code"].help_text = _("Leave empty to use your account.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        proven = cleaned.get("code") and cleaned.get("contact")
        typed_wrong = "code" in self.errors or "contact" in self.errors
        if not self.account and not proven and not typed_wrong:
            self.add_error(
                "code", _("Give the tracking code and the phone number or e-mail address.")
            )
        if cleaned.get("kind") == RequestKind.CORRECTION and not cleaned.get("details"):
            self.add_error("details", _("Tell us what is wrong and what it should be."))
        return cleaned


class RequestStatusForm(forms.Form):
    reference = forms.CharField(label=_("Request reference"), max_length=24)
    contact = _ContactField(help_text=_("The one you gave with the request."))

    def clean_reference(self) -> str:
        code = code_normalize(self.cleaned_data["reference"])
        if not code:
            raise ValidationError(
                _("A reference has 10 letters and digits, e.g. K7PM-Q4XD-2R."), code="format"
            )
        return code


class ConsentForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=24)
    contact = _ContactField()
    purpose = forms.ChoiceField(
        label=_("Optional feature"), choices=ConsentPurpose.choices, widget=forms.RadioSelect
    )
    decision = forms.ChoiceField(
        label=_("Your choice"),
        choices=[("give", _("I agree")), ("withdraw", _("I withdraw my consent"))],
        widget=forms.RadioSelect,
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the requester. Required for a correction or a refusal."),
    )


class BreachForm(forms.Form):
    title = forms.CharField(label=_("What happened, in a line"), max_length=200)
    discovered_at = forms.DateTimeField(
        label=_("Discovered at"),
        required=False,
        help_text=_("Empty: now. The 3 × 24 hours run from this moment."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    description = forms.CharField(
        label=_("What is known so far"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssessmentForm(forms.Form):
    data_disclosed = forms.CharField(
        label=_("Personal data disclosed"), widget=forms.Textarea(attrs={"rows": 3})
    )
    how = forms.CharField(
        label=_("When and how it was disclosed"), widget=forms.Textarea(attrs={"rows": 3})
    )
    handling = forms.CharField(
        label=_("Handling and recovery"), widget=forms.Textarea(attrs={"rows": 3})
    )
    subjects_affected = forms.IntegerField(label=_("Data subjects affected"), min_value=0)
    notify_subjects = forms.BooleanField(label=_("Notify the data subjects"), required=False)
    notify_public = forms.BooleanField(label=_("Inform the public"), required=False)


class RetentionForm(forms.Form):
    record_type = forms.CharField(widget=forms.HiddenInput)
    days = forms.IntegerField(
        label=_("Days after closure"), required=False, min_value=30, max_value=100 * 365
    )
