"""A signed-in test client for a persona (one-time-code device confirmed, as after sign-in)."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import World


def client_for(persona: str, world: World) -> Client:
    client = Client()
    if persona == "anonymous":
        return client
    user = world[persona]
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="privacy", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
