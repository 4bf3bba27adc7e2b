"""Civil-servant identifiers: NIP (Nomor Induk Pegawai).

An 18-digit NIP reads ``YYYYMMDD`` (birth date) ``YYYYMM`` (appointment month) ``S`` (sex: 1 man,
2 woman) ``NNN`` (serial). There is no check digit, so validation tests format and plausibility.
NIK (the citizen's identity number) lives in :mod:`melayani.core.nik`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s.\-]")
# Youngest plausible age at appointment as a civil servant (design; PNS are appointed from 18).
MIN_APPOINTMENT_AGE = 18


@dataclass(frozen=True)
class NIP:
    value: str
    birth_date: datetime.date
    appointed: tuple[int, int]
    sex: str  # "M" or "F"
    serial: str


def clean_nip(raw: str) -> str:
    return _SEPARATORS.sub("", raw or "")


def parse_nip(raw: str) -> NIP:
    """Parse and validate a NIP, raising ``ValidationError`` with a message saying what is wrong."""
    value = clean_nip(raw)
    if len(value) != 18 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("A NIP has exactly 18 digits."), code="nip_format")
    try:
        birth = datetime.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise ValidationError(
            _("The first 8 digits of a NIP are a birth date (YYYYMMDD); this date does not exist."),
            code="nip_birth_date",
        ) from None
    if birth.year < 1900 or birth > datetime.date.today():
        raise ValidationError(
            _("The birth date in this NIP is not plausible."), code="nip_birth_date"
        )
    year, month = int(value[8:12]), int(value[12:14])
    if not 1 <= month <= 12:
        raise ValidationError(
            _("Digits 9–14 of a NIP are the appointment year and month (YYYYMM)."),
            code="nip_appointment",
        )
    if year < birth.year + MIN_APPOINTMENT_AGE or (year, month) > _this_month():
        raise ValidationError(
            _("The appointment month in this NIP is not plausible for its birth date."),
            code="nip_appointment",
        )
    sex_digit = value[14]
    if sex_digit not in "12":
        raise ValidationError(_("Digit 15 of a NIP is the sex code: 1 or 2."), code="nip_sex")
    if value[15:] == "000":
        raise ValidationError(_("The serial of a NIP starts at 001."), code="nip_serial")
    return NIP(
        value=value,
        birth_date=birth,
        appointed=(year, month),
        sex="M" if sex_digit == "1" else "F",
        serial=value[15:],
    )


def _this_month() -> tuple[int, int]:
    today = datetime.date.today()
    return today.year, today.month


def validate_nip(raw: str) -> None:
    """Django validator for model and form fields."""
    if raw:
        parse_nip(raw)
