"""Forms of the web shell: sign-in, one-time code, the public Pemda filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from melayani.core.models import Pemda


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OneTimeCodeForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code"),
        help_text=_("Open your authenticator app and type the code it shows for Melayani."),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "class": "input-code",
            }
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not (token.isdigit() and len(token) == 6):
            raise forms.ValidationError(
                _("Type the six digits your app shows, for example 123456."), code="format"
            )
        return token


class PemdaFilterForm(forms.Form):
    """Filter of the public Pemda list; choices come from the view (no query at import)."""

    province = forms.ChoiceField(label=_("Province"), required=False)

    def __init__(self, *args: Any, provinces: list[Pemda], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = self.fields["province"]
        assert isinstance(province, forms.ChoiceField)
        province.choices = [
            ("", _("All provinces")),
            *((p.code, p.name) for p in provinces),
        ]


class PemdaSettingsForm(forms.Form):
    two_factor_for_all_officials = forms.BooleanField(
        label=_("Require one-time codes for every official"),
        help_text=_(
            "The Inspektorat, administrators, data protection officers and national analysts "
            "always use one-time codes. Tick this to ask it of every official of this Pemda."
        ),
        required=False,
    )
