"""Retried submissions stored once: the ``Idempotency-Key`` rules shared by every intake.

A submission that carries a key is stored together with an :class:`IdempotencyKey` row (scope,
key, a fingerprint of what was sent) in one transaction; the row is inserted first, so that a
concurrent retry waits on it and then finds it. A retry with the same key and the same content
gets the first answer again; the same key with different content is refused, never answered
with someone else's record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from melayani.core.models import IdempotencyKey

#: Form fields that never belong to the content of a submission.
NOT_CONTENT = frozenset({"csrfmiddlewaretoken", "idempotency_key"})


def submission_fingerprint(
    owner: Mapping[str, Any], data: Mapping[str, Any], uploads: Mapping[str, Any]
) -> str:
    """SHA-256 of what was sent: ``owner`` (e.g. the service or Pemda id), the form values
    (every value of a multi-valued field) and each upload's name and size."""
    getlist = getattr(data, "getlist", None)
    values = {
        key: [str(v) for v in getlist(key)] if getlist is not None else [str(data[key])]
        for key in sorted(k for k in data if k not in NOT_CONTENT)
    }
    files = {
        key: [[getattr(f, "name", ""), getattr(f, "size", 0)] for f in files_of]
        for key, files_of in sorted(uploads.items())
    }
    raw = json.dumps({"owner": dict(owner), "data": values, "files": files}, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def stored_response(
    scope: str, key: str, fingerprint: str, *, reused_message: str
) -> dict[str, Any] | None:
    """The answer stored for ``key`` in ``scope``, or None when the key is new.

    Raises ``ValidationError`` (field ``idempotency_key``, code ``idempotency_key_reused``) when
    the key was used for different content.
    """
    stored = IdempotencyKey.objects.filter(scope=scope, key=key).first()
    if stored is None:
        return None
    if stored.fingerprint != fingerprint:
        raise ValidationError(
            {"idempotency_key": ValidationError(reused_message, code="idempotency_key_reused")}
        )
    return dict(stored.response or {})


def key_reserve(scope: str, key: str, fingerprint: str, *, status_code: int = 201) -> Any:
    """Insert the key's row first thing in the storing transaction (a retry then waits on it)."""
    return IdempotencyKey.objects.create(
        scope=scope, key=key, fingerprint=fingerprint, status_code=status_code, response={}
    )


def key_answer(stored: Any, response: Mapping[str, Any]) -> None:
    """Record the answer a retry with the same key will get."""
    stored.response = dict(response)
    stored.save(update_fields=["response"])
