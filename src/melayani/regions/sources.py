"""Reading the shipped region files into plain records (no database access).

The files in ``data/`` come from the MIT-licensed ``cahyadsn/wilayah`` dataset (see
``data/README.md``). One file per code version; a code's validity is the run of versions it appears
in. Parsed records are cached in-process because tests load levels 1–3 many times.
"""

from __future__ import annotations

import csv
import datetime
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class VersionSpec:
    year: int
    legal_basis: str
    # None where the date could not be verified (2019: Permendagri 72/2019, date not checked).
    decree_date: datetime.date | None
    filename: str


VERSIONS: tuple[VersionSpec, ...] = (
    VersionSpec(2019, "Permendagri 72/2019", None, "wilayah_2019.csv"),
    VersionSpec(
        2022, "Kepmendagri 100.1.1-6117/2022", datetime.date(2022, 11, 9), "wilayah_2022.csv"
    ),
    VersionSpec(
        2025, "Kepmendagri 300.2.2-2138/2025", datetime.date(2025, 4, 25), "wilayah_2025.csv"
    ),
)
LATEST_YEAR = VERSIONS[-1].year
POPULATION_FILENAME = "population_2025.csv"
SUCCESSION_FILENAME = "succession.csv"

# The six administrative units of DKI Jakarta: regions, but not autonomous Pemda.
JAKARTA_ADMINISTRATIVE_UNITS = frozenset({"31.01", "31.71", "31.72", "31.73", "31.74", "31.75"})

ZONE_WIB = "Asia/Jakarta"
ZONE_WIB_PONTIANAK = "Asia/Pontianak"
ZONE_WITA = "Asia/Makassar"
ZONE_WIT = "Asia/Jayapura"

# Province code → IANA zone (data README and PEOPLE_AND_PLACES.md §3.4).
PROVINCE_TIME_ZONES: dict[str, str] = {
    **dict.fromkeys(("11", "12", "13", "14", "15", "16", "17", "18", "19", "21"), ZONE_WIB),
    **dict.fromkeys(("31", "32", "33", "34", "35", "36"), ZONE_WIB),
    **dict.fromkeys(("61", "62"), ZONE_WIB_PONTIANAK),
    **dict.fromkeys(("51", "52", "53", "63", "64", "65"), ZONE_WITA),
    **dict.fromkeys(("71", "72", "73", "74", "75", "76"), ZONE_WITA),
    **dict.fromkeys(("81", "82", "91", "92", "93", "94", "95", "96"), ZONE_WIT),
}

LEVEL_PROVINCE, LEVEL_REGENCY, LEVEL_DISTRICT, LEVEL_VILLAGE = 1, 2, 3, 4

_CODE_PATTERNS = {
    1: re.compile(r"^\d{2}$"),
    2: re.compile(r"^\d{2}\.\d{2}$"),
    3: re.compile(r"^\d{2}\.\d{2}\.\d{2}$"),
    4: re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"),
}


class RegionDataError(ValueError):
    """The shipped files are inconsistent (bad code, unknown parent, missing zone)."""


@dataclass(frozen=True)
class RegionRecord:
    code: str
    level: int
    kind: str
    name: str
    parent_code: str | None
    is_autonomous: bool
    time_zone: str  # provinces only; lower levels inherit (see selectors.region_time_zone)
    first_year: int
    last_year: int
    population_total: int | None = None
    population_male: int | None = None
    population_female: int | None = None


def default_data_dir() -> Path:
    return Path(settings.MELAYANI_REGIONS_DATA_DIR)


def region_kind(code: str, level: int) -> str:
    """The kind of region a code names, from the Kemendagri code rules."""
    if level == LEVEL_PROVINCE:
        return "province"
    if level == LEVEL_REGENCY:
        return "regency" if int(code[3:5]) <= 69 else "city"
    if level == LEVEL_DISTRICT:
        return "district"
    first = code[9]
    if first == "1":
        return "urban_village"
    if first == "2":
        return "village"
    if first == "3":
        return "customary_village"
    raise RegionDataError(f"village code {code} does not start with 1, 2 or 3")


