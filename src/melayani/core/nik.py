"""NIK (Nomor Induk Kependudukan): our own validator (domain notes, PEOPLE_AND_PLACES.md §1).

A NIK is 16 digits ``PPKKCC DDMMYY SSSS``: province, kabupaten/kota and kecamatan codes where it
was first registered, the birth date (women: day + 40) and a serial from 0001. It has no check
digit, so validation tests format and plausibility only:

1. spaces, ``-`` and ``.`` are removed; exactly 16 ASCII digits remain (``nik_format``);
2. the province must exist in the union of all loaded region versions (``nik_province``); an
   unknown kabupaten/kota or kecamatan is only a *warning* (older codes may predate the data);
3. day 01–31 or 41–71, month 01–12, and the date must exist in 19YY or 20YY
   (``nik_birth_date``). **Century rule (design):** the latest of 19YY and 20YY in which the date
   exists and is not after today (Asia/Jakarta), so ``170890`` is 1990 and ``010120`` is 2020;
   a date that exists only in the future is rejected;
4. serial ``0000`` is invalid (``nik_serial``).

Region codes are the Kemendagri codes valid when the NIK was issued (``9101…`` is Merauke before
the 2022 split), so a NIK never says where a person lives now. The birth date and sex it carries
are personal data: :class:`NIKInfo` computes them on demand; never store them separately.
Python-stdnum's NIK module is not used: its province table would reject residents of Kalimantan
Utara and most of Papua.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Literal, Protocol

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from melayani.core.masking import mask_nik

__all__ = [
    "NIKInfo",
    "RegionCodes",
    "clean_nik",
    "mask_nik",
    "parse_nik",
    "validate_nik",
]

_SEPARATORS = re.compile(r"[\s.\-]")
NIK_LENGTH = 16
FEMALE_DAY_OFFSET = 40


class RegionCodes(Protocol):
    """Known Kemendagri codes with dots (``"93"``, ``"93.01"``, ``"93.01.01"``), all versions.

    :func:`melayani.regions.selectors.region_codes_all_versions` returns one; tests may pass any
    object with these three attributes.
    """

    @property
    def provinces(self) -> frozenset[str]: ...

    @property
    def regencies(self) -> frozenset[str]: ...

    @property
    def districts(self) -> frozenset[str]: ...


@dataclass(frozen=True)
class NIKInfo:
    """A valid NIK and what it says. ``warnings`` are messages to show, not errors."""

    value: str
    province_code: str  # "93"
    regency_code: str  # "93.01"
    district_code: str  # "93.01.01"
    birth_date: datetime.date
    sex: Literal["M", "F"]
    serial: str
    warnings: tuple[str, ...] = ()

    @property
    def masked(self) -> str:
        return mask_nik(self.value)


def clean_nik(raw: str | None) -> str:
    """Remove whitespace, ``-`` and ``.``; nothing else is changed."""
    return _SEPARATORS.sub("", raw or "")


def parse_nik(
    raw: str | None,
    *,
    known: RegionCodes | None = None,
    today: datetime.date | None = None,
) -> NIKInfo:
    """Validate a NIK and say what it encodes.

    Raises ``ValidationError`` with code ``nik_format``, ``nik_province``, ``nik_birth_date`` or
    ``nik_serial``. ``known`` defaults to the region codes of every loaded version; ``today``
    (default: today in the current time zone) decides the century of the birth year.
    """
    value = clean_nik(raw)
    if not all("0" <= char <= "9" for char in value):
        raise ValidationError(
            _("A NIK contains only the digits 0–9 (spaces, dots and dashes are ignored)."),
            code="nik_format",
        )
    if len(value) != NIK_LENGTH:
        raise ValidationError(
            _("A NIK has exactly 16 digits; this one has %(count)d."),
            code="nik_format",
            params={"count": len(value)},
        )

    codes = known if known is not None else _loaded_region_codes()
    province = value[0:2]
    regency = f"{province}.{value[2:4]}"
    district = f"{regency}.{value[4:6]}"
    if province not in codes.provinces:
        raise ValidationError(
            _("The first two digits of a NIK are a province code; %(code)s is not one."),
            code="nik_province",
            params={"code": province},
        )

    birth_date, sex = _birth_date_and_sex(value[6:12], today or timezone.localdate())

    serial = value[12:16]
    if serial == "0000":
        raise ValidationError(
            _("The last four digits of a NIK are a serial number starting at 0001."),
            code="nik_serial",
        )

    warnings: list[str] = []
    if regency not in codes.regencies:
        warnings.append(
            gettext(
                "Digits 3–4 of this NIK give kabupaten/kota code %(code)s, which is not in the "
                "region list. Check the number; very old codes may be missing from the list."
            )
            % {"code": regency}
        )
    elif district not in codes.districts:
        warnings.append(
            gettext(
                "Digits 5–6 of this NIK give kecamatan code %(code)s, which is not in the region "
                "list. Check the number; very old codes may be missing from the list."
            )
            % {"code": district}
        )
    return NIKInfo(
        value=value,
        province_code=province,
        regency_code=regency,
        district_code=district,
        birth_date=birth_date,
        sex=sex,
        serial=serial,
        warnings=tuple(warnings),
    )


def validate_nik(raw: str | None) -> None:
    """Django validator for model and form fields; warnings are ignored here."""
    if raw:
        parse_nik(raw)


def _birth_date_and_sex(
    ddmmyy: str, today: datetime.date
) -> tuple[datetime.date, Literal["M", "F"]]:
    day, month, yy = int(ddmmyy[0:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    sex: Literal["M", "F"] = "M"
    if day > FEMALE_DAY_OFFSET:
        day -= FEMALE_DAY_OFFSET
        sex = "F"
    if not 1 <= day <= 31:
        raise ValidationError(
            _(
                "Digits 7–8 of a NIK are the day of birth: 01–31, or 41–71 for women (day + 40); "
                "%(digits)s is neither."
            ),
            code="nik_birth_date",
            params={"digits": ddmmyy[0:2]},
        )
    if not 1 <= month <= 12:
        raise ValidationError(
            _("Digits 9–10 of a NIK are the month of birth (01–12); %(digits)s is not a month."),
            code="nik_birth_date",
            params={"digits": ddmmyy[2:4]},
        )
    candidates = []
    for century in (2000, 1900):
        try:
            candidates.append(datetime.date(century + yy, month, day))
        except ValueError:
            continue
    if not candidates:
        raise ValidationError(
            _("Digits 7–12 of a NIK are the birth date (DDMMYY); this date does not exist."),
            code="nik_birth_date",
        )
    past = [date for date in candidates if date <= today]
    if not past:
        raise ValidationError(
            _("Digits 7–12 of a NIK are the birth date (DDMMYY); this date is in the future."),
            code="nik_birth_date",
        )
    return past[0], sex


def _loaded_region_codes() -> RegionCodes:
    from melayani.regions.selectors import region_codes_all_versions

    codes: RegionCodes = region_codes_all_versions()
    if not codes.provinces:
        raise ImproperlyConfigured(
            "No region codes are loaded, so no NIK can be checked; load the region data first."
        )
    return codes
