from __future__ import annotations

import pytest
from django.test import Client, override_settings

from melayani.regions.services import RegionLoadReport

pytestmark = pytest.mark.django_db


def test_provinces_json(client: Client, regions_loaded: RegionLoadReport) -> None:
    response = client.get("/regions/children.json")
    assert response.status_code == 200
    body = response.json()
    assert body["parent"] is None
    assert len(body["results"]) == 38
    assert body["results"][0] == {"code": "11", "name": "Aceh", "level": 1, "kind": "province"}


def test_children_json(client: Client, regions_loaded: RegionLoadReport) -> None:
    response = client.get("/regions/93/children.json")
    assert response.status_code == 200
    body = response.json()
    assert body["parent"] == {"code": "93", "name": "Papua Selatan"}
    assert [r["code"] for r in body["results"]] == ["93.01", "93.02", "93.03", "93.04"]
    assert body["results"][0]["kind"] == "regency"


def test_unknown_code_is_404(client: Client, regions_loaded: RegionLoadReport) -> None:
    assert client.get("/regions/99/children.json").status_code == 404
    assert client.get("/regions/99.01/options/").status_code == 404
    assert client.get("/regions/abc/children.json").status_code == 404


def test_children_json_query_count(
    client: Client, regions_loaded: RegionLoadReport, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(2):
        response = client.get("/regions/33.74/children.json")
    assert response.status_code == 200
    assert len(response.json()["results"]) > 10
    with django_assert_max_num_queries(1):
        assert client.get("/regions/children.json").status_code == 200


def test_options_partial(client: Client, regions_loaded: RegionLoadReport) -> None:
    response = client.get("/regions/96/options/", {"selected": "96.71"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="96.01">Kabupaten Sorong</option>' in html
    assert '<option value="96.71" selected>Kota Sorong</option>' in html
    assert html.count("<option") == 1 + 6  # a blank choice and six regencies/cities
    provinces = client.get("/regions/options/").content.decode()
    assert provinces.count("<option") == 1 + 38


def test_pickers_are_public_and_read_only(client: Client, regions_loaded: RegionLoadReport) -> None:
    # The project middleware requires login by default; also check Django's own middleware.
    middleware = [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    with override_settings(MIDDLEWARE=middleware, LOGIN_URL="/login/"):
        assert client.get("/regions/children.json").status_code == 200
        assert client.get("/regions/31/options/").status_code == 200
    assert client.post("/regions/children.json").status_code == 405
