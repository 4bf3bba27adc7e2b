from __future__ import annotations

import pytest

from melayani.regions.models import Region
from melayani.regions.selectors import (
    KnownRegionCodes,
    autonomous_regions,
    region_children,
    region_codes_all_versions,
    region_get,
    region_time_zone,
)
from melayani.regions.services import RegionLoadReport, regions_load

pytestmark = pytest.mark.django_db


def test_region_get(regions_loaded: RegionLoadReport) -> None:
    assert region_get("93.01").name == "Kabupaten Merauke"
    assert region_get("91.01").is_current is False
    with pytest.raises(Region.DoesNotExist):
        region_get("99.99")


def test_region_children(regions_loaded: RegionLoadReport) -> None:
    provinces = list(region_children(None).values_list("code", flat=True))
    assert len(provinces) == 38
    assert provinces[0] == "11" and provinces[-1] == "96"
    papua = list(region_children("91").values_list("code", flat=True))
    assert papua == [
        "91.03",
        "91.05",
        "91.06",
        "91.10",
        "91.11",
        "91.15",
        "91.19",
        "91.20",
        "91.71",
    ]
    assert region_children("91", current_only=False).count() == 9 + 20
    assert region_children("99").count() == 0


def test_known_codes_cover_all_versions_and_are_cached(
    regions_loaded: RegionLoadReport, django_assert_num_queries
) -> None:
    known = region_codes_all_versions()
    assert isinstance(known, KnownRegionCodes)
    assert {"91", "93", "96"} <= known.provinces
    assert len(known.provinces) == 38
    assert {"91.01", "93.01", "92.01", "96.01"} <= known.regencies
    assert "91.01.01" in known.districts and "93.01.01" in known.districts
    assert "9101" not in known.regencies  # dotted codes only
    with django_assert_num_queries(0):
        assert region_codes_all_versions() is known


def test_known_codes_cache_is_cleared_by_a_load(regions_loaded: RegionLoadReport) -> None:
    assert "99" not in region_codes_all_versions().provinces
    aceh = Region.objects.get(code="11")
    Region.objects.create(
        code="99",
        level=1,
        kind="province",
        name="Test",
        first_version=aceh.first_version,
        last_version=aceh.last_version,
    )
    assert "99" not in region_codes_all_versions().provinces  # cached
    regions_load(max_level=1)
    assert "99" in region_codes_all_versions().provinces


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("62", "Asia/Pontianak"),
        ("62.01.01", "Asia/Pontianak"),
        ("65", "Asia/Makassar"),
        ("65.01", "Asia/Makassar"),
        ("21", "Asia/Jakarta"),
        ("96", "Asia/Jayapura"),
        ("96.01", "Asia/Jayapura"),
        ("91.01", "Asia/Jayapura"),
        ("31.71", "Asia/Jakarta"),
        ("51.71", "Asia/Makassar"),
    ],
)
def test_time_zone_comes_from_the_province(
    regions_loaded: RegionLoadReport, code: str, zone: str
) -> None:
    assert region_time_zone(code) == zone


def test_time_zone_of_unknown_code(regions_loaded: RegionLoadReport) -> None:
    with pytest.raises(Region.DoesNotExist):
        region_time_zone("93.99")


def test_autonomous_regions_are_the_546_pemda(regions_loaded: RegionLoadReport) -> None:
    pemda = autonomous_regions()
    assert pemda.count() == 546
    assert pemda.filter(level=1).count() == 38
    assert pemda.filter(level=2).count() == 508
    codes = set(pemda.values_list("code", flat=True))
    assert not {"31.01", "31.71", "31.72", "31.73", "31.74", "31.75"} & codes
    assert "31" in codes and "91.01" not in codes and "93.01" in codes
