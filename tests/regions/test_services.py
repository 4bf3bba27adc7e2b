from __future__ import annotations

import datetime

import pytest

from melayani.regions.models import Region, RegionKind, RegionSuccession, RegionVersion
from melayani.regions.services import RegionLoadReport, regions_load

pytestmark = pytest.mark.django_db


def test_load_of_levels_one_to_three_counts(regions_loaded: RegionLoadReport) -> None:
    # 38 provinces, 540 kab/kota codes (514 current + 26 retired Papua codes), districts of all
    # versions: 7,285 current + 456 retired in 2022 + 132 retired in 2025.
    # The session may have loaded them already (tests/conftest.py), so count every outcome.
    report = regions_loaded
    assert report.regions_created + report.regions_updated + report.regions_unchanged == (
        38 + 540 + 7873
    )
    assert Region.objects.filter(level__lte=3).count() == 38 + 540 + 7873
    assert Region.objects.filter(level=1).count() == 38
    assert Region.objects.filter(level=1, is_current=True).count() == 38
    assert Region.objects.filter(level=2, is_current=True).count() == 514
    assert Region.objects.filter(level=3, is_current=True).count() == 7285
    assert not Region.objects.filter(level=4).exists()
    assert RegionVersion.objects.count() == 3
    assert RegionSuccession.objects.count() == 614


def test_versions_carry_their_legal_basis(regions_loaded: RegionLoadReport) -> None:
    versions = {v.year: v for v in RegionVersion.objects.all()}
    assert versions[2019].legal_basis == "Permendagri 72/2019"
    assert versions[2019].decree_date is None  # not verified; see data/README.md
    assert versions[2022].legal_basis == "Kepmendagri 100.1.1-6117/2022"
    assert versions[2022].decree_date == datetime.date(2022, 11, 9)
    assert versions[2025].legal_basis == "Kepmendagri 300.2.2-2138/2025"
    assert versions[2025].decree_date == datetime.date(2025, 4, 25)


def test_2019_had_34_provinces(regions_loaded: RegionLoadReport) -> None:
    assert Region.objects.filter(level=1, first_version__year=2019).count() == 34
    assert set(
        Region.objects.filter(level=1, first_version__year=2022).values_list("code", flat=True)
    ) == {"93", "94", "95"}
    assert Region.objects.get(code="96").first_version.year == 2025


def test_second_load_changes_nothing(regions_loaded: RegionLoadReport) -> None:
    again = regions_load(max_level=3)
    assert not again.changed
    assert again.regions_unchanged == 38 + 540 + 7873
    assert again.regions_created == again.regions_updated == 0
    assert again.successions_created == again.successions_updated == 0


def test_load_repairs_a_changed_row(regions_loaded: RegionLoadReport) -> None:
    Region.objects.filter(code="93.01").update(name="Wrong", is_current=False)
    report = regions_load(max_level=3)
    assert report.regions_updated == 1
    merauke = Region.objects.get(code="93.01")
    assert (merauke.name, merauke.is_current) == ("Kabupaten Merauke", True)


def test_validity_is_derived_from_the_versions_a_code_appears_in(
    regions_loaded: RegionLoadReport,
) -> None:
    old_merauke = Region.objects.select_related("first_version", "last_version").get(code="91.01")
    assert (old_merauke.first_version.year, old_merauke.last_version.year) == (2019, 2019)
    assert not old_merauke.is_current
    assert old_merauke.name == "Kabupaten Merauke"
    assert old_merauke.parent is not None and old_merauke.parent.code == "91"

    merauke = Region.objects.select_related("first_version", "last_version").get(code="93.01")
    assert (merauke.first_version.year, merauke.last_version.year) == (2022, 2025)
    assert merauke.is_current

    old_sorong = Region.objects.select_related("last_version").get(code="92.01")
    assert (old_sorong.last_version.year, old_sorong.is_current) == (2022, False)
    aceh = Region.objects.select_related("first_version").get(code="11")
    assert (aceh.first_version.year, aceh.is_current) == (2019, True)


def test_kinds_and_autonomy(regions_loaded: RegionLoadReport) -> None:
    jakarta_units = {"31.01", "31.71", "31.72", "31.73", "31.74", "31.75"}
    assert (
        set(Region.objects.filter(level=2, is_autonomous=False).values_list("code", flat=True))
        == jakarta_units
    )
    assert Region.objects.get(code="31").is_autonomous
    assert Region.objects.get(code="31.01").kind == RegionKind.REGENCY
    assert Region.objects.get(code="31.71").kind == RegionKind.CITY
    assert Region.objects.filter(level=2, is_current=True, kind=RegionKind.REGENCY).count() == 416
    assert Region.objects.filter(level=2, is_current=True, kind=RegionKind.CITY).count() == 98
    assert not Region.objects.filter(level=3, is_autonomous=True).exists()


def test_province_time_zones_are_loaded(regions_loaded: RegionLoadReport) -> None:
    zones = dict(Region.objects.filter(level=1).values_list("code", "time_zone"))
    assert zones["62"] == "Asia/Pontianak"
    assert zones["61"] == "Asia/Pontianak"
    assert zones["65"] == "Asia/Makassar"
    assert zones["21"] == "Asia/Jakarta"
    assert zones["96"] == "Asia/Jayapura"
    assert set(zones.values()) == {
        "Asia/Jakarta",
        "Asia/Pontianak",
        "Asia/Makassar",
        "Asia/Jayapura",
    }
    assert not Region.objects.filter(level__gt=1).exclude(time_zone="").exists()


def test_population_of_provinces_and_regencies(regions_loaded: RegionLoadReport) -> None:
    aceh = Region.objects.get(code="11")
    assert (aceh.population_total, aceh.population_male, aceh.population_female) == (
        5623479,
        2815060,
        2808419,
    )
    assert Region.objects.get(code="11.01").population_total == 239629
    assert (
        Region.objects.filter(is_current=True, level__lte=2, population_total__isnull=True).count()
        == 0
    )
    assert Region.objects.get(code="91.01").population_total is None  # retired code
    assert (
        sum(Region.objects.filter(level=1).values_list("population_total", flat=True)) == 284973643
    )
