"""Public input is rate limited per client address, on the web pages as in the API."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from melayani.core.ratelimit import allow, client_address, parse_rate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_parse_rate() -> None:
    assert parse_rate("20/m") == (20, 60)
    assert parse_rate(" 5 / h ") == (5, 3600)
    for bad in ("20", "x/m", "20/w", ""):
        with pytest.raises(ValueError):
            parse_rate(bad)


def test_window_counts_per_address_and_scope() -> None:
    factory = RequestFactory()
    first = factory.post("/", REMOTE_ADDR="10.0.0.1")
    other = factory.post("/", REMOTE_ADDR="10.0.0.2")
    assert [allow(first, scope="t", rate="3/m") for _ in range(4)] == [True, True, True, False]
    assert allow(other, scope="t", rate="3/m")
    assert allow(first, scope="u", rate="3/m")


def test_forwarded_for_is_trusted_only_behind_configured_proxies(settings) -> None:
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.9"
    settings.AXES_IPWARE_PROXY_COUNT = 1
    assert client_address(request) == "5.6.7.8"


def test_tracking_page_answers_429_past_its_rate(settings) -> None:
    settings.API_TRACK_RATE = "2/m"
    client = Client()
    data = {"code": "ZZZZ-ZZZZ-ZZ", "contact": "081234567890"}
    statuses = [client.post("/lacak/", data).status_code for _ in range(3)]
    assert statuses[:2] == [400, 400]  # not found, asked to check both
    assert statuses[2] == 429
    response = client.post("/lacak/", data)
    assert response.status_code == 429 and int(response["Retry-After"]) == 60
    assert client.get("/lacak/").status_code == 200  # reading the form stays open
