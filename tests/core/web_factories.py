"""Helpers for the web-shell tests: signing in through the real pages, one-time codes."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from melayani.core.models import User

PASSWORD = "correct-horse-battery"  # tests.core.factories.UserFactory's


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def confirmed_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def sign_in_verified(client: Client, user: User) -> None:
    """Sign in with password and a one-time code, as a person would."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or confirmed_device(user)
    response = client.post(reverse("core:two-factor"), {"token": current_code(device)})
    assert response.status_code == 302, response.content
