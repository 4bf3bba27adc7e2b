"""Signing in: password, throttling, one-time codes (setup and use), signing out."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import World
from tests.core.web_factories import PASSWORD, confirmed_device, current_code

pytestmark = pytest.mark.django_db

LOGIN = reverse("core:login")
HOME = reverse("core:home")
TWO_FACTOR = reverse("core:two-factor")
SETUP = reverse("core:two-factor-setup")


def test_sign_in_page_renders_for_anonymous(client: Client) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert b'autocomplete="current-password"' in response.content


def test_official_signs_in_and_reaches_home(client: Client, world: World) -> None:
    response = client.post(LOGIN, {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == HOME
    home = client.get(HOME)
    assert home.status_code == 200
    assert "OPD officer" in home.content.decode()
    assert world.dukcapil_service_desk.name in home.content.decode()


def test_sign_in_honours_a_safe_next_only(client: Client, world: World) -> None:
    target = reverse("core:pemda-list")
    response = client.post(
        f"{LOGIN}?{urlencode({'next': target})}",
        {"username": "officer", "password": PASSWORD, "next": target},
    )
    assert response["Location"] == target
    client.logout()
    response = client.post(
        LOGIN, {"username": "officer", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == HOME


def test_wrong_password_shows_the_error_summary(client: Client, world: World) -> None:
    response = client.post(LOGIN, {"username": "officer", "password": "wrong"})
    assert response.status_code == 200
    assert b'class="error-summary"' in response.content
    assert "_auth_user_id" not in client.session


def test_lockout_after_the_configured_failures(client: Client, world: World) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert client.post(LOGIN, {"username": "officer", "password": "wrong"}).status_code == 200
    locked = client.post(LOGIN, {"username": "officer", "password": "wrong"})
    assert locked.status_code == 429
    assert "Signing in is paused" in locked.content.decode()
    # Even the right password is refused while locked.
    again = client.post(LOGIN, {"username": "officer", "password": PASSWORD})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sign_out_is_post_only(client: Client, world: World) -> None:
    client.force_login(world["officer"])
    assert client.get(reverse("core:logout")).status_code == 405
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:public-home")
    assert client.get(HOME).status_code == 302


def test_inspector_is_sent_to_the_code_step_after_password(client: Client, world: World) -> None:
    response = client.post(LOGIN, {"username": "inspector", "password": PASSWORD})
    assert response["Location"] == f"{TWO_FACTOR}?{urlencode({'next': HOME})}"


def test_unverified_inspector_is_redirected_from_staff_pages(client: Client, world: World) -> None:
    client.force_login(world["inspector"])
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(TWO_FACTOR)
    # Public pages stay reachable, without the officials' sections.
    detail = client.get(reverse("core:pemda-detail", args=["93.01"]))
    assert detail.status_code == 200
    assert "Officials and their roles" not in detail.content.decode()


def test_setup_and_confirm_a_totp_device(client: Client, world: World) -> None:
    inspector = world["inspector"]
    client.post(LOGIN, {"username": "inspector", "password": PASSWORD})
    # No device yet: the code page sends the user to set one up, keeping where they were going.
    response = client.get(f"{TWO_FACTOR}?{urlencode({'next': HOME})}")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?{urlencode({'next': HOME})}"

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg class="qr" role="img"' in html
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    device = TOTPDevice.objects.get(user=inspector, confirmed=False)
    # Reloading keeps the same secret (the app may already have scanned it).
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=inspector).count() == 1

    wrong_code = "000000" if current_code(device) != "000000" else "111111"
    wrong = client.post(SETUP, {"token": wrong_code})
    assert wrong.status_code == 200
    assert b'aria-invalid="true"' in wrong.content
    device.refresh_from_db()
    assert not device.confirmed
    # Wrong codes slow further tries down (django-otp's throttling); time passes.
    device.throttle_reset()

    confirmed = client.post(SETUP, {"token": current_code(device), "next": HOME})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == HOME
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOME).status_code == 200
    # Once confirmed, the setup page cannot be used to add another secret.
    assert client.get(SETUP)["Location"].startswith(TWO_FACTOR)


def test_code_step_with_an_existing_device(client: Client, world: World) -> None:
    device = confirmed_device(world["inspector"])
    client.post(LOGIN, {"username": "inspector", "password": PASSWORD})
    page = client.get(TWO_FACTOR)
    assert page.status_code == 200
    assert b'autocomplete="one-time-code"' in page.content

    bad_format = client.post(TWO_FACTOR, {"token": "12ab"})
    assert b"six digits" in bad_format.content
    ok = client.post(TWO_FACTOR, {"token": current_code(device), "next": HOME})
    assert ok["Location"] == HOME
    assert client.get(HOME).status_code == 200
    # Already verified: the code page just moves on.
    assert client.get(TWO_FACTOR)["Location"] == HOME


def test_code_step_rejects_a_wrong_code(client: Client, world: World) -> None:
    device = confirmed_device(world["dpo"])
    client.force_login(world["dpo"])
    wrong = "000000" if current_code(device) != "000000" else "111111"
    response = client.post(TWO_FACTOR, {"token": wrong})
    assert response.status_code == 200
    assert b'class="error-summary"' in response.content
    assert client.get(HOME).status_code == 302


def test_officer_without_two_factor_role_is_not_asked(client: Client, world: World) -> None:
    client.force_login(world["officer"])
    assert client.get(HOME).status_code == 200
