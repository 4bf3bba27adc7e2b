"""NIK validation (PEOPLE_AND_PLACES.md §1): format, region codes, birth date, serial, masking."""

from __future__ import annotations

import csv
import datetime
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from melayani.core.nik import NIKInfo, clean_nik, mask_nik, parse_nik, validate_nik
from melayani.regions.selectors import region_cache_clear
from melayani.regions.services import regions_load

WILAYAH_DIR = Path("/work/shared/data/wilayah")
VERSIONS = (2019, 2022, 2025)
TODAY = datetime.date(2025, 6, 1)


@dataclass(frozen=True)
class Codes:
    provinces: frozenset[str]
    regencies: frozenset[str]
    districts: frozenset[str]


def _rows(year: int) -> list[dict[str, str]]:
    with (WILAYAH_DIR / f"wilayah_{year}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@functools.cache
def csv_codes(*years: int) -> Codes:
    by_level: dict[str, set[str]] = {"1": set(), "2": set(), "3": set()}
    for year in years:
        for row in _rows(year):
            if row["level"] in by_level:
                by_level[row["level"]].add(row["code"])
    return Codes(*(frozenset(by_level[level]) for level in ("1", "2", "3")))


ALL = csv_codes(*VERSIONS)
SMALL = Codes(
    provinces=frozenset({"32", "91", "93"}),
    regencies=frozenset({"32.01", "91.01", "93.01"}),
    districts=frozenset({"32.01.01", "91.01.01", "93.01.01"}),
)


def nik(region: str = "320101", ddmmyy: str = "170890", serial: str = "0001") -> str:
    return f"{region}{ddmmyy}{serial}"


def parse(raw: str, known: Codes = SMALL) -> NIKInfo:
    return parse_nik(raw, known=known, today=TODAY)


def error_code(raw: str, known: Codes = SMALL) -> str | None:
    with pytest.raises(ValidationError) as excinfo:
        parse(raw, known)
    return excinfo.value.code


# --- Region codes ---------------------------------------------------------------------------


def _first_district(province: str) -> str:
    return min(code for code in ALL.districts if code.startswith(f"{province}."))


CURRENT_PROVINCES = sorted(row["code"] for row in _rows(2025) if row["level"] == "1")


def test_the_2025_file_has_38_provinces() -> None:
    assert len(CURRENT_PROVINCES) == 38


@pytest.mark.parametrize("province", CURRENT_PROVINCES)
def test_every_current_province_is_accepted(province: str) -> None:
    district = _first_district(province)
    info = parse(nik(district.replace(".", "")), ALL)
    assert info.province_code == province
    assert info.district_code == district
    assert info.warnings == ()


@pytest.mark.parametrize(
    ("raw", "regency"),
    [
        ("9101011708900001", "91.01"),  # Merauke before the 2022 split (now 93.01)
        ("9201011708900001", "92.01"),  # Kab. Sorong under the old Papua Barat code (now 96.01)
    ],
)
def test_retired_codes_are_accepted_without_warning(raw: str, regency: str) -> None:
    info = parse(raw, ALL)
    assert info.regency_code == regency
    assert info.warnings == ()


@pytest.mark.parametrize(
    ("raw", "regency"),
    [
        ("3218011708900001", "32.18"),  # Kab. Pangandaran
        ("6501011708900001", "65.01"),  # Bulungan, Kalimantan Utara (python-stdnum rejects it)
        ("9103011708900001", "91.03"),  # Kab. Jayapura, Papua
        ("9201011708900001", "92.01"),  # old Kab. Sorong
        ("9301011708900001", "93.01"),  # Merauke, Papua Selatan
        ("9401011708900001", "94.01"),  # Nabire, Papua Tengah
        ("9501011708900001", "95.01"),  # Jayawijaya, Papua Pegunungan
        ("9601011708900001", "96.01"),  # Sorong, Papua Barat Daya
    ],
)
def test_synthetic_examples_from_the_domain_notes(raw: str, regency: str) -> None:
    info = parse(raw, ALL)
    assert info.value == raw
    assert info.regency_code == regency
    assert info.birth_date == datetime.date(1990, 8, 17)
    assert info.sex == "M"
    assert info.serial == "0001"
    assert info.warnings == ()


@pytest.mark.parametrize("province", ["99", "00", "20"])
def test_unknown_province_is_rejected(province: str) -> None:
    assert error_code(nik(f"{province}0101"), ALL) == "nik_province"


def test_province_error_names_the_code_but_not_the_nik() -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse("9901011708900001", ALL)
    (message,) = excinfo.value.messages
    assert "99" in message
    assert "9901011708900001" not in message


def test_unknown_regency_is_valid_with_a_warning() -> None:
    info = parse(nik("329901"), ALL)
    assert info.regency_code == "32.99"
    assert len(info.warnings) == 1
    assert "32.99" in info.warnings[0]


def test_unknown_district_is_valid_with_a_warning() -> None:
    info = parse(nik("320199"), ALL)
    assert info.district_code == "32.01.99"
    assert len(info.warnings) == 1
    assert "32.01.99" in info.warnings[0]


def test_unknown_regency_gives_one_warning_not_two() -> None:
    assert len(parse(nik("329999"), SMALL).warnings) == 1


# --- Format ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "3201 0117 0890 0001",
        "32.01.01.170890.0001",
        "3201-0117-0890-0001",
        " 3201011708900001 ",
        "3201\u00a0011708900001",  # a non-breaking space pasted from a document
    ],
)
def test_separators_are_removed(raw: str) -> None:
    assert parse(raw).value == "3201011708900001"
    assert clean_nik(raw) == "3201011708900001"


