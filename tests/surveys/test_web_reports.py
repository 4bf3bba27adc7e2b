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

from melayani.catalog.models import ServiceType
from melayani.surveys import selectors, services
from melayani.surveys.periods import QUARTER, Period
from melayani.surveys.web_selectors import local_today
from tests.catalog.factories import published_service
from tests.conftest import World
from tests.core.factories import OPDFactory
from tests.core.test_tenancy_matrix import client_for
from tests.surveys.conftest import ALL_FOUR

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
    assert len(many) <= 16  # the units, the Pemda as a whole, the follow-up plans


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


def test_sample_adequacy_with_no_population_is_unknown_never_met(
    survey_actions: World, service: Any
) -> None:
    from melayani.surveys.models import PopulationSource, SkmSettings

    w = survey_actions
    _answer_all(service)
    period = _period(w)
    # Population from transactions: no completed application, so 0 users: unknown.
    body = _text(client_for("opd_head", w).get(_report_url(w, period)).content.decode())
    assert "Sample adequacy • Unknown: population (number of service users) not set" in body
    assert "Met" not in body.split("Sample adequacy", 1)[1][:80]
    # Entered as 0 by the unit: unknown as well, in the workbook too.
    SkmSettings.objects.create(pemda=w.merauke, population_source=PopulationSource.ENTERED)
    services.population_set(actor=w["opd_head"], opd=w.dukcapil, period=period, population=0)
    body = _text(client_for("opd_head", w).get(_report_url(w, period)).content.decode())
    assert "Number of service users (population) not set" in body
    assert "Unknown: population (number of service users) not set" in body
    xlsx = client_for("opd_head", w).get(_report_url(w, period, "surveys:report-xlsx"))
    summary = {
        row[0]: row[1]
        for row in load_workbook(io.BytesIO(xlsx.content))["Summary"].iter_rows(values_only=True)
        if row and row[0] is not None
    }
    assert summary["Sample adequacy"] == "Unknown: population (number of service users) not set"
    assert summary["Target sample (Krejcie & Morgan)"] is None


def test_trend_reads_every_period_in_a_constant_number_of_queries(
    world: World, service: Any
) -> None:
    from melayani.surveys.web_selectors import period_series

    _answer_all(service)
    other = published_service(world.dukcapil_service_desk, code="skm-trend-desk")
    services.response_submit_kiosk(service=other, answers={"U1": 1, "U3": 4})
    current = _period(world)
    for periods in (period_series(current, 2), period_series(current, 8)):
        with CaptureQueriesContext(connection) as queries:
            scores = selectors.skm_scores_over_periods(opd=world.dukcapil, periods=periods)
        assert len(queries) <= 5, [q["sql"] for q in queries]
        # The same numbers skm_result gives for each period, the units below included.
        for period, score in scores:
            expected = selectors.skm_result(period=period, opd=world.dukcapil).score
            assert (score.n, score.ikm, score.nrr) == (expected.n, expected.ikm, expected.nrr)
    assert scores[-1][1].n == 4
    year = [Period(current.year), Period(current.year - 1)]
    (_this_year, this_score), (_last, last_score) = selectors.skm_scores_over_periods(
        opd=world.dukcapil, periods=year
    )
    assert this_score.n == 4 and last_score.n == 0 and last_score.ikm is None
    # The report page as a whole stays bounded: eight trend periods cost no more than two.
    client = client_for("leader", world)
    with CaptureQueriesContext(connection) as page:
        client.get(_report_url(world, current))
    assert len(page) <= 40


# --- policy pages --------------------------------------------------------------------------------


def test_the_pemda_admin_sets_the_weights_and_the_population_source(
    world: World, service: Any
) -> None:
    from melayani.surveys.models import SkmSettings

    url = reverse("surveys:settings", args=[world.merauke.code])
    admin = client_for("pemda_admin", world)
    assert admin.get(url).status_code == 200
    saved = admin.post(
        url,
        {"weight_mode": "legacy_0_11", "population_source": "entered", "invitation_valid_days": 14},
    )
    assert saved.status_code == 302
    settings = SkmSettings.objects.get(pemda=world.merauke)
    assert (settings.weight_mode, settings.population_source, settings.invitation_valid_days) == (
        "legacy_0_11",
        "entered",
        14,
    )
    bad = admin.post(
        url, {"weight_mode": "custom", "population_source": "entered", "invitation_valid_days": 0}
    )
    assert bad.status_code == 200 and 'class="field-error"' in bad.content.decode()
    assert SkmSettings.objects.get(pemda=world.merauke).invitation_valid_days == 14
    for persona in ("opd_head", "leader", "other_pemda_admin", "citizen"):
        assert client_for(persona, world).get(url).status_code == 404, persona
    # The officials' index links the settings for the admin only.
    index = reverse("surveys:manage", args=[world.merauke.code])
    assert url in admin.get(index).content.decode()
    assert url not in client_for("opd_head", world).get(index).content.decode()