def parent_code(code: str) -> str | None:
    return code.rpartition(".")[0] or None


def tidy_upper_name(name: str) -> str:
    """Title-case an upper-case 2019/2022 name: ``KAB. MERAUKE`` → ``Kabupaten Merauke``."""
    if name != name.upper():
        return name
    words = name.split()
    if words and words[0] == "KAB.":
        words[0] = "KABUPATEN"
    return " ".join(w.capitalize() if w.isalpha() else w.title() for w in words)


@functools.lru_cache(maxsize=16)
def _read_version(path: str, max_level: int) -> tuple[tuple[str, str, int], ...]:
    rows: list[tuple[str, str, int]] = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            level = int(row["level"])
            if level > max_level:
                continue
            code = row["code"].strip()
            if level not in _CODE_PATTERNS or not _CODE_PATTERNS[level].match(code):
                raise RegionDataError(f"{path}: bad code {code!r} for level {level}")
            rows.append((code, " ".join(row["name"].split()), level))
    return tuple(rows)


def read_version(spec: VersionSpec, *, data_dir: Path, max_level: int = 4) -> dict[str, str]:
    """Code → name for one version file, levels up to ``max_level``."""
    return {code: name for code, name, _ in _read_version(str(data_dir / spec.filename), max_level)}


def read_version_levels(spec: VersionSpec, *, data_dir: Path, max_level: int = 4) -> dict[str, int]:
    return {
        code: level for code, _, level in _read_version(str(data_dir / spec.filename), max_level)
    }


@functools.lru_cache(maxsize=4)
def _read_population(path: str) -> dict[str, tuple[int, int, int]]:
    result: dict[str, tuple[int, int, int]] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["code"] == "0":  # the national total
                continue
            result[row["code"]] = (int(row["total"]), int(row["male"]), int(row["female"]))
    return result


def build_records(
    *, data_dir: Path | None = None, max_level: int = 4, with_population: bool = True
) -> tuple[RegionRecord, ...]:
    """Every code of every version as one record, parents before children."""
    directory = data_dir or default_data_dir()
    return _build_records(str(directory), max_level, with_population)


@functools.lru_cache(maxsize=8)
def _build_records(
    directory: str, max_level: int, with_population: bool
) -> tuple[RegionRecord, ...]:
    data_dir = Path(directory)
    names: dict[str, str] = {}  # latest name seen
    levels: dict[str, int] = {}
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for spec in VERSIONS:
        for code, name, level in _read_version(str(data_dir / spec.filename), max_level):
            if levels.setdefault(code, level) != level:
                raise RegionDataError(f"code {code} changes level between versions")
            names[code] = name
            first.setdefault(code, spec.year)
            if code in last and last[code] != _previous_year(spec.year):
                raise RegionDataError(f"code {code} disappears and comes back")
            last[code] = spec.year
    population = _read_population(str(data_dir / POPULATION_FILENAME)) if with_population else {}
    records: list[RegionRecord] = []
    for code in sorted(names, key=lambda c: (levels[c], c)):
        level = levels[code]
        parent = parent_code(code)
        if parent is not None and parent not in levels:
            raise RegionDataError(f"code {code} has no parent {parent}")
        name = names[code] if last[code] == LATEST_YEAR else tidy_upper_name(names[code])
        time_zone = ""
        if level == LEVEL_PROVINCE:
            if code not in PROVINCE_TIME_ZONES:
                raise RegionDataError(f"province {code} has no time zone")
            time_zone = PROVINCE_TIME_ZONES[code]
        total, male, female = population.get(code, (None, None, None))
        records.append(
            RegionRecord(
                code=code,
                level=level,
                kind=region_kind(code, level),
                name=name,
                parent_code=parent,
                is_autonomous=level <= LEVEL_REGENCY and code not in JAKARTA_ADMINISTRATIVE_UNITS,
                time_zone=time_zone,
                first_year=first[code],
                last_year=last[code],
                population_total=total,
                population_male=male,
                population_female=female,
            )
        )
    return tuple(records)


def _previous_year(year: int) -> int | None:
    years = [spec.year for spec in VERSIONS]
    index = years.index(year)
    return years[index - 1] if index else None
