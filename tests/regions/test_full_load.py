"""The one test that loads all 84k villages: counts, idempotence and timing."""

from __future__ import annotations

import pytest

from melayani.regions.models import Region, RegionKind
from melayani.regions.selectors import autonomous_regions
from melayani.regions.services import regions_load

# Generous bounds so slow CI machines pass; measured times are printed (pytest -s).
FULL_LOAD_SECONDS = 60
RELOAD_SECONDS = 30


@pytest.mark.django_db
def test_full_load_counts_and_speed() -> None:
    first = regions_load()
    print(
        f"\nfull region load: {first.regions_created} created, {first.regions_unchanged} "
        f"unchanged in {first.seconds:.2f} s"
    )
    assert first.seconds < FULL_LOAD_SECONDS

    # Levels 1–3 may be loaded per session already; the 83,762 villages are always new here.
    assert first.regions_created >= 83762
    current = Region.objects.filter(is_current=True)
    assert current.filter(level=1).count() == 38
    assert current.filter(level=2).count() == 514
    assert current.filter(level=3).count() == 7285
    assert current.filter(level=4).count() == 83762
    assert current.filter(kind=RegionKind.URBAN_VILLAGE).count() == 8496
    assert current.filter(kind__in=[RegionKind.VILLAGE, RegionKind.CUSTOMARY_VILLAGE]).count() == (
        83762 - 8496
    )
    assert autonomous_regions().count() == 546
    village = Region.objects.select_related("parent__parent__parent").get(code="11.01.01.2001")
    assert village.name == "Keude Bakongan"
    assert village.parent is not None and village.parent.code == "11.01.01"

    second = regions_load()
    print(f"region reload (no changes): {second.regions_unchanged} rows in {second.seconds:.2f} s")
    assert not second.changed
    assert second.regions_unchanged == Region.objects.count() == 92213
    assert second.seconds < RELOAD_SECONDS
