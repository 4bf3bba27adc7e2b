from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from melayani.audit.models import AuditChainHead, AuditEvent
from melayani.audit.selectors import audit_verify
from melayani.audit.services import audit_record, audit_seal
from melayani.core.models import Pemda

THREADS = 8
EVENTS_PER_THREAD = 40


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_in_one_pemda_make_one_valid_chain(merauke: Pemda) -> None:
    assert connection.vendor == "postgresql"
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(EVENTS_PER_THREAD):
                # Each event in its own transaction; its commit triggers a seal of the chain.
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        action=f"load.t{n}",
                        target_type="bench.row",
                        target_id=f"{n}-{i}",
                        pemda=merauke,
                    )
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []

    # The after-commit seals left nothing behind: a writer that finds the chain busy leaves its
    # event to the sealer holding it, which looks again after letting go.
    assert not AuditEvent.objects.unsealed().filter(chain="93.01").exists()
    assert audit_seal(chain="93.01") == 0
    total = THREADS * EVENTS_PER_THREAD
    seqs = list(
        AuditEvent.objects.filter(chain="93.01").order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, total + 1))  # none lost, none duplicated, none unsealed
    assert AuditEvent.objects.filter(chain="93.01").values("target_id").distinct().count() == total
    assert AuditChainHead.objects.get(chain="93.01").last_seq == total
    [report] = audit_verify(chain="93.01")
    assert report.ok and report.checked == total and report.unsealed == 0
