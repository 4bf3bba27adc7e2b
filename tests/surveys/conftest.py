"""Fixtures of the SKM tests.

The built-in roles grant the survey actions (``core/roles.py``): ``surveys.enter`` (OPD officer,
OPD head), ``surveys.manage`` (OPD head, Pemda admin) and ``surveys.view`` (OPD officer, OPD head,
Pemda admin, Inspektorat); platform administrators hold every action but personal-data ones.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.catalog.factories import published_service
from tests.conftest import World


@pytest.fixture
def survey_actions(world: World) -> World:
    """The personas, with the survey actions as the built-in roles grant them."""
    return world


@pytest.fixture
def service(world: World) -> Any:
    return published_service(world.dukcapil, code="akta-lahir")


ALL_FOUR = {f"U{i}": 4 for i in range(1, 10)}
