"""The processing register: generated from the inventory, per Pemda, for the DPO only."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from melayani.core.models import User
from melayani.privacy import inventory, selectors, services
from tests.conftest import PERSONA_NAMES
from tests.privacy.clients import client_for

pytestmark = pytest.mark.django_db


def test_register_lists_every_declared_record_with_its_basis_retention_and_viewers(world) -> None:
    rows = {r.record_type: r for r in selectors.processing_register(world.merauke)}
    declared = {r.label for r in inventory.records() if r.fields}
    assert set(rows) == declared
    application = rows["applications.application"]
    assert application.basis == "public_service"
    assert "applicant_nik" in application.fields
    assert application.retention_days == 5 * 365
    assert application.keep_reason
    # Who may see the data whole comes from the roles (data), not from code.
    assert "Data protection officer" in application.visible_to
    assert "OPD officer" in application.visible_to
    assert rows["privacy.consent"].basis == "consent"


def test_a_pemdas_own_retention_period_shows_in_its_register_only(world) -> None:
    services.retention_policy_set(
        actor=world["dpo"], pemda=world.merauke, record_type="applications.application", days=3650
    )
    merauke = {r.record_type: r for r in selectors.processing_register(world.merauke)}
    jogja = {r.record_type: r for r in selectors.processing_register(world.yogyakarta)}
    assert merauke["applications.application"].retention_days == 3650
    assert jogja["applications.application"].retention_days == 5 * 365


def test_the_dpo_views_and_exports_the_register_xlsx_and_json(world) -> None:
    client = client_for("dpo", world)
    code = world.merauke.code
    page = client.get(reverse("privacy:register", args=[code]))
    assert page.status_code == 200
    assert "applications.application" in page.content.decode()

    xlsx = client.get(reverse("privacy:register-xlsx", args=[code]))
    assert xlsx.status_code == 200
    sheet = load_workbook(BytesIO(xlsx.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "applications.application" in values
    assert any(isinstance(v, str) and "Kabupaten Merauke" in v for v in values)

    data = json.loads(client.get(reverse("privacy:register-json", args=[code])).content)
    assert data["pemda"]["code"] == code
    types = {r["record_type"]: r for r in data["records"]}
    assert types["applications.application"]["lawful_basis"] == "public_service"
    assert types["applications.application"]["retention_days_after_closure"] == 5 * 365


@pytest.mark.parametrize(
    "name", ["privacy:register", "privacy:register-xlsx", "privacy:register-json"]
)
def test_nobody_else_reaches_the_register(world, name: str) -> None:
    for persona in PERSONA_NAMES:
        if persona == "dpo":
            continue
        response = client_for(persona, world).get(reverse(name, args=[world.merauke.code]))
        assert response.status_code == 404, persona
    # Merauke's DPO does not reach Yogyakarta's register either.
    response = client_for("dpo", world).get(reverse(name, args=[world.yogyakarta.code]))
    assert response.status_code == 404


def test_the_public_notice_shows_the_register_in_plain_words(client, world) -> None:
    body = client.get(reverse("privacy:notice", args=[world.merauke.code])).content.decode()
    assert "Online applications for a public service" in body
    assert "3 × 24" in body
    assert User.objects.filter(kind="citizen").exists()