def test_the_unit_head_enters_the_number_of_service_users(world: World, service: Any) -> None:
    from melayani.surveys.models import SurveyPopulation

    period = _period(world)
    url = reverse("surveys:population", args=[world.merauke.code, world.dukcapil.slug])
    head = client_for("opd_head", world)
    assert head.get(url).status_code == 200
    assert head.post(url, {"period": str(period), "population": 1000}).status_code == 302
    assert SurveyPopulation.objects.get(opd=world.dukcapil, period=str(period)).population == 1000
    body = _text(head.get(url).content.decode())
    assert "1000" in body
    refused = head.post(url, {"period": str(period), "population": -5})
    assert refused.status_code == 200
    assert SurveyPopulation.objects.get(opd=world.dukcapil).population == 1000
    for persona in ("officer", "leader", "other_pemda_admin"):
        assert client_for(persona, world).get(url).status_code == 404, persona


def test_the_report_lists_each_service_with_skm_results_numbers(world: World, service: Any) -> None:
    _answer_all(service)
    desk_service = published_service(world.dukcapil_service_desk, code="skm-desk-service")
    services.response_submit_kiosk(service=desk_service, answers={"U1": 1, "U2": 2})
    period = _period(world)
    with CaptureQueriesContext(connection) as queries:
        scores = selectors.skm_scores_by_service(opd=world.dukcapil, period=period)
    assert len(queries) <= 5
    for each in (service, desk_service):
        expected = selectors.skm_result(period=period, service=each).score
        assert (scores[each.pk].n, scores[each.pk].ikm) == (expected.n, expected.ikm)
    body = _text(client_for("leader", world).get(_report_url(world, period)).content.decode())
    expected = selectors.skm_result(period=period, service=service)
    name = ServiceType.objects.get(pk=service.pk).name
    assert f"{name} 3 {expected.ikm:.2f} i {expected.mutu} · {expected.kinerja}" in body
    xlsx = client_for("leader", world).get(_report_url(world, period, "surveys:report-xlsx"))
    rows = list(load_workbook(io.BytesIO(xlsx.content))["Summary"].iter_rows(values_only=True))
    desk_name = ServiceType.objects.get(pk=desk_service.pk).name
    by_service = {row[0]: row for row in rows if row[0] in {name, desk_name}}
    assert by_service[name][1:4] == (3, float(expected.ikm), expected.mutu)
    assert by_service[desk_name][1] == 1


def _design_post(weights: dict[str, str], **extra: str) -> dict[str, str]:
    return {**{f"weight_{code}": value for code, value in weights.items()}, **extra}


def test_the_unit_head_adds_an_unsur_and_weights_that_sum_to_one(
    world: World, service: Any
) -> None:
    from melayani.surveys.models import UnitSurveyDesign

    url = reverse("surveys:design", args=[world.merauke.code, world.dukcapil.slug])
    head = client_for("opd_head", world)
    page = head.get(url).content.decode()
    assert 'name="weight_U9"' in page and 'value="0.1111"' in page
    tenths = {f"U{i}": "0.1" for i in range(1, 10)}
    # Nine tenths do not add up to 1 without the extra unsur: refused, nothing saved.
    refused = head.post(url, _design_post(tenths))
    assert (
        refused.status_code == 200
        and "The weights add up to 0.9, not 1." in refused.content.decode()
    )
    assert not UnitSurveyDesign.objects.exists()
    # An extra unsur with three answers only: refused at its field.
    short = head.post(
        url,
        _design_post(
            tenths, extra1_name_id="Parkir", extra1_labels_id="a\nb\nc", extra1_weight="0.1"
        ),
    )
    assert "Write exactly four answers" in short.content.decode()
    saved = head.post(
        url,
        _design_post(
            tenths,
            extra1_name_id="Tempat parkir",
            extra1_name_en="Parking",
            extra1_labels_id="Buruk\nCukup\nBaik\nSangat baik",
            extra1_weight="0.1",
        ),
    )
    assert saved.status_code == 302
    design = UnitSurveyDesign.objects.get(opd=world.dukcapil)
    assert design.weights["U10"] == "0.1" and design.items.get().name_id == "Tempat parkir"
    # The questionnaire now asks U10, and the result is computed with the unit's weights.
    services.response_submit_kiosk(service=service, answers={**ALL_FOUR, "U10": 2})
    result = selectors.skm_result(period=_period(world), opd=world.dukcapil)
    assert result.weight_mode == "custom" and result.ikm == Decimal("95.00")
    again = head.get(url).content.decode()
    assert "Tempat parkir" in again and "Sangat baik" in again
    for persona in ("officer", "leader", "other_pemda_admin"):
        assert client_for(persona, world).get(url).status_code == 404, persona


def test_public_page_shows_the_pemda_as_a_whole(world: World, service: Any) -> None:
    _answer_all(service)
    other_unit = OPDFactory(pemda=world.merauke, name="Unit Survei Lain")
    services.response_submit_kiosk(
        service=published_service(other_unit, code="skm-whole"), answers=ALL_FOUR
    )
    year = Period(local_today(world.merauke).year)
    expected = selectors.skm_result(period=year, pemda=world.merauke)
    assert expected.n == 4
    url = reverse("surveys:pemda", args=[world.merauke.code])
    body = Client().get(url).content.decode()
    assert f'data-testid="pemda-ikm">{expected.ikm:.2f}<' in body
    assert f"{expected.mutu} · {expected.kinerja}" in body
    chosen = Client().get(f"{url}?period=2020").content.decode()
    assert 'data-testid="pemda-ikm">—<' in chosen
