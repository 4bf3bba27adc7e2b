"""An existing Open311 GeoReport v2 client (the ``georeport`` package), unchanged, in both formats.

It speaks HTTP to a running server, as it would to any city's endpoint; nothing here adapts it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from georeport import GeoReport

from melayani.catalog.models import ServiceType
from tests.api.conftest import ANSWERS, PERSONAL, submission, submit

pytestmark = pytest.mark.django_db(transaction=True)


def as_list(value: Any) -> list[Any]:
    """xmltodict gives one element as a dict and several as a list."""
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_the_client_reads_services_definitions_and_requests(
    live_server: Any, client: Client, service: ServiceType, output_format: str
) -> None:
    codes = [submit(client, service, submission()).json()["tracking_code"] for _ in range(2)]
    report = GeoReport(
        f"{live_server.url}/open311/v2", jurisdiction="93.01", output_format=output_format
    )

    [listed] = as_list(report.get_service_list())
    assert listed["service_code"] == "akta-kelahiran"
    assert listed["service_name"] == "Akta Kelahiran"

    definition = report.get_service_definition("akta-kelahiran")
    attributes = definition["attributes"]
    if output_format == "xml":
        attributes = as_list(attributes["attribute"])
    assert definition["service_code"] == "akta-kelahiran"
    assert {a["code"] for a in attributes} >= {"nama-anak", "tanggal-lahir", "jenis-kelamin"}

    requests = as_list(report.get_service_requests(service_code="akta-kelahiran"))
    assert sorted(r["service_request_id"] for r in requests) == sorted(codes)
    one = report.get_service_request(codes[0])
    if output_format == "xml":
        [one] = as_list(one)
    assert one["service_request_id"] == codes[0]
    assert one["status"] == "open"
    # Nothing personal reaches a public client, in either format.
    everything = repr((requests, one))
    for value in (*PERSONAL.values(), ANSWERS["nama-anak"], ANSWERS["telepon"]):
        assert value not in everything
