"""Form fields for NIK, NIP and phone numbers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django import forms

from melayani.core.formfields import NIKFormField, NIPFormField, PhoneFormField, normalize_phone


@dataclass(frozen=True)
class Codes:
    provinces: frozenset[str] = frozenset({"93"})
    regencies: frozenset[str] = frozenset({"93.01"})
    districts: frozenset[str] = frozenset({"93.01.01"})


class CitizenForm(forms.Form):
    nik = NIKFormField(known=Codes())
    nip = NIPFormField(required=False)
    phone = PhoneFormField(required=False)


def test_nik_is_normalised_and_its_info_kept() -> None:
    form = CitizenForm(data={"nik": "9301 0117 0890 0003"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["nik"] == "9301011708900003"
    field = form.fields["nik"]
    assert isinstance(field, NIKFormField)
    assert field.info is not None
    assert field.info.regency_code == "93.01"
    assert field.warnings == ()


def test_nik_warnings_do_not_refuse_the_form() -> None:
    form = CitizenForm(data={"nik": "9399011708900003"})
    assert form.is_valid(), form.errors
    field = form.fields["nik"]
    assert isinstance(field, NIKFormField)
    assert len(field.warnings) == 1
    assert "93.99" in field.warnings[0]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("930101170890003", "nik_format"),
        ("9901011708900003", "nik_province"),
        ("9301013213900003", "nik_birth_date"),
        ("9301011708900000", "nik_serial"),
        ("", "required"),
    ],
)
def test_nik_errors_carry_the_validator_codes(raw: str, code: str) -> None:
    form = CitizenForm(data={"nik": raw})
    assert not form.is_valid()
    assert form.errors.as_data()["nik"][0].code == code


def test_each_form_has_its_own_nik_info() -> None:
    first = CitizenForm(data={"nik": "9301011708900003"})
    second = CitizenForm(data={"nik": "9301015708900004"})
    assert first.is_valid() and second.is_valid()
    first_field, second_field = first.fields["nik"], second.fields["nik"]
    assert isinstance(first_field, NIKFormField) and isinstance(second_field, NIKFormField)
    assert first_field.info is not None and second_field.info is not None
    assert (first_field.info.sex, second_field.info.sex) == ("M", "F")


def test_nik_widget_is_numeric_without_autocomplete() -> None:
    html = str(CitizenForm()["nik"])
    assert 'autocomplete="off"' in html
    assert 'inputmode="numeric"' in html
    assert 'type="text"' in html


def test_nip_is_normalised_and_checked() -> None:
    form = CitizenForm(data={"nik": "9301011708900003", "nip": "19900817 201503 1 001"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["nip"] == "199008172015031001"
    field = form.fields["nip"]
    assert isinstance(field, NIPFormField)
    assert field.info is not None
    assert field.info.sex == "M"


def test_nip_error_is_the_validator_message() -> None:
    form = CitizenForm(data={"nik": "9301011708900003", "nip": "19900817201503300"})
    assert not form.is_valid()
    assert form.errors.as_data()["nip"][0].code == "nip_format"
    assert 'inputmode="numeric"' in str(form["nip"])


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0812-3456-7789", "+6281234567789"),
        ("+62 812 3456 7789", "+6281234567789"),
        ("62 812 3456 7789", "+6281234567789"),
        ("(021) 555-1234", "+62215551234"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_phone_is_normalised_to_e164(raw: str, e164: str) -> None:
    assert normalize_phone(raw) == e164
    form = CitizenForm(data={"nik": "9301011708900003", "phone": raw})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == e164


@pytest.mark.parametrize("raw", ["12345", "0812", "not a phone", "+62 000 0000 0000"])
def test_invalid_phone_has_a_clear_message(raw: str) -> None:
    form = CitizenForm(data={"nik": "9301011708900003", "phone": raw})
    assert not form.is_valid()
    (error,) = form.errors.as_data()["phone"]
    assert error.code == "phone_invalid"
    assert "0812" in error.messages[0]


def test_empty_optional_fields_stay_empty() -> None:
    form = CitizenForm(data={"nik": "9301011708900003", "nip": "", "phone": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["nip"] == ""
    assert form.cleaned_data["phone"] == ""


def test_phone_widget_is_a_telephone_input() -> None:
    html = str(CitizenForm()["phone"])
    assert 'type="tel"' in html
    assert 'autocomplete="tel"' in html
