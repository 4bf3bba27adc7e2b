"""Writes of the audit trail: record an event, seal chains.

Every service function in every app calls :func:`audit_record` inside its own transaction. That
only INSERTs an unsealed row: no lock, no read of the chain, so writers in one Pemda never queue
behind each other. After the transaction commits, the chain is sealed (:func:`audit_seal`); the
periodic job (``melayani audit_seal`` or :data:`melayani.audit.tasks.audit_seal_task`) seals
whatever that missed. See ``docs/decisions/0005-audit-chain.md``.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import logging
import os
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from melayani.audit.hashing import (
    CONTENT_FIELDS,
    canonical_json,
    changed_field_names,
    changes_digest,
    event_content,
    link_hash,
)
from melayani.audit.models import NATIONAL_CHAIN, AuditChainHead, AuditEvent
from melayani.core.prepared import insert_row

if TYPE_CHECKING:
    from melayani.core.models import Pemda, User

logger = logging.getLogger(__name__)

SYSTEM_ACTOR_LABEL = "system"
DEFAULT_SEAL_BATCH = 2000

_deferred: ContextVar[bool] = ContextVar("melayani_audit_seal_deferred", default=False)


def chain_of(pemda: Pemda | None) -> str:
    """The chain an event of ``pemda`` belongs to: the Pemda's code, or the national chain."""
    return NATIONAL_CHAIN if pemda is None else pemda.code


def _actor_label(actor: User | None) -> str:
    if actor is None:
        return SYSTEM_ACTOR_LABEL
    if getattr(actor, "kind", "") == "official":
        return (actor.full_name or actor.get_username())[:150]
    # A citizen's name, e-mail or phone is personal data: keep only the account number.
    return f"citizen #{actor.pk}"


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: Model | None = None,
    target_type: str = "",
    target_id: str = "",
    pemda: Pemda | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    also_pemda: Pemda | None = None,
    context: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record one state change; call it inside the transaction that makes the change.

    ``before``/``after`` are never stored: only the names of the fields that differ and a keyed
    SHA-256 digest of both, so the trail never holds a NIK or a phone number. ``context`` is stored
    as given (JSON): put identifiers and reasons there, never personal data. ``also_pemda`` records
    the same change in a second chain too (an object moving from one Pemda to another); both rows
    share ``group``. Returns the row in ``pemda``'s chain.
    """
    if not action:
        raise ValueError("an audit event needs an action")
    if target is not None:
        if target.pk is None:
            raise ValueError("audit the target after it is saved (it has no primary key yet)")
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None  # an anonymous visitor acts as the public, like the system
    has_changes = before is not None or after is not None
    # Store exactly what will be hashed later: a JSON round trip fixes types (tuples, dates …).
    stored_context = json.loads(canonical_json(dict(context or {})))
    common: dict[str, Any] = {
        "group": uuid.uuid4(),
        "created_at": timezone.now(),
        "actor": actor,
        "actor_label": _actor_label(actor),
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id),
        "changed_fields": changed_field_names(before, after) if has_changes else [],
        "digest": changes_digest(before, after) if has_changes else "",
    }
    chain = chain_of(pemda)
    other = None
    if also_pemda is not None and chain_of(also_pemda) != chain:
        other = chain_of(also_pemda)
    # Every write of every app records here: the insert is compiled once (core.prepared).
    event = insert_row(
        AuditEvent(
            chain=chain,
            pemda=pemda,
            context={**stored_context, "also_chain": other} if other else stored_context,
            **common,
        )
    )
    _seal_after_commit(chain)
    if other is not None:
        AuditEvent.objects.create(
            chain=other, pemda=also_pemda, context={**stored_context, "also_chain": chain}, **common
        )
        _seal_after_commit(other)
    return event


@contextlib.contextmanager
def audit_sealing_deferred() -> Iterator[None]:
    """Within this block, leave sealing to the periodic job (bulk imports, benchmarks)."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def _seal_after_commit(chain: str) -> None:
    if _deferred.get():
        return
    conn = transaction.get_connection()
    if conn.in_atomic_block:
        # One seal per chain per transaction, however many events it records.
        for _savepoints, func, _robust in conn.run_on_commit:
            if getattr(func, "audit_chain", None) == chain:
                return
    callback = functools.partial(_seal_quietly, chain)
    callback.audit_chain = chain  # type: ignore[attr-defined]
    transaction.on_commit(callback, robust=True)


def _seal_quietly(chain: str) -> None:
    # Never make the writer wait for another sealer: if one holds the chain, it will pick our
    # event up (it re-checks after it lets go), and the periodic job is the backstop.
    if _sealing_in_background():
        _background_sealer.request(chain)
        return
    audit_seal(chain=chain, wait=False)


# --- sealing in the background (the web server's workers) ------------------------------------

IDLE_CLOSE_SECONDS = 300


def _sealing_in_background() -> bool:
    """``settings.AUDIT_SEAL_IN_BACKGROUND``: ``melayani serve`` turns it on for its workers;
    commands and tests seal inline."""
    return bool(settings.AUDIT_SEAL_IN_BACKGROUND)


