"""Who holds an action in a Pemda today: Pemda-wide roles, and unit roles on or above units."""

from __future__ import annotations

import pytest

from melayani.core.selectors import action_holders

pytestmark = pytest.mark.django_db


def names(users) -> set[str]:
    return {u.username for u in users}


def test_pemda_wide_holders_only_of_that_pemda(world) -> None:
    holders = action_holders(pemda_id=world.merauke.pk, action="complaints.coordinate")
    assert holders == [world["complaint_coordinator"]]
    assert action_holders(pemda_id=world.yogyakarta.pk, action="complaints.coordinate") == []


def test_unit_roles_count_on_the_unit_and_below_it(world) -> None:
    on_desk = action_holders(
        pemda_id=world.merauke.pk,
        action="complaints.handle",
        opds=[world.dukcapil_service_desk],
        pemda_wide=False,
    )
    assert names(on_desk) == names([world["officer"], world["opd_head"], world["liaison"]])
    on_dinkes = action_holders(
        pemda_id=world.merauke.pk, action="complaints.handle", opds=[world.dinkes], pemda_wide=False
    )
    assert world["liaison"] not in on_dinkes and world["opd_head"] not in on_dinkes
    # Neither Pemda-wide roles nor units asked for: nobody, never everybody.
    assert (
        action_holders(pemda_id=world.merauke.pk, action="complaints.handle", pemda_wide=False)
        == []
    )
