"""SKM results pages: the unit report (web and XLSX) and the public page of a Pemda."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from melayani.surveys import selectors, services
from melayani.surveys.periods import QUARTER, Period
from melayani.surveys.web_selectors import local_today
from tests.catalog.factories import published_service
from tests.conftest import World
from tests.core.factories import OPDFactory
from tests.core.test_tenancy_matrix import client_for

pytestmark = pytest.mark.django_db

# Nine answers per respondent; U3 (completion time) is the weakest.
RESPONDENTS: list[tuple[dict[str, int | None], str]] = [
    ({"U1": 4, "U2": 3, "U3": 2, "U4": 4, "U5": 3, "U6": 4, "U7": 4, "U8": 3, "U9": 3}, "female"),
    ({"U1": 3, "U2": 3, "U3": 2, "U4": 4, "U5": 4, "U6": 3, "U7": 4, "U8": 3, "U9": 4}, "male"),
    ({"U1": 4, "U2": 4, "U3": 1, "U4": 4, "U5": 3, "U6": 4, "U7": 3, "U8": 4, "U9": None}, ""),
]


def _answer_all(service: Any) -> None:
    for answers, sex in RESPONDENTS:
        services.response_submit_kiosk(
            service=service, answers=answers, profile={"sex": sex} if sex else None
        )


def _period(world: World) -> Period:
    return Period.containing(local_today(world.merauke), QUARTER)


def _report_url(world: World, period: Period, name: str = "surveys:report") -> str:
    url = reverse(name, args=[world.merauke.code, world.dukcapil.slug])
    return f"{url}?period={period}"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_report_shows_the_numbers_of_skm_result(world: World, service: Any) -> None:
    _answer_all(service)
    period = _period(world)
    expected = selectors.skm_result(period=period, opd=world.dukcapil)
    assert expected.n == 3 and expected.ikm is not None
    response = client_for("leader", world).get(_report_url(world, period))
    assert response.status_code == 200
    body = response.content.decode()
    text = _text(body)
    assert f'data-testid="ikm">{expected.ikm:.2f}<' in body
    assert f'data-testid="respondents">{expected.n}<' in body
    assert f"{expected.score.index_4:.4f}" in text
    assert f"{expected.mutu} · {expected.kinerja}" in text
    assert "exact" in text
    # Every unsur's NRR (4 decimals) is in the table; the weakest is named.
    for code, nrr in expected.score.nrr_rounded(4).items():
        assert nrr is not None
        cell = rf'<td class="number">{nrr:.4f}</td>'
        row = rf'<th scope="row">{code} [^<]*(<span[^\n]*\n)?</th>\s*{cell}'
        assert re.search(row, body), code
    assert expected.score.weakest() == ["U3"]
    assert re.search(r"U3 Completion time \(Waktu penyelesaian\) \(1\.6667\)", text)
    # Respondents, population (completed applications: none) and the channel counts.
    assert "Kiosk at the counter: 3" in text


def test_report_charts_are_svg_with_their_numbers_in_tables(world: World, service: Any) -> None:
    _answer_all(service)
    period = _period(world)
    body = client_for("opd_head", world).get(_report_url(world, period)).content.decode()
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", body, flags=re.S)
    assert len(svgs) == 2
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    bars, line = svgs
    assert bars.count("<rect") == 9
    nrr = selectors.skm_result(period=period, opd=world.dukcapil).score.nrr_rounded(4)
    assert f"{nrr['U1']:.4f}" in bars
    assert "Completion time (Waktu penyelesaian): 1.6667 (weakest)" in bars
    assert "NRR per unsur (the numbers of the chart)" in body
    assert "IKM per period (the numbers of the chart)" in body
    # The trend: eight quarters ending with this one, the current one with its IKM.
    assert line.count("<circle") == 1
    assert str(period) in line


def test_report_sample_adequacy_against_krejcie_morgan(survey_actions: World, service: Any) -> None:
    from melayani.surveys.models import PopulationSource, SkmSettings

    w = survey_actions
    _answer_all(service)
    SkmSettings.objects.create(pemda=w.merauke, population_source=PopulationSource.ENTERED)
    period = _period(w)
    services.population_set(actor=w["opd_head"], opd=w.dukcapil, period=period, population=3)
    body = _text(client_for("opd_head", w).get(_report_url(w, period)).content.decode())
    assert "Target sample (Krejcie & Morgan) 3" in body
    assert "Sample adequacy ✓ Met" in body
    services.population_set(actor=w["opd_head"], opd=w.dukcapil, period=period, population=100)
    body = _text(client_for("opd_head", w).get(_report_url(w, period)).content.decode())
    assert "Target sample (Krejcie & Morgan) 80" in body
    assert "Not met 3 of 80 respondents" in body


def test_report_access(world: World, service: Any) -> None:
    url = _report_url(world, _period(world))
    for persona in ("opd_head", "pemda_admin", "leader", "province_leader", "national_analyst"):
        assert client_for(persona, world).get(url).status_code == 200, persona
    for persona in ("other_pemda_admin", "other_pemda_officer", "citizen"):
        assert client_for(persona, world).get(url).status_code == 404, persona
    assert Client().get(url).status_code == 302
    xlsx = _report_url(world, _period(world), "surveys:report-xlsx")
    assert client_for("other_pemda_admin", world).get(xlsx).status_code == 404
    assert Client().get(xlsx).status_code == 302


def test_report_xlsx_has_the_summary_and_the_profile(world: World, service: Any) -> None:
    _answer_all(service)
    period = _period(world)
    expected = selectors.skm_result(period=period, opd=world.dukcapil)
    response = client_for("leader", world).get(_report_url(world, period, "surveys:report-xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        f"skm-{world.merauke.code}-{world.dukcapil.slug}-{period}.xlsx"
        in (response["Content-Disposition"])
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Respondent profile"]
    summary = {
        row[0]: row[1]
        for row in book["Summary"].iter_rows(values_only=True)
        if row and row[0] is not None
    }
    assert summary["Unit"] == world.dukcapil.name
    assert summary["Respondents"] == 3
    assert Decimal(str(summary["IKM (25–100)"])) == expected.ikm
    assert summary["Mutu"] == expected.mutu
    assert summary["Weight mode"] == "exact"
    assert summary["Weakest unsur"].startswith("U3 ")
    rows = list(book["Summary"].iter_rows(values_only=True))
    header = rows.index(
        ("Code", "Unsur", "NRR", "Weight", "Weighted NRR", "NRR × 25", "Mutu", "Kinerja")
    )
    nrr = {row[0]: row[2] for row in rows[header + 1 :]}
    for code, value in expected.score.nrr_rounded(4).items():
        assert Decimal(str(nrr[code])) == value
    profile = {
        (row[0], row[1]): row[2]
        for row in book["Respondent profile"].iter_rows(min_row=2, values_only=True)
    }
    assert profile[("Sex", "Female")] == 1
    assert profile[("Sex", "Male")] == 1
    assert profile[("Sex", "Not given")] == 1
    assert profile[("Age", "Not given")] == 3


def test_report_of_an_empty_period_renders(world: World, service: Any) -> None:
    response = client_for("leader", world).get(_report_url(world, Period(2020)))
    assert response.status_code == 200
    assert 'data-testid="respondents">0<' in response.content.decode()
    xlsx = client_for("leader", world).get(_report_url(world, Period(2020), "surveys:report-xlsx"))
    assert xlsx.status_code == 200


# --- the public page of a Pemda ------------------------------------------------------------------


def _units_with_answers(world: World, first: int, count: int) -> list[Any]:
    made = []
    for index in range(first, first + count):
        unit = OPDFactory(pemda=world.merauke, name=f"Unit Survei {index}")
        service = published_service(unit, code=f"skm-public-{index}")
        services.response_submit_kiosk(service=service, answers={"U1": 4, "U2": 3})
        made.append(unit)
    return made


def test_public_page_lists_each_units_latest_ikm_and_mutu(world: World, service: Any) -> None:
    _answer_all(service)
    period = _period(world)
    expected = selectors.skm_result(period=period, opd=world.dukcapil)
    response = Client().get(reverse("surveys:pemda", args=[world.merauke.code]))
    assert response.status_code == 200
    body = response.content.decode()
    assert len(response.content) < 100_000
    assert world.dukcapil.name in body
    assert f"{expected.ikm:.2f}" in body
    assert f"{expected.mutu} · {expected.kinerja}" in body
    assert 'role="img"' in body
    # Units without answers are not listed (the OPD tree is not public here).
    assert world.dinkes.name not in body
    chosen = Client().get(
        reverse("surveys:pemda", args=[world.merauke.code]) + f"?period={period.year}"
    )
    assert world.dukcapil.name in chosen.content.decode()
    assert Client().get(reverse("surveys:pemda", args=["99.99"])).status_code == 404


def test_public_page_queries_do_not_grow_with_units(world: World) -> None:
    url = reverse("surveys:pemda", args=[world.merauke.code])
    _units_with_answers(world, 0, 2)
    with CaptureQueriesContext(connection) as few:
        assert Client().get(url).status_code == 200
    _units_with_answers(world, 2, 6)
    with CaptureQueriesContext(connection) as many:
        response = Client().get(url)
    assert response.content.decode().count("Unit Survei") >= 8
    assert len(many) == len(few)
    assert len(many) <= 12


def test_report_queries_do_not_grow_with_answers(world: World, service: Any) -> None:
    period = _period(world)
    client = client_for("leader", world)
    _answer_all(service)
    with CaptureQueriesContext(connection) as few:
        client.get(_report_url(world, period))
    for _round in range(3):
        _answer_all(service)
    with CaptureQueriesContext(connection) as many:
        client.get(_report_url(world, period))
    assert len(many) == len(few)


def test_officials_index_lists_the_units_and_their_pages(
    survey_actions: World, service: Any
) -> None:
    w = survey_actions
    url = reverse("surveys:manage", args=[w.merauke.code])
    body = client_for("opd_head", w).get(url).content.decode()
    unit_url = f"/survei/kelola/{w.merauke.code}/{w.dukcapil.slug}/"
    assert unit_url + "laporan/" in body and unit_url + "kertas/" in body
    leader = client_for("leader", w).get(url).content.decode()
    assert unit_url + "laporan/" in leader and unit_url + "kertas/" not in leader
    assert client_for("other_pemda_admin", w).get(url).status_code == 404
    assert Client().get(url).status_code == 302