class BackgroundSealer:
    """One thread per process that seals the chains whose events were just committed.

    The after-commit hook only notes the chain and wakes the thread, so the request does not
    wait for a second transaction. Once woken, the thread waits ``settings.AUDIT_SEAL_DELAY``
    seconds before its pass, so that the events committed meanwhile (in every thread of the
    process) are sealed together in one transaction: under load a process makes a few passes a
    second however many requests it serves, instead of one or more per request. Sealing is the same
    :func:`audit_seal` as inline (``SKIP LOCKED``; the holder of a chain re-checks after letting
    go), so the chain's guarantees are unchanged; an event is unsealed for milliseconds longer,
    and a process killed between commit and seal leaves it to the periodic job, as before.
    """

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # threads do not survive a fork

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._halt = threading.Event()
        self._pending: set[str] = set()
        self._thread: threading.Thread | None = None
        self._stopping = False

    def request(self, chain: str) -> None:
        with self._lock:
            self._pending.add(chain)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="melayani-audit-sealer", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def _take(self) -> list[str]:
        with self._lock:
            chains, self._pending = sorted(self._pending), set()
        return chains

    def _run(self) -> None:
        while not self._stopping:
            if not self._wake.wait(timeout=IDLE_CLOSE_SECONDS):
                connection.close()  # idle: give the database connection back
                continue
            # Gather: what commits in the next moments is sealed in the same pass.
            self._halt.wait(timeout=float(settings.AUDIT_SEAL_DELAY))
            self._wake.clear()
            self.seal_pending()
        self.seal_pending()
        connection.close()

    def stop(self, timeout: float = 10.0) -> None:
        """Seal what is noted, close the thread's connection and end the thread (tests)."""
        thread = self._thread
        self._stopping = True
        self._halt.set()
        self._wake.set()
        if thread is not None:
            thread.join(timeout)
        self._stopping = False
        self._halt.clear()
        self._thread = None

    def seal_pending(self) -> int:
        """Seal the chains noted so far (the thread's pass; also at exit)."""
        total = 0
        for chain in self._take():
            try:
                total += audit_seal(chain=chain, wait=False)
            except Exception:  # the periodic job is the backstop; never let the thread die
                logger.exception("background audit sealing of chain %s failed", chain)
                connection.close()  # a broken connection is opened afresh on the next pass
        return total


_background_sealer = BackgroundSealer()
# At a normal exit, seal what is still noted (daemon threads are stopped without warning).
atexit.register(_background_sealer.seal_pending)


def audit_seal(
    *, chain: str | None = None, limit: int = DEFAULT_SEAL_BATCH, wait: bool = True
) -> int:
    """Link the unsealed events of ``chain`` (all chains if ``None``) into their chains.

    Events are taken in id order among those visible now, ``limit`` per transaction, until none
    is left. ``wait=False`` returns at once when another sealer holds the chain; that sealer checks
    again for new events after it lets go, so nothing is left behind. Returns how many were sealed.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if chain is None:
        chains = sorted(
            set(AuditEvent.objects.unsealed().order_by().values_list("chain", flat=True).distinct())
        )
    else:
        chains = [chain]
    return sum(_seal_chain(key, limit=limit, wait=wait) for key in chains)


def _seal_chain(chain: str, *, limit: int, wait: bool) -> int:
    total = 0
    while True:
        sealed = _seal_batch(chain, limit=limit, wait=wait)
        if sealed is None:
            return total
        total += sealed
        if sealed < limit and not AuditEvent.objects.unsealed().filter(chain=chain).exists():
            return total


def _lock_head(chain: str, *, wait: bool) -> AuditChainHead | None:
    skip = not wait and connection.features.has_select_for_update_skip_locked
    head = AuditChainHead.objects.select_for_update(skip_locked=skip).filter(chain=chain).first()
    if head is not None:
        return head
    if skip and AuditChainHead.objects.filter(chain=chain).exists():
        return None  # another sealer holds it
    AuditChainHead.objects.get_or_create(chain=chain)
    return AuditChainHead.objects.select_for_update().get(chain=chain)


_SEAL_CHUNK = 500


def _write_seals(seals: list[tuple[int, int, str, str]], sealed_at: Any) -> None:
    """Set (id, seq, prev_hash, hash) on unsealed events, one statement per chunk.

    The one write ever made to an existing event (the PostgreSQL trigger allows exactly this);
    raw SQL because the model refuses every update through the ORM.
    """
    with connection.cursor() as cursor:
        for start in range(0, len(seals), _SEAL_CHUNK):
            chunk = seals[start : start + _SEAL_CHUNK]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                "UPDATE audit_auditevent SET seq = v.column2, prev_hash = v.column3,"  # noqa: S608
                f" hash = v.column4, sealed_at = %s FROM (VALUES {values}) AS v"
                " WHERE audit_auditevent.id = v.column1 AND audit_auditevent.seq IS NULL",
                [sealed_at, *(item for seal in chunk for item in seal)],
            )
            if cursor.rowcount != len(chunk):
                raise RuntimeError("an audit event was sealed twice; the chain lock failed")


def _seal_batch(chain: str, *, limit: int, wait: bool) -> int | None:
    with transaction.atomic():
        head = _lock_head(chain, wait=wait)
        if head is None:
            return None
        rows = list(
            AuditEvent.objects.unsealed()
            .filter(chain=chain)
            .order_by("id")
            .values(*CONTENT_FIELDS)[:limit]
        )
        if not rows:
            return 0
        seq, prev_hash, now = head.last_seq, head.last_hash, timezone.now()
        seals = []
        for row in rows:
            seq += 1
            digest = link_hash(prev_hash, seq, event_content(row))
            seals.append((row["id"], seq, prev_hash, digest))
            prev_hash = digest
        _write_seals(seals, connection.ops.adapt_datetimefield_value(now))
        AuditChainHead.objects.filter(pk=head.pk).update(
            last_seq=seq, last_hash=prev_hash, updated_at=now
        )
        return len(rows)
