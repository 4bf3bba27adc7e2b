"""``create_api_key`` and ``issue_api_token``: print the secret and nothing else; keep a digest."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from melayani.api.models import ApiClient, OfficerToken
from melayani.api.services import (
    api_client_authenticate,
    officer_token_authenticate,
    secret_digest,
)
from tests.conftest import World

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_api_key_prints_only_the_key(world: World) -> None:
    output = run("create_api_key", "Aplikasi Warga Merauke", "--pemda", "93.01")
    key = output.strip()
    assert output == key + "\n"
    assert key.startswith("mlyk_") and " " not in key
    client = ApiClient.objects.get()
    assert client.pemda == world.merauke and client.name == "Aplikasi Warga Merauke"
    assert client.key_digest == secret_digest(key) != key
    assert api_client_authenticate(key) == client


def test_create_api_key_refuses_an_unknown_pemda(world: World) -> None:
    with pytest.raises(CommandError):
        run("create_api_key", "X", "--pemda", "99.99")
    assert not ApiClient.objects.exists()


def test_issue_api_token_prints_only_the_token(world: World) -> None:
    output = run("issue_api_token", "officer", "--days", "30")
    secret = output.strip()
    assert output == secret + "\n" and secret.startswith("mlyt_")
    token = OfficerToken.objects.get()
    assert token.token_digest == secret_digest(secret)
    assert token.expires_at is not None
    assert officer_token_authenticate(secret) == world["officer"]
    with pytest.raises(CommandError):
        run("issue_api_token", "citizen")
    with pytest.raises(CommandError):
        run("issue_api_token", "nobody")


def test_no_missing_migrations() -> None:
    out = StringIO()
    call_command("makemigrations", "api", "--check", "--dry-run", stdout=out)
