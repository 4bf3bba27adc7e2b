"""National and provincial monitoring: every Pemda's status for a year, index and predicate,
distribution, ranking, heat map, year-over-year change, filters, export; who sees what."""

from __future__ import annotations

import itertools
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from melayani.core.models import Pemda
from melayani.evaluation.demo import demo_instrument, synthetic_cycles
from melayani.evaluation.models import AssessmentCycle, CycleScore
from melayani.monitoring.selectors import dashboard
from tests.conftest import World
from tests.core.test_tenancy_matrix import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def papua_cycles(world: World) -> Any:
    """Finished 2024 and 2025 cycles for every Pemda of Papua Selatan and for Yogyakarta."""
    preset = demo_instrument()
    pemdas = [*list(Pemda.objects.filter(code__startswith="93")), world.yogyakarta]
    synthetic_cycles(preset, years=(2024, 2025), pemdas=pemdas)
    return pemdas


def test_national_analysts_see_every_pemda(papua_cycles: Any, world: World) -> None:
    data = dashboard(world["national_analyst"], year=2025)
    assert data is not None
    assert len(data.rows) == 546
    started = [r for r in data.rows if r.status != "not_started"]
    assert len(started) == len(papua_cycles)
    assert sum(n for _code, n in data.distribution) == len(papua_cycles)
    assert {s: n for s, _label, n in data.status_counts}["not_started"] == 546 - len(papua_cycles)
    # Ranking follows the index; the change is this year minus last year.
    ranked = sorted((r for r in data.rows if r.rank), key=lambda r: r.rank)
    assert [r.rank for r in ranked] == list(range(1, len(papua_cycles) + 1))
    assert all(a.index >= b.index for a, b in itertools.pairwise(ranked))
    merauke = next(r for r in data.rows if r.code == "93.01")
    stored = {
        s.year: s.index for s in CycleScore.objects.filter(pemda=world.merauke, tier="verified")
    }
    assert merauke.index == stored[2025]
    assert merauke.change == stored[2025] - stored[2024]
    assert merauke.predicate
    assert len(merauke.areas) == len(data.area_titles) > 8
    assert data.heat_by == "province"


def test_a_province_sees_its_kabupaten_kota_and_a_pemda_itself(
    papua_cycles: Any, world: World
) -> None:
    province = dashboard(world["province_leader"], year=2025)
    assert province is not None
    codes = {r.code for r in province.rows}
    assert codes == {p.code for p in Pemda.objects.filter(code__startswith="93")}
    own = dashboard(world["other_pemda_admin"], year=2025)
    assert own is not None and [r.code for r in own.rows] == ["34.71"]
    assert dashboard(world["citizen"]) is None


def test_filters_by_province_and_type(papua_cycles: Any, world: World) -> None:
    data = dashboard(world["national_analyst"], year=2025, province="93", kind="regency")
    assert data is not None
    assert data.rows and all(r.code.startswith("93.") and r.kind == "regency" for r in data.rows)
    assert data.heat_by == "pemda"


def test_status_and_lateness(papua_cycles: Any, world: World) -> None:
    AssessmentCycle.objects.filter(pemda=world.merauke, year=2025).update(status="verifying")
    data = dashboard(world["national_analyst"], year=2025)
    assert data is not None
    merauke = next(r for r in data.rows if r.code == "93.01")
    assert merauke.status == "verifying" and merauke.late  # its verification window has passed


def test_pages_and_export(papua_cycles: Any, world: World) -> None:
    url = reverse("monitoring:national")
    page = client_for("national_analyst", world).get(url, {"year": 2025})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Kabupaten Merauke" in body and "<svg" in body
    xlsx = client_for("kemenpanrb_evaluator", world).get(
        reverse("monitoring:national-xlsx"), {"year": 2025}
    )
    book = load_workbook(BytesIO(xlsx.content))
    assert book.active.max_row == 547
    province = client_for("province_leader", world).get(url).content.decode()
    assert "Kabupaten Merauke" in province and "Kota Yogyakarta" not in province
    assert client_for("citizen", world).get(url).status_code == 404
    assert client_for("anonymous", world).get(url).status_code == 302


def test_dashboard_query_count_does_not_grow_with_pemda(
    papua_cycles: Any, world: World, django_assert_max_num_queries: Any
) -> None:
    user = world["national_analyst"]
    dashboard(user, year=2025)
    with django_assert_max_num_queries(12):
        dashboard(user, year=2025)
