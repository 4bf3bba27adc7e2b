from __future__ import annotations

import pytest

from melayani.regions.sources import RegionDataError, build_records, region_kind, tidy_upper_name


@pytest.mark.parametrize(
    ("code", "level", "kind"),
    [
        ("93", 1, "province"),
        ("33.01", 2, "regency"),
        ("33.69", 2, "regency"),
        ("33.71", 2, "city"),
        ("31.75", 2, "city"),
        ("33.74.08", 3, "district"),
        ("33.73.04.1001", 4, "urban_village"),
        ("11.01.01.2001", 4, "village"),
        ("92.03.01.3001", 4, "customary_village"),
    ],
)
def test_kind_follows_the_code_rules(code: str, level: int, kind: str) -> None:
    assert region_kind(code, level) == kind


def test_village_code_with_unknown_first_digit_is_refused() -> None:
    with pytest.raises(RegionDataError):
        region_kind("11.01.01.5001", 4)


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("KAB. MERAUKE", "Kabupaten Merauke"),
        ("KOTA SORONG", "Kota Sorong"),
        ("KAB. PEGUNUNGAN BINTANG", "Kabupaten Pegunungan Bintang"),
        ("Kwelemdua", "Kwelemdua"),  # already mixed case: untouched
    ],
)
def test_upper_case_names_are_title_cased(raw: str, tidy: str) -> None:
    assert tidy_upper_name(raw) == tidy


def test_records_cover_all_versions_with_parents_first() -> None:
    records = build_records(max_level=3)
    seen: set[str] = set()
    for record in records:
        assert record.parent_code is None or record.parent_code in seen
        seen.add(record.code)
    by_code = {r.code: r for r in records}
    # Retired names are tidied; current names are the 2025 ones as published.
    assert by_code["91.01"].name == "Kabupaten Merauke"
    assert by_code["92.71"].name == "Kota Sorong"
    assert by_code["91"].name == "Papua"
    assert by_code["31.72"].name == "Kota Administrasi Jakarta Utara"  # trailing space dropped