@pytest.mark.parametrize(
    "raw",
    [
        "320101170890001",  # 15 digits
        "32010117089000011",  # 17 digits
        "",
        "32010117O8900001",  # letter O for zero
        "32010117089000a1",
        "٣٢٠١٠١١٧٠٨٩٠٠٠٠١",  # Arabic-Indic digits
        "3201011708900٠01",
        "３２０１０１１７０８９０００１",  # full-width digits
        "3201/0117/0890/0001",
        "+320101170890001",
    ],
)
def test_bad_format_is_rejected(raw: str) -> None:
    assert error_code(raw) == "nik_format"


def test_length_error_says_how_many_digits() -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse("320101170890001")
    assert "15" in excinfo.value.messages[0]


def test_empty_input_is_a_length_error() -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse("")
    assert excinfo.value.code == "nik_format"
    assert "16 digits" in excinfo.value.messages[0]


def test_none_is_a_format_error() -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_nik(None, known=SMALL)
    assert excinfo.value.code == "nik_format"


# --- Birth date and sex ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ddmmyy", "birth_date", "sex"),
    [
        ("170890", datetime.date(1990, 8, 17), "M"),
        ("570890", datetime.date(1990, 8, 17), "F"),
        ("410190", datetime.date(1990, 1, 1), "F"),
        ("711290", datetime.date(1990, 12, 31), "F"),
        ("010101", datetime.date(2001, 1, 1), "M"),
        ("310100", datetime.date(2000, 1, 31), "M"),
        ("290200", datetime.date(2000, 2, 29), "M"),  # 2000 is a leap year
        ("690296", datetime.date(1996, 2, 29), "F"),
        ("300725", datetime.date(1925, 7, 30), "M"),  # 2025-07-30 is after TODAY
    ],
)
def test_birth_date_and_sex(ddmmyy: str, birth_date: datetime.date, sex: str) -> None:
    info = parse(nik(ddmmyy=ddmmyy))
    assert info.birth_date == birth_date
    assert info.sex == sex


@pytest.mark.parametrize(
    ("ddmmyy", "expected"),
    [
        ("010625", datetime.date(2025, 6, 1)),  # today: 20YY
        ("020625", datetime.date(1925, 6, 2)),  # tomorrow in 20YY: the latest past one is 19YY
        ("311224", datetime.date(2024, 12, 31)),
        ("010126", datetime.date(1926, 1, 1)),
        ("010199", datetime.date(1999, 1, 1)),
    ],
)
def test_century_is_the_latest_year_not_in_the_future(ddmmyy: str, expected: datetime.date) -> None:
    assert parse(nik(ddmmyy=ddmmyy)).birth_date == expected


def test_century_follows_today() -> None:
    raw = nik(ddmmyy="010130")
    assert parse_nik(raw, known=SMALL, today=datetime.date(2029, 12, 31)).birth_date.year == 1930
    assert parse_nik(raw, known=SMALL, today=datetime.date(2030, 1, 1)).birth_date.year == 2030


def test_default_today_is_used_without_error() -> None:
    assert parse_nik(nik(), known=SMALL).birth_date == datetime.date(1990, 8, 17)


@pytest.mark.parametrize(
    "ddmmyy",
    [
        "000190",  # day 00
        "320190",  # day 32
        "400190",  # day 40 (woman's day 0)
        "720190",  # day 72 (woman's day 32)
        "990190",
        "170090",  # month 00
        "171390",  # month 13
        "300290",  # 30 February
        "700290",  # 30 February, woman
        "310490",  # 31 April
        "290201",  # 29 February in 1901 and 2001
        "290290",
    ],
)
def test_impossible_birth_dates_are_rejected(ddmmyy: str) -> None:
    assert error_code(nik(ddmmyy=ddmmyy)) == "nik_birth_date"


def test_birth_date_error_is_specific() -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse(nik(ddmmyy="171390"))
    assert "13" in excinfo.value.messages[0]
    assert "month" in excinfo.value.messages[0]


# --- Serial ----------------------------------------------------------------------------------


def test_serial_0000_is_rejected() -> None:
    assert error_code(nik(serial="0000")) == "nik_serial"


