"""Fixtures for the API tests: an active Merauke with published services, and officials' tokens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from melayani.api.services import api_client_create, officer_token_issue
from melayani.catalog.models import ServiceType
from tests.catalog.factories import published_service
from tests.conftest import World

PERSONAL = {
    "applicant_name": "Siti Rahmawati Kaize",
    "applicant_phone": "0812-4455-6677",
    "applicant_email": "siti.kaize@example.com",
    "applicant_nik": "9301014506900003",
}
ANSWERS = {
    "nama-anak": "Yohanes Kaize",
    "tanggal-lahir": "2026-01-15",
    "jenis-kelamin": "Laki-laki",
    "telepon": "0813-9988-7766",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_world(world: World) -> World:
    """Merauke active on the platform (the public catalogue shows only active Pemda)."""
    for pemda in (world.merauke, world.yogyakarta):
        pemda.is_active = True
        pemda.save(update_fields=["is_active"])
    return world


@pytest.fixture
def service(api_world: World) -> ServiceType:
    """Birth certificate at Merauke's Dukcapil service desk; no uploads needed."""
    return published_service(
        api_world.dukcapil_service_desk,
        code="akta-kelahiran",
        name="Akta Kelahiran",
        requirements=(("Kartu Keluarga", False),),
        keywords="akta lahir anak",
    )


def submission(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {**PERSONAL, "answers": dict(ANSWERS)}
    body.update(overrides)
    return body


def submit(client: Client, service: ServiceType, body: dict[str, Any], **headers: str) -> Any:
    return client.post(
        f"/api/v1/pemda/{service.pemda.code}/services/{service.code}/applications",
        body,
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def token_for(api_world: World) -> Any:
    def make(persona: str) -> dict[str, str]:
        _token, secret = officer_token_issue(actor=None, user=api_world[persona], name="tests")
        return {"Authorization": f"Bearer {secret}"}

    return make


@pytest.fixture
def open311_key(api_world: World) -> str:
    _client, key = api_client_create(actor=None, pemda=api_world.merauke, name="Kota app")
    return key
