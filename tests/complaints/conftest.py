"""Fixtures for the complaints tests: fresh rate limits, Merauke active."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tests.conftest import World


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cw(world: World) -> World:
    for pemda in (world.merauke, world.yogyakarta):
        pemda.is_active = True
        pemda.save(update_fields=["is_active"])
    return world
