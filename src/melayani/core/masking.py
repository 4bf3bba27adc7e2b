"""Masking personal data for display and logs (UU PDP: show only what a role needs).

Pure functions, no Django state. Each one accepts any string, never raises on odd input and never
returns more of the value than its rule allows; a value that does not look like its kind is masked
completely rather than guessed at.

========  ===============================  ============================
kind      rule                             example
========  ===============================  ============================
nik       first 4 and last 4 digits        ``9301********0003``
phone     country code and last 3 digits   ``+62********789``
email     first letter and the domain      ``b***@example.go.id``
name      first letter of each word        ``B*** S***``
========  ===============================  ============================

The star counts for e-mail and names are fixed, so the mask does not reveal their length.
"""

from __future__ import annotations

import enum
import re

import phonenumbers

_NIK_SEPARATORS = re.compile(r"[\s.\-]")
_NON_DIGITS = re.compile(r"\D")
_STARS = "***"
# A phone number keeps this many trailing digits (design).
PHONE_VISIBLE_DIGITS = 3


class MaskKind(enum.StrEnum):
    NIK = "nik"
    PHONE = "phone"
    EMAIL = "email"
    NAME = "name"


def mask_nik(value: str) -> str:
    """``9301011708900003`` (separators allowed) → ``9301********0003``.

    Anything that is not 16 ASCII digits after removing separators is masked completely.
    """
    digits = _NIK_SEPARATORS.sub("", value or "")
    if len(digits) == 16 and digits.isascii() and digits.isdigit():
        return f"{digits[:4]}{'*' * 8}{digits[12:]}"
    return "*" * len(digits)


def mask_phone(value: str, *, region: str = "ID") -> str:
    """``0812-3456-7789`` → ``+62********789``: the country code and the last 3 digits.

    A number that ``phonenumbers`` cannot parse keeps only its last 3 digits (``*******789``), and
    one with fewer than 7 digits is masked completely.
    """
    raw = value or ""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and number.national_number:
        national = str(number.national_number)
        if len(national) > PHONE_VISIBLE_DIGITS * 2:
            hidden = len(national) - PHONE_VISIBLE_DIGITS
            return f"+{number.country_code}{'*' * hidden}{national[-PHONE_VISIBLE_DIGITS:]}"
    digits = _NON_DIGITS.sub("", raw)
    if len(digits) > PHONE_VISIBLE_DIGITS * 2:
        hidden = len(digits) - PHONE_VISIBLE_DIGITS
        return f"{'*' * hidden}{digits[-PHONE_VISIBLE_DIGITS:]}"
    return "*" * len(digits)


def mask_email(value: str) -> str:
    """``budi.santoso@example.go.id`` → ``b***@example.go.id``; not an address → ``***``."""
    local, at, domain = (value or "").strip().rpartition("@")
    if not at or not local or not domain:
        return _STARS
    # A one-letter local part would be revealed whole by its first letter.
    first = local[0] if len(local) > 1 else ""
    return f"{first}{_STARS}@{domain}"


def mask_name(value: str) -> str:
    """``Budi Santoso`` → ``B*** S***``: the first letter of each word."""
    return " ".join(f"{word[0]}{_STARS}" for word in (value or "").split())


_MASKERS = {
    MaskKind.NIK: mask_nik,
    MaskKind.PHONE: mask_phone,
    MaskKind.EMAIL: mask_email,
    MaskKind.NAME: mask_name,
}


def mask(value: str | None, kind: MaskKind | str) -> str:
    """Mask ``value`` by ``kind`` (``"nik"``, ``"phone"``, ``"email"`` or ``"name"``).

    ``None`` and the empty string give ``""``; an unknown kind raises ``ValueError``.
    """
    masker = _MASKERS[MaskKind(kind)]
    if not value:
        return ""
    return masker(value)
