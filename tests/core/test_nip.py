"""NIP (civil-servant number) validation in :mod:`melayani.core.identifiers`."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from melayani.core.identifiers import clean_nip, parse_nip, validate_nip


def error_code(raw: str) -> str | None:
    with pytest.raises(ValidationError) as excinfo:
        parse_nip(raw)
    return excinfo.value.code


def test_a_valid_nip_is_parsed() -> None:
    nip = parse_nip("199008172015031001")
    assert nip.value == "199008172015031001"
    assert nip.birth_date == datetime.date(1990, 8, 17)
    assert nip.appointed == (2015, 3)
    assert nip.sex == "M"
    assert nip.serial == "001"


def test_sex_digit_2_is_a_woman() -> None:
    assert parse_nip("199008172015032001").sex == "F"


@pytest.mark.parametrize(
    "raw", ["19900817 201503 1 001", "19900817.201503.1.001", "19900817-201503-1-001"]
)
def test_separators_are_removed(raw: str) -> None:
    assert clean_nip(raw) == "199008172015031001"
    assert parse_nip(raw).value == "199008172015031001"


@pytest.mark.parametrize(
    "raw",
    [
        "19900817201503100",  # 17 digits
        "1990081720150310011",  # 19 digits
        "",
        "19900817201503100a",
        "١٩٩٠٠٨١٧٢٠١٥٠٣١٠٠١",  # Arabic-Indic digits
    ],
)
def test_bad_format(raw: str) -> None:
    assert error_code(raw) == "nip_format"


@pytest.mark.parametrize(
    "raw",
    [
        "199002302015031001",  # 30 February
        "199013012015031001",  # month 13
        "000001012015011001",  # year 0
        "189912312015031001",  # before 1900
    ],
)
def test_impossible_birth_dates(raw: str) -> None:
    assert error_code(raw) == "nip_birth_date"


@pytest.mark.parametrize(
    "raw",
    [
        "199008172015001001",  # month 00
        "199008172015131001",  # month 13
        "199008172007031001",  # appointed at 16
        "199008179999031001",  # appointed in the future
    ],
)
def test_implausible_appointments(raw: str) -> None:
    assert error_code(raw) == "nip_appointment"


def test_appointment_at_18_is_accepted() -> None:
    assert parse_nip("199008172008011001").appointed == (2008, 1)


@pytest.mark.parametrize("digit", ["0", "3", "9"])
def test_sex_digit_must_be_1_or_2(digit: str) -> None:
    assert error_code(f"19900817201503{digit}001") == "nip_sex"


def test_serial_000_is_invalid() -> None:
    assert error_code("199008172015031000") == "nip_serial"


def test_a_birth_date_in_the_future_is_reported_as_such() -> None:
    next_year = datetime.date.today().year + 1
    assert error_code(f"{next_year}0101{next_year + 20}011001") == "nip_birth_date"


def test_validate_nip_ignores_empty_values_and_raises_otherwise() -> None:
    validate_nip("")
    with pytest.raises(ValidationError):
        validate_nip("123")


@given(
    birth=st.dates(datetime.date(1940, 1, 1), datetime.date(2000, 12, 31)),
    age=st.integers(18, 40),
    month=st.integers(1, 12),
    sex=st.sampled_from("12"),
    serial=st.integers(1, 999),
)
def test_any_plausible_nip_parses(
    birth: datetime.date, age: int, month: int, sex: str, serial: int
) -> None:
    year = birth.year + age
    if (year, month) > (datetime.date.today().year, datetime.date.today().month):
        return
    raw = f"{birth:%Y%m%d}{year:04d}{month:02d}{sex}{serial:03d}"
    nip = parse_nip(raw)
    assert (nip.birth_date, nip.appointed, nip.sex, nip.serial) == (
        birth,
        (year, month),
        "M" if sex == "1" else "F",
        f"{serial:03d}",
    )


@given(st.text(max_size=25))
def test_any_text_parses_or_raises_a_validation_error(raw: str) -> None:
    try:
        parse_nip(raw)
    except ValidationError as exc:
        assert str(exc.code).startswith("nip_")
