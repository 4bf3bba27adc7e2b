from __future__ import annotations

import pytest

from melayani.regions.selectors import region_successors
from melayani.regions.services import RegionLoadReport
from melayani.regions.sources import default_data_dir
from melayani.regions.succession import (
    normalise_name,
    succession_propose,
    succession_read_shipped,
    succession_to_csv,
)


def test_matcher_still_agrees_with_the_shipped_reviewed_file() -> None:
    # If the data changes, regenerate with `melayani propose_region_successions`, review, ship.
    proposal = succession_propose()
    assert proposal.rows == succession_read_shipped()
    shipped_text = (default_data_dir() / "succession.csv").read_text(encoding="utf-8")
    assert succession_to_csv(proposal.rows) == shipped_text
    # Every retired Papua code found a successor; the new codes left over are new districts.
    assert proposal.unmatched_old == ()
    assert all(len(code) == 8 for code in proposal.unmatched_new)


def test_shipped_file_spot_facts() -> None:
    pairs = {(r.old_code, r.new_code): r for r in succession_read_shipped()}
    assert pairs[("91.01", "93.01")].new_name == "KAB. MERAUKE"
    assert pairs[("91.04", "94.01")].new_name == "KAB. NABIRE"
    assert pairs[("91.02", "95.01")].new_name == "KAB. JAYAWIJAYA"
    sorong = pairs[("92.01", "96.01")]
    assert (sorong.effective_year, sorong.legal_basis) == (2025, "Kepmendagri 300.2.2-2138/2025")
    assert pairs[("91.01", "93.01")].legal_basis == "Kepmendagri 100.1.1-6117/2022"
    assert ("92.71", "96.71") in pairs  # Kota Sorong is not Kabupaten Sorong
    # Districts were renumbered: matched by name, and spelling changes were decided by hand.
    assert ("91.02.03", "95.01.02") in pairs
    assert ("91.13.44", "95.03.42") in pairs  # Seredela → Seradala
    old_codes = [r.old_code for r in pairs.values()]
    assert len(old_codes) == len(set(old_codes))


@pytest.mark.parametrize(
    ("a", "b"),
    [("KAB. MERAUKE", "Kabupaten Merauke"), ("KAB. FAK FAK", "Kabupaten Fakfak")],
)
def test_names_normalise_alike(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


def test_city_and_regency_of_the_same_name_differ() -> None:
    assert normalise_name("KOTA SORONG") != normalise_name("Kabupaten Sorong")


@pytest.mark.django_db
def test_successors_selector(regions_loaded: RegionLoadReport) -> None:
    assert region_successors("91.01") == ["93.01"]
    assert region_successors("92.01") == ["96.01"]
    assert region_successors("91.04") == ["94.01"]
    assert region_successors("91.02") == ["95.01"]
    assert region_successors("91.13.44") == ["95.03.42"]
    assert region_successors("93.01") == []
    assert region_successors("33.74") == []
