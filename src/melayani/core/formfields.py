"""Form fields for identifiers people type in: NIK, NIP and phone numbers.

Each one normalises what was typed (separators removed; phone numbers to E.164), raises the
validator's own message and code, and keeps what it learnt on the field after ``clean()``:
``NIKFormField.info`` (a :class:`~melayani.core.nik.NIKInfo`) and ``NIKFormField.warnings``
(messages to show beside the field without refusing the form), ``NIPFormField.info``.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from melayani.core.identifiers import NIP, clean_nip, parse_nip
from melayani.core.nik import NIKInfo, RegionCodes, clean_nik, parse_nik

__all__ = ["NIKFormField", "NIPFormField", "PhoneFormField", "TelInput", "normalize_phone"]

# Room for what people type: "32.01.01.170890.0001" is 20 characters.
_IDENTIFIER_INPUT_LENGTH = 24
_PHONE_INPUT_LENGTH = 32


class NIKFormField(forms.CharField):
    """A NIK: separators removed, checked by :func:`melayani.core.nik.parse_nik`.

    ``known`` overrides the region codes (tests); by default every loaded version is used.
    """

    def __init__(self, *, known: RegionCodes | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", _IDENTIFIER_INPUT_LENGTH)
        kwargs.setdefault("label", _("NIK"))
        kwargs.setdefault("help_text", _("16-digit identity number (Nomor Induk Kependudukan)."))
        super().__init__(**kwargs)
        self.known = known
        self.info: NIKInfo | None = None
        self.warnings: tuple[str, ...] = ()

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return clean_nik(value) if isinstance(value, str) else value

    def validate(self, value: Any) -> None:
        self.info, self.warnings = None, ()
        super().validate(value)
        if value in self.empty_values:
            return
        self.info = parse_nik(value, known=self.known)
        self.warnings = self.info.warnings

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update(_NUMERIC_ATTRS)
        return attrs


class NIPFormField(forms.CharField):
    """A civil-servant NIP (18 digits), checked by :func:`melayani.core.identifiers.parse_nip`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", _IDENTIFIER_INPUT_LENGTH)
        kwargs.setdefault("label", _("NIP"))
        kwargs.setdefault("help_text", _("18-digit civil-servant number (Nomor Induk Pegawai)."))
        super().__init__(**kwargs)
        self.info: NIP | None = None

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return clean_nip(value) if isinstance(value, str) else value

    def validate(self, value: Any) -> None:
        self.info = None
        super().validate(value)
        if value not in self.empty_values:
            self.info = parse_nip(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update(_NUMERIC_ATTRS)
        return attrs


class TelInput(forms.TextInput):
    input_type = "tel"


class PhoneFormField(forms.CharField):
    """A phone number, Indonesian unless it starts with ``+``; cleaned to E.164 (``+62812…``)."""

    widget = TelInput

    def __init__(self, *, region: str = "ID", **kwargs: Any) -> None:
        kwargs.setdefault("max_length", _PHONE_INPUT_LENGTH)
        kwargs.setdefault("label", _("Phone number"))
        super().__init__(**kwargs)
        self.region = region

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return normalize_phone(value, region=self.region)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        return attrs


def normalize_phone(raw: str, *, region: str = "ID") -> str:
    """``0812-3456-7890`` → ``+6281234567890``; raises ``ValidationError`` (``phone_invalid``)."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "Enter a valid phone number, e.g. 0812 3456 7890, or with the country code "
                "+62 812 3456 7890."
            ),
            code="phone_invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_NUMERIC_ATTRS = {
    "autocomplete": "off",
    "inputmode": "numeric",
    "spellcheck": "false",
    "autocapitalize": "off",
}
