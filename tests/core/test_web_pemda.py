"""The public Pemda pages, and what signed-in officials see there in addition."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.core.web_factories import sign_in_verified

pytestmark = pytest.mark.django_db

LIST = reverse("core:pemda-list")


def detail(code: str) -> str:
    return reverse("core:pemda-detail", args=[code])


def test_list_is_paginated_and_bounded_in_queries(
    client: Client, reference_data: None, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(3):  # provinces, count, page
        first = client.get(LIST)
    assert first.status_code == 200
    assert first.context["page"].paginator.count == 546
    assert len(first.context["pemdas"]) == 50
    with django_assert_max_num_queries(3):
        last = client.get(LIST, {"page": 11})
    assert len(last.context["pemdas"]) == 546 - 500


def test_list_filters_by_province(
    client: Client, reference_data: None, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(3):
        response = client.get(LIST, {"province": "93"})
    names = [p.name for p in response.context["pemdas"]]
    assert "Kabupaten Merauke" in names
    assert all(p.province.code == "93" for p in response.context["pemdas"])
    # The page links keep the filter.
    assert response.context["form"].cleaned_data["province"] == "93"


def test_unknown_province_filter_shows_an_error_not_a_crash(
    client: Client, reference_data: None
) -> None:
    response = client.get(LIST, {"province": "99"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 546
    assert b'aria-invalid="true"' in response.content


def test_detail_shows_public_facts_only_to_anonymous(client: Client, world: World) -> None:
    response = client.get(detail("93.01"))
    html = response.content.decode()
    assert "Kabupaten Merauke" in html
    assert "WIT" in html
    assert world.dukcapil.name not in html
    assert "Officials and their roles" not in html


def test_detail_of_a_province_lists_its_regencies(client: Client, reference_data: None) -> None:
    html = client.get(detail("93")).content.decode()
    assert detail("93.01") in html


def test_unknown_pemda_is_404(client: Client, reference_data: None) -> None:
    assert client.get(detail("99.99")).status_code == 404


def test_pemda_admin_sees_units_and_people_after_the_code(client: Client, world: World) -> None:
    sign_in_verified(client, world["pemda_admin"])
    html = client.get(detail("93.01")).content.decode()
    assert world.dukcapil.name in html
    assert world.dukcapil_service_desk.name in html
    assert "Officials and their roles" in html
    assert world["inspector"].display_name in html


def test_officials_of_another_pemda_see_only_public_facts(client: Client, world: World) -> None:
    client.force_login(world["other_pemda_officer"])
    html = client.get(detail("93.01")).content.decode()
    assert world.dukcapil.name not in html
    assert "Officials and their roles" not in html


def test_opd_officer_sees_only_their_own_subtree(client: Client, world: World) -> None:
    client.force_login(world["officer"])
    html = client.get(detail("93.01")).content.decode()
    assert world.dukcapil_service_desk.name in html
    assert world.dinkes.name not in html
    assert "Officials and their roles" not in html  # no people.view


def test_detail_query_count_is_bounded_for_officials(
    client: Client, world: World, django_assert_max_num_queries
) -> None:
    sign_in_verified(client, world["pemda_admin"])
    with django_assert_max_num_queries(16):
        client.get(detail("93.01"))


def test_pemda_settings_page_for_its_administrators_only(world) -> None:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from melayani.audit.models import AuditEvent

    def client_for(persona: str) -> Client:
        client = Client()
        user = world[persona]
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    url = "/pemda/93.01/settings/"
    for persona in ("other_pemda_admin", "inspector", "officer", "national_analyst"):
        assert client_for(persona).get(url).status_code == 404, persona
        assert (
            client_for(persona).post(url, {"two_factor_for_all_officials": "on"}).status_code == 404
        )
    admin = client_for("pemda_admin")
    assert b"two_factor_for_all_officials" in admin.get(url).content
    assert url.encode() in admin.get("/pemda/93.01/").content
    response = admin.post(url, {"two_factor_for_all_officials": "on"})
    assert response.status_code == 302
    world.merauke.refresh_from_db()
    assert world.merauke.two_factor_for_all_officials
    assert AuditEvent.objects.filter(action="pemda.settings_changed").exists()
