"""Open311 GeoReport v2: discovery, services, definitions and requests, in JSON and XML."""

from __future__ import annotations

import datetime
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from melayani.api.services import api_client_create, api_client_revoke
from melayani.applications.models import Application
from melayani.catalog.models import ServiceType
from tests.api.conftest import submission, submit
from tests.catalog.factories import published_service
from tests.conftest import World

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
PERSONAL_MARKERS = ("Siti", "Kaize", "siti.kaize", "4455", "6677", "9301014506900003", "9988")


def xml(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 — our own output


def assert_spec_error(response: Any, status: int, fmt: str) -> str:
    assert response.status_code == status, response.content
    if fmt == "json":
        errors = response.json()
        assert isinstance(errors, list) and errors
        assert errors[0]["code"] == status
        return str(errors[0]["description"])
    root = xml(response)
    assert root.tag == "errors"
    error = root.find("error")
    assert error is not None
    assert error.findtext("code") == str(status)
    return error.findtext("description") or ""


def post_request(client: Client, key: str, fmt: str = "json", **extra: str) -> Any:
    data = {
        "api_key": key,
        "jurisdiction_id": "93.01",
        "service_code": "akta-kelahiran",
        "first_name": "Siti Rahmawati",
        "last_name": "Kaize",
        "phone": "0812-4455-6677",
        "email": "siti.kaize@example.com",
        "description": "Mohon dibantu",
        "lat": "-8.4932",
        "long": "140.4018",
        "attribute[nama-anak]": "Yohanes Kaize",
        "attribute[tanggal-lahir]": "2026-01-15T00:00:00+09:00",
        "attribute[nik-pelapor]": "9301014506900003",
        "attribute[jenis-kelamin]": "Laki-laki",
        "attribute[telepon]": "0813-9988-7766",
        **extra,
    }
    headers = {}
    if "idempotency_key" in extra:
        headers["Idempotency-Key"] = data.pop("idempotency_key")
    return client.post(f"{BASE}/requests.{fmt}", data, headers=headers)


def test_discovery(client: Client) -> None:
    body = client.get(f"{BASE}/discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    formats = [f.text for f in root.iterfind("endpoints/endpoint/formats/format")]
    assert formats == ["text/xml", "application/json"]


def test_services_in_both_formats(client: Client, service: ServiceType, api_world: World) -> None:
    published_service(api_world.dinkes, code="perlu-berkas", requirements=(("KTP", True),))
    published_service(api_world.jogja_dukcapil, code="akta-jogja")
    body = client.get(f"{BASE}/services.json", {"jurisdiction_id": "93.01"}).json()
    assert body == [
        {
            "service_code": "akta-kelahiran",
            "service_name": "Akta Kelahiran",
            "description": service.description,
            "metadata": True,
            "type": "realtime",
            "keywords": "akta, lahir, anak",
            "group": "Bidang Pelayanan",
        }
    ]  # the service that needs an upload is left out: Open311 clients cannot send one
    root = xml(client.get(f"{BASE}/services.xml", {"jurisdiction_id": "93.01"}))
    assert root.tag == "services"
    services = root.findall("service")
    assert len(services) == 1
    assert services[0].findtext("service_code") == "akta-kelahiran"
    assert services[0].findtext("metadata") == "true"
    assert services[0].findtext("type") == "realtime"


def test_service_definition_maps_the_form(client: Client, api_world: World) -> None:
    published_service(
        api_world.dukcapil,
        code="akta-kelahiran",
        requirements=(("KK", False),),
        fields=(
            ("nama", "Nama", "text", ""),
            ("jumlah", "Jumlah", "number", ""),
            ("tanggal", "Tanggal", "date", ""),
            ("catatan", "Catatan", "long_text", ""),
            ("jenis", "Jenis", "choice", "Baru\nPerpanjangan"),
        ),
    )
    body = client.get(f"{BASE}/services/akta-kelahiran.json", {"jurisdiction_id": "93.01"}).json()
    assert body["service_code"] == "akta-kelahiran"
    types = {a["code"]: a["datatype"] for a in body["attributes"]}
    assert types == {
        "nama": "string",
        "jumlah": "number",
        "tanggal": "datetime",
        "catatan": "text",
        "jenis": "singlevaluelist",
    }
    jenis = next(a for a in body["attributes"] if a["code"] == "jenis")
    assert jenis["values"] == [
        {"key": "Baru", "name": "Baru"},
        {"key": "Perpanjangan", "name": "Perpanjangan"},
    ]
    assert [a["order"] for a in body["attributes"]] == [1, 2, 3, 4, 5]
    assert all(a["variable"] is True and a["required"] is True for a in body["attributes"])
    root = xml(client.get(f"{BASE}/services/akta-kelahiran.xml", {"jurisdiction_id": "93.01"}))
    assert root.tag == "service_definition"
    attribute = root.find("attributes/attribute[code='jenis']")
    assert attribute is not None
    assert attribute.findtext("datatype") == "singlevaluelist"
    assert [v.findtext("key") for v in attribute.iterfind("values/value")] == [
        "Baru",
        "Perpanjangan",
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_not_found_and_bad_parameters_in_the_spec_format(
    client: Client, service: ServiceType, fmt: str
) -> None:
    assert_spec_error(client.get(f"{BASE}/services.{fmt}"), 400, fmt)
    assert_spec_error(client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "99.99"}), 404, fmt)
    missing = client.get(f"{BASE}/services/nope.{fmt}", {"jurisdiction_id": "93.01"})
    assert_spec_error(missing, 404, fmt)
    unknown = client.get(f"{BASE}/requests/ZZZZZZZZZZ.{fmt}", {"jurisdiction_id": "93.01"})
    assert_spec_error(unknown, 404, fmt)
    bad_date = client.get(
        f"{BASE}/requests.{fmt}", {"jurisdiction_id": "93.01", "start_date": "yesterday"}
    )
    assert_spec_error(bad_date, 400, fmt)
    bad_status = client.get(f"{BASE}/requests.{fmt}", {"jurisdiction_id": "93.01", "status": "x"})
    assert_spec_error(bad_status, 400, fmt)
    assert_spec_error(client.delete(f"{BASE}/requests.{fmt}"), 405, fmt)


def test_unknown_format_answers_in_xml(client: Client) -> None:
    assert_spec_error(client.get(f"{BASE}/discovery.html"), 404, "xml")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_needs_a_valid_api_key(
    client: Client, service: ServiceType, api_world: World, fmt: str
) -> None:
    assert_spec_error(post_request(client, "", fmt), 403, fmt)
    assert_spec_error(post_request(client, "mlyk_guessed", fmt), 403, fmt)
    _jogja_app, jogja_key = api_client_create(actor=None, pemda=api_world.yogyakarta, name="J")
    assert_spec_error(post_request(client, jogja_key, fmt), 403, fmt)  # another jurisdiction
    revoked, key = api_client_create(actor=None, pemda=api_world.merauke, name="M")
    api_client_revoke(actor=None, client=revoked)
    assert_spec_error(post_request(client, key, fmt), 403, fmt)
    assert Application.objects.count() == 0


def test_post_creates_a_request(client: Client, service: ServiceType, open311_key: str) -> None:
    response = post_request(client, open311_key)
    assert response.status_code == 200, response.content
    created = response.json()
    assert len(created) == 1
    code = created[0]["service_request_id"]
    application = Application.objects.get(tracking_code=code)
    assert application.applicant_name == "Siti Rahmawati Kaize"
    assert application.applicant_phone == "+6281244556677"
    assert application.answers["tanggal-lahir"] == "2026-01-15"
    # Description and map point are kept for the officers, and published nowhere.
    assert application.description == "Mohon dibantu"
    assert (str(application.location_lat), str(application.location_long)) == (
        "-8.493200",
        "140.401800",
    )
    assert created[0]["token"] == code
    shown = client.get(f"{BASE}/requests/{code}.json").content.decode()
    assert "Mohon dibantu" not in shown and "8.4932" not in shown and "140.4018" not in shown
    for marker in PERSONAL_MARKERS:
        assert marker not in response.content.decode()
    root = xml(post_request(client, open311_key, "xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_with_missing_fields_names_them_the_open311_way(
    client: Client, service: ServiceType, open311_key: str, fmt: str
) -> None:
    response = post_request(
        client, open311_key, fmt, first_name="", last_name="", **{"attribute[nama-anak]": ""}
    )
    assert_spec_error(response, 400, fmt)
    text = response.content.decode()
    assert "first_name/last_name" in text
    assert "attribute[nama-anak]" in text
    missing_code = client.post(f"{BASE}/requests.{fmt}", {"api_key": open311_key})
    assert_spec_error(missing_code, 400, fmt)
    assert Application.objects.count() == 0


def test_post_honours_the_idempotency_key(
    client: Client, service: ServiceType, open311_key: str
) -> None:
    first = post_request(client, open311_key, idempotency_key="o311-1")
    again = post_request(client, open311_key, idempotency_key="o311-1")
    assert first.json() == again.json()
    assert Application.objects.count() == 1
    other = post_request(
        client, open311_key, idempotency_key="o311-1", **{"attribute[nama-anak]": "Maria"}
    )
    assert_spec_error(other, 409, "json")
    assert Application.objects.count() == 1


def test_requests_list_filters_and_no_personal_data(
    client: Client, service: ServiceType, api_world: World, token_for: Any
) -> None:
    other = published_service(api_world.dinkes, code="surat-sehat", requirements=(("KK", False),))
    codes = [submit(client, service, submission()).json()["tracking_code"] for _ in range(2)]
    sehat = submit(client, other, submission()).json()["tracking_code"]
    headers = token_for("officer")
    for action in ("verify", "start", "complete"):
        client.post(f"/api/v1/officer/applications/{codes[0]}/{action}", headers=headers)

    def ids(**params: str) -> list[str]:
        response = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "93.01", **params})
        assert response.status_code == 200, response.content
        for marker in PERSONAL_MARKERS:
            assert marker not in response.content.decode()
        return sorted(r["service_request_id"] for r in response.json())

    assert ids() == sorted([*codes, sehat])
    assert ids(status="closed") == [codes[0]]
    assert ids(status="open") == sorted([codes[1], sehat])
    assert ids(status="open,closed") == sorted([*codes, sehat])
    assert ids(service_code="surat-sehat") == [sehat]
    assert ids(service_request_id=f"{codes[1]},{sehat}") == sorted([codes[1], sehat])
    # A bare date is a day in the Pemda's zone (Merauke: UTC+9), whatever the server's clock says.
    merauke_today = timezone.localtime(timezone.now(), ZoneInfo("Asia/Jayapura")).date()
    tomorrow = (merauke_today + datetime.timedelta(days=1)).isoformat()
    assert ids(start_date=tomorrow) == []
    assert ids(end_date="2020-01-01T00:00:00+09:00") == []

    closed = client.get(f"{BASE}/requests/{codes[0]}.json", {"jurisdiction_id": "93.01"}).json()
    assert closed[0]["status"] == "closed"
    assert closed[0]["service_code"] == "akta-kelahiran"
    assert closed[0]["requested_datetime"].endswith("+09:00")
    assert closed[0]["expected_datetime"]
    assert closed[0]["description"] == "" and closed[0]["address"] == ""

    root = xml(client.get(f"{BASE}/requests.xml", {"jurisdiction_id": "93.01"}))
    assert root.tag == "service_requests"
    requests = root.findall("request")
    assert len(requests) == 3
    assert {r.findtext("status") for r in requests} == {"open", "closed"}
    text = ET.tostring(root, encoding="unicode")
    for marker in PERSONAL_MARKERS:
        assert marker not in text
    one = xml(client.get(f"{BASE}/requests/{codes[1]}.xml", {"jurisdiction_id": "93.01"}))
    assert one.findtext("request/service_request_id") == codes[1]


