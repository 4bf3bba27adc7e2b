"""Sealing in the background (``melayani serve``'s workers): same chain, not in the request."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import override_settings

from melayani.audit import services
from melayani.audit.models import AuditEvent
from melayani.audit.selectors import audit_verify
from melayani.audit.services import BackgroundSealer, audit_record
from melayani.core.models import Pemda


class NotingSealer(BackgroundSealer):
    """Notes chains like the real one, but seals only when the test says so (no thread)."""

    def request(self, chain: str) -> None:
        with self._lock:
            self._pending.add(chain)


@override_settings(AUDIT_SEAL_IN_BACKGROUND=True)
def test_after_commit_notes_the_chain_and_the_sealer_seals_it(
    merauke: Pemda, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    sealer = NotingSealer()
    monkeypatch.setattr(services, "_background_sealer", sealer)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for i in range(3):
            audit_record(actor=None, action=f"bg.{i}", pemda=merauke)
    # The request is done: nothing sealed yet, the chain is noted once.
    assert AuditEvent.objects.unsealed().filter(chain="93.01").count() == 3
    assert sealer._pending == {"93.01"}
    assert sealer.seal_pending() == 3
    assert sealer._pending == set()
    [report] = audit_verify(chain="93.01")
    assert report.ok and report.checked == 3 and report.unsealed == 0


@override_settings(AUDIT_SEAL_IN_BACKGROUND=False)
def test_inline_when_the_setting_is_off(merauke: Pemda, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        audit_record(actor=None, action="inline", pemda=merauke)
    assert not AuditEvent.objects.unsealed().filter(chain="93.01").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(AUDIT_SEAL_IN_BACKGROUND=True)
def test_background_thread_seals_concurrent_writers_into_one_chain(
    merauke: Pemda, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert connection.vendor == "postgresql"
    sealer = BackgroundSealer()
    monkeypatch.setattr(services, "_background_sealer", sealer)
    threads, per_thread = 6, 30
    start = threading.Barrier(threads)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        action="bg.load",
                        target_type="t",
                        target_id=f"{n}-{i}",
                        pemda=merauke,
                    )
        finally:
            connection.close()

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    deadline = time.monotonic() + 20
    try:
        while AuditEvent.objects.unsealed().filter(chain="93.01").exists():
            assert time.monotonic() < deadline, "the background sealer left events unsealed"
            time.sleep(0.05)
    finally:
        sealer.stop()  # closes the thread's connection
    [report] = audit_verify(chain="93.01")
    assert report.ok and report.checked == threads * per_thread and report.unsealed == 0
