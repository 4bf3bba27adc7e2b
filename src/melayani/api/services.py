"""API credentials: issuing, checking and revoking them (Open311 client keys, officials' tokens).

Secrets are 256-bit random strings with a recognisable prefix (``mlyk_`` for client keys,
``mlyt_`` for officials' tokens) so that a leaked one is easy to spot in logs and repositories.
Only their SHA-256 digests are stored; an issued secret cannot be shown again.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from melayani.api.models import ApiClient, OfficerToken
from melayani.audit.services import audit_record
from melayani.core.models import Pemda, User
from melayani.core.selectors import user_home_pemda

CLIENT_KEY_PREFIX = "mlyk_"
OFFICER_TOKEN_PREFIX = "mlyt_"  # noqa: S105 — a prefix, not a secret
SHOWN_PREFIX_LENGTH = 12
# Recording "last used" on every request would write on every read; once a minute is enough.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


# --- Open311 client keys ----------------------------------------------------------------------


@transaction.atomic
def api_client_create(*, actor: User | None, pemda: Pemda, name: str) -> tuple[ApiClient, str]:
    """A new client application of ``pemda``; returns it with its key (shown only now)."""
    name = name.strip()
    if not name:
        raise ValueError("an API client needs a name")
    key = _new_secret(CLIENT_KEY_PREFIX)
    client = ApiClient.objects.create(
        pemda=pemda, name=name, prefix=key[:SHOWN_PREFIX_LENGTH], key_digest=secret_digest(key)
    )
    audit_record(
        actor=actor,
        action="api.client_created",
        target=client,
        pemda=pemda,
        context={"name": name, "prefix": client.prefix},
    )
    return client, key


@transaction.atomic
def api_client_revoke(*, actor: User | None, client: ApiClient) -> ApiClient:
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api.client_revoked",
            target=client,
            pemda=client.pemda,
            context={"prefix": client.prefix},
        )
    return client


def api_client_authenticate(key: str) -> ApiClient | None:
    """The live client with this key (its Pemda loaded), or ``None``."""
    if not key or not key.startswith(CLIENT_KEY_PREFIX):
        return None
    return (
        ApiClient.objects.select_related("pemda")
        .filter(key_digest=secret_digest(key), revoked_at__isnull=True)
        .first()
    )


# --- Officials' tokens ------------------------------------------------------------------------


@transaction.atomic
def officer_token_issue(
    *,
    actor: User | None,
    user: User,
    name: str,
    expires_at: datetime.datetime | None = None,
) -> tuple[OfficerToken, str]:
    """A new bearer token for ``user`` (an official); returns it with the secret (shown now only).

    The token acts with the official's current roles, checked on every request by the access
    layer; ending a role ends what the token can do.
    """
    if user.kind != User.Kind.OFFICIAL or not user.is_active:
        raise ValueError("API tokens are issued to active officials only")
    secret = _new_secret(OFFICER_TOKEN_PREFIX)
    token = OfficerToken.objects.create(
        user=user,
        name=name.strip() or "API",
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        token_digest=secret_digest(secret),
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        action="api.token_issued",
        target=token,
        pemda=user_home_pemda(user),
        context={"user_id": user.pk, "prefix": token.prefix},
    )
    return token, secret


@transaction.atomic
def officer_token_revoke(*, actor: User | None, token: OfficerToken) -> OfficerToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api.token_revoked",
            target=token,
            pemda=user_home_pemda(token.user),
            context={"user_id": token.user_id, "prefix": token.prefix},
        )
    return token


def officer_token_authenticate(secret: str) -> Any:
    """The active official a live token belongs to, or ``None`` (records when it was last used)."""
    if not secret or not secret.startswith(OFFICER_TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        OfficerToken.objects.select_related("user")
        .filter(token_digest=secret_digest(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    user = token.user
    if not user.is_active or user.kind != User.Kind.OFFICIAL:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        OfficerToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user