@pytest.mark.parametrize("serial", ["0001", "0003", "9999"])
def test_other_serials_are_accepted(serial: str) -> None:
    assert parse(nik(serial=serial)).serial == serial


# --- Order of checks -------------------------------------------------------------------------


def test_province_is_checked_before_the_date() -> None:
    assert error_code("9901019990000000") == "nik_province"


def test_date_is_checked_before_the_serial() -> None:
    assert error_code(nik(ddmmyy="320190", serial="0000")) == "nik_birth_date"


# --- Masking ---------------------------------------------------------------------------------


def test_mask_nik_keeps_first_and_last_four_digits() -> None:
    assert mask_nik("9301011708900003") == "9301********0003"
    assert mask_nik("93.01.01.170890.0003") == "9301********0003"
    assert parse("9301011708900003").masked == "9301********0003"


@pytest.mark.parametrize("raw", ["", "123", "93010117089000031", "93010117089O0003"])
def test_mask_nik_hides_everything_that_is_not_a_nik(raw: str) -> None:
    assert set(mask_nik(raw)) <= {"*"}


# --- Properties ------------------------------------------------------------------------------


@st.composite
def valid_niks(draw: st.DrawFn) -> tuple[str, str, datetime.date, str, str]:
    district = draw(st.sampled_from(sorted(SMALL.districts)))
    # Within the last 100 years the century rule gives back the year exactly.
    birth = draw(st.dates(datetime.date(TODAY.year - 99, 1, 1), TODAY))
    sex = draw(st.sampled_from(["M", "F"]))
    serial = f"{draw(st.integers(1, 9999)):04d}"
    day = birth.day + (40 if sex == "F" else 0)
    raw = f"{district.replace('.', '')}{day:02d}{birth:%m%y}{serial}"
    return raw, district, birth, sex, serial


@given(valid_niks())
def test_any_valid_nik_parses(case: tuple[str, str, datetime.date, str, str]) -> None:
    raw, district, birth, sex, serial = case
    info = parse(raw)
    assert (info.value, info.district_code, info.birth_date, info.sex, info.serial) == (
        raw,
        district,
        birth,
        sex,
        serial,
    )
    assert info.warnings == ()


@given(st.text(max_size=30))
def test_any_text_either_parses_or_raises_a_validation_error(raw: str) -> None:
    try:
        info = parse(raw)
    except ValidationError as exc:
        assert exc.code in {"nik_format", "nik_province", "nik_birth_date", "nik_serial"}
    else:
        assert len(info.value) == 16


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_mask_never_reveals_the_middle_digits(digits: str) -> None:
    masked = mask_nik(digits)
    assert masked == f"{digits[:4]}********{digits[12:]}"


@given(st.text(alphabet=st.sampled_from("0123456789 .-x٣"), max_size=30))
def test_mask_shows_at_most_the_first_and_last_four_digits(raw: str) -> None:
    digits = clean_nik(raw)
    masked = mask_nik(raw)
    shown = masked.replace("*", "")
    assert shown in {"", digits[:4] + digits[12:]}
    assert "*" * 8 in masked or not shown


# --- With the loaded region data ---------------------------------------------------------------


@pytest.fixture
def no_cached_regions() -> Iterator[None]:
    # The selector caches in-process; the rows of each test are rolled back.
    region_cache_clear()
    yield
    region_cache_clear()


@pytest.fixture
def loaded_regions(db: None, no_cached_regions: None) -> None:
    regions_load(max_level=3)


@pytest.mark.usefixtures("loaded_regions")
@pytest.mark.parametrize(
    "raw",
    ["9101011708900001", "9201011708900001", "6501011708900001", "9601011708900001"],
)
def test_loaded_regions_accept_current_and_retired_codes(raw: str) -> None:
    info = parse_nik(raw)
    assert info.warnings == ()
    validate_nik(raw)


@pytest.mark.usefixtures("loaded_regions")
def test_loaded_regions_know_all_38_provinces() -> None:
    for province in CURRENT_PROVINCES:
        parse_nik(nik(_first_district(province).replace(".", "")))


@pytest.mark.usefixtures("loaded_regions")
def test_loaded_regions_reject_an_unknown_province_and_warn_on_a_regency() -> None:
    with pytest.raises(ValidationError) as excinfo:
        validate_nik("9901011708900001")
    assert excinfo.value.code == "nik_province"
    assert parse_nik("3299011708900001").warnings


def test_without_region_data_the_configuration_error_is_clear(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    empty = Codes(frozenset(), frozenset(), frozenset())
    monkeypatch.setattr("melayani.regions.selectors.region_codes_all_versions", lambda: empty)
    with pytest.raises(ImproperlyConfigured, match="region"):
        parse_nik("3201011708900001")


def test_validate_nik_ignores_empty_values() -> None:
    validate_nik("")
    validate_nik(None)
