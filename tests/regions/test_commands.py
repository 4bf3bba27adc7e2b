from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from melayani.regions.models import Region
from melayani.regions.sources import default_data_dir


@pytest.mark.django_db
def test_load_regions_command_is_idempotent() -> None:
    out = StringIO()
    call_command("load_regions", "--max-level", "2", stdout=out)
    assert out.getvalue().startswith("Regions: ")
    assert Region.objects.filter(level__lte=2).count() == 38 + 540
    out = StringIO()
    call_command("load_regions", "--max-level", "2", stdout=out)
    assert "Regions: 0 created, 0 updated, 578 unchanged" in out.getvalue()


def test_propose_command_prints_the_shipped_file() -> None:
    out, err = StringIO(), StringIO()
    call_command("propose_region_successions", stdout=out, stderr=err)
    assert out.getvalue() == (default_data_dir() / "succession.csv").read_text(encoding="utf-8")
    assert "new code without predecessor: 93.01.21" in err.getvalue()
