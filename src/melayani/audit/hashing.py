"""Canonical JSON and the hashes of the audit chain (pure functions, no database)."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Mapping
from typing import Any

from django.db.models import Model
from django.utils.crypto import salted_hmac

# Columns of an event that its link hash covers (everything except the seal itself).
CONTENT_FIELDS = (
    "id",
    "chain",
    "pemda_id",
    "group",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "changed_fields",
    "digest",
    "context",
)
_DIGEST_SALT = "melayani.audit.digest"


def _default(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=canonical_json)
    if isinstance(value, Model):
        return f"{value._meta.label_lower}:{value.pk}"
    if isinstance(value, bytes):
        return value.hex()
    return str(value)  # lazy translations, enums, paths …


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no whitespace, UTF-8 text, UTC ISO datetimes."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def changes_digest(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, *, secret: str | None = None
) -> str:
    """Keyed SHA-256 (HMAC) of the canonical before/after.

    Keyed, not a bare SHA-256: a bare hash of ``{"phone": "0812…"}`` can be reversed by trying every
    phone number; without the server's key it cannot. ``secret`` defaults to ``SECRET_KEY``.
    """
    payload = canonical_json({"before": before, "after": after})
    return salted_hmac(_DIGEST_SALT, payload, secret=secret, algorithm="sha256").hexdigest()


def changed_field_names(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[str]:
    """Names of the fields whose values differ (every field given when one side is absent)."""
    before, after = before or {}, after or {}
    return sorted(
        str(name)
        for name in set(before) | set(after)
        if name not in before
        or name not in after
        or canonical_json(before[name]) != canonical_json(after[name])
    )


def event_content(row: Mapping[str, Any]) -> str:
    """The canonical text of an event's content (``row`` holds :data:`CONTENT_FIELDS`)."""
    return canonical_json({name: row[name] for name in CONTENT_FIELDS})


def link_hash(prev_hash: str, seq: int, content: str) -> str:
    """SHA-256(prev_hash | seq | content): the hash that chains an event to its predecessor."""
    return hashlib.sha256(f"{prev_hash}|{seq}|{content}".encode()).hexdigest()