def test_other_jurisdictions_requests_are_not_listed(client: Client, service: ServiceType) -> None:
    code = submit(client, service, submission()).json()["tracking_code"]
    listed = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "34.71"}).json()
    assert listed == []
    one = client.get(f"{BASE}/requests/{code}.json", {"jurisdiction_id": "34.71"})
    assert one.status_code == 404


def test_list_query_counts_do_not_grow(
    client: Client, service: ServiceType, api_world: World
) -> None:
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"jurisdiction_id": "93.01"}).status_code == 200
        return len(captured)

    submit(client, service, submission())
    few_requests = queries(f"{BASE}/requests.xml")
    few_services = queries(f"{BASE}/services.json")
    for n in range(4):
        submit(client, service, submission())
        published_service(api_world.dinkes, code=f"lain-{n}", requirements=(("KK", False),))
    assert queries(f"{BASE}/requests.xml") == few_requests <= 3
    assert queries(f"{BASE}/services.json") == few_services <= 4


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"lat": "-8.49", "long": ""}, "lat and long"),
        ({"lat": "91", "long": "140"}, "lat:"),
        ({"lat": "-8.49", "long": "timur"}, "long:"),
        ({"lat": "nan", "long": "140"}, "lat:"),
        ({"description": "x" * 4001}, "description:"),
    ],
)
def test_post_with_a_bad_description_or_map_point_is_refused(
    client: Client, service: ServiceType, open311_key: str, extra: dict[str, str], named: str
) -> None:
    response = post_request(client, open311_key, **extra)
    assert named in assert_spec_error(response, 400, "json")
    assert Application.objects.count() == 0
