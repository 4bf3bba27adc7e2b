"""Fixtures for region tests.

``regions_loaded`` loads levels 1–3 of all versions (about 8,450 rows, well under a second once the
files are parsed); only one test loads the 84k villages. Other apps that need Pemda rows can use
the same fixture (the lead may lift it into ``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from melayani.regions.selectors import region_cache_clear
from melayani.regions.services import RegionLoadReport, regions_load


@pytest.fixture(autouse=True)
def _region_cache_is_per_test() -> Iterator[None]:
    # The in-process cache outlives each test's rolled-back database.
    region_cache_clear()
    yield
    region_cache_clear()


@pytest.fixture
def regions_loaded(db: None) -> RegionLoadReport:
    return regions_load(max_level=3)
