"""The public catalogue: services of a Pemda and a service with its current standard."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from melayani.catalog.models import ServiceType
from tests.catalog.factories import published_service
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_list_and_search(client: Client, service: ServiceType, api_world: World) -> None:
    published_service(api_world.dinkes, code="surat-sehat", name="Surat Keterangan Sehat")
    published_service(api_world.jogja_dukcapil, code="akta-jogja", name="Akta Yogyakarta")
    body = client.get("/api/v1/pemda/93.01/services").json()
    assert body["count"] == 2
    assert {s["code"] for s in body["items"]} == {"akta-kelahiran", "surat-sehat"}
    found = client.get("/api/v1/pemda/93.01/services", {"q": "lahir"}).json()
    assert [s["code"] for s in found["items"]] == ["akta-kelahiran"]
    unit = client.get("/api/v1/pemda/93.01/services", {"unit": api_world.dinkes.slug}).json()
    assert [s["code"] for s in unit["items"]] == ["surat-sehat"]
    page = client.get("/api/v1/pemda/93.01/services", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and len(page["items"]) == 1


def test_detail_has_the_current_standard(client: Client, service: ServiceType) -> None:
    body = client.get("/api/v1/pemda/93.01/services/akta-kelahiran").json()
    standard = body["standard"]
    assert standard["version"] == 1
    assert standard["completion_time"] == {"value": 5, "unit": "working_days"}
    assert standard["fee"]["is_free"] is True
    assert standard["requirements"][0]["text"] == "Kartu Keluarga"
    assert standard["steps"][0] == "Isi formulir"
    choice = next(f for f in standard["form_fields"] if f["key"] == "jenis-kelamin")
    assert choice["choices"] == ["Laki-laki", "Perempuan"]


def test_list_query_count_does_not_grow(client: Client, api_world: World) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/pemda/93.01/services").status_code == 200
        return len(captured)

    published_service(api_world.dukcapil, code="layanan-a")
    few = queries()
    for n in range(4):
        published_service(api_world.dinkes, code=f"layanan-b{n}")
    assert queries() == few <= 5
