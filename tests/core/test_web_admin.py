"""The Django admin: verified platform administrators only, in Bahasa Indonesia by default."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.core.web_factories import sign_in_verified

pytestmark = pytest.mark.django_db

ADMIN = reverse("admin:index")


def test_anonymous_is_sent_to_our_sign_in(client: Client) -> None:
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("core:login"))
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["officer", "leader", "citizen"])
def test_refused_for_officials_who_are_not_platform_admins(
    client: Client, world: World, persona: str
) -> None:
    client.force_login(world[persona])
    response = client.get(ADMIN, follow=True)
    assert response.status_code == 403
    assert b"You cannot open this page" in response.content


def test_refused_for_verified_non_admins(client: Client, world: World) -> None:
    sign_in_verified(client, world["inspector"])
    response = client.get(ADMIN, follow=True)
    assert response.status_code == 403


def test_refused_for_unverified_platform_admins(client: Client, world: World) -> None:
    client.force_login(world["platform_admin"])
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:two-factor"))
    # The admin's own sign-in page does not offer a way around the code either.
    login = client.get(reverse("admin:login"))
    assert login.status_code == 302
    assert login["Location"].startswith(reverse("core:two-factor"))


@pytest.mark.usefixtures("indonesian_default")
def test_verified_platform_admin_gets_the_admin_in_indonesian(client: Client, world: World) -> None:
    sign_in_verified(client, world["platform_admin"])
    response = client.get(ADMIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id"' in html
    assert "Selamat datang" in html  # Django's own Indonesian admin strings


def test_admin_follows_the_chosen_language(client: Client, world: World) -> None:
    sign_in_verified(client, world["platform_admin"])
    client.post(reverse("set_language"), {"language": "en", "next": ADMIN})
    html = client.get(ADMIN).content.decode()
    assert '<html lang="en"' in html
    assert "Welcome" in html
