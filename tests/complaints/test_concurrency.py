"""Many simultaneous submissions with retries: none lost, none duplicated (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from melayani.complaints import services
from melayani.complaints.models import Complaint
from melayani.core.models import IdempotencyKey, Pemda
from tests.complaints.factories import report_data

THREADS = 8
REPORTS = 40  # distinct reports; each is sent by two threads at once, and retried once more


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_with_retries(reference_data: None) -> None:
    assert connection.vendor == "postgresql"
    merauke = Pemda.objects.get(code="93.01")
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    answers: dict[str, set[str]] = {f"key-{i}": set() for i in range(REPORTS)}
    lock = threading.Lock()

    def sender(n: int) -> None:
        try:
            start.wait()
            # Each key is owned by two threads (n and n+THREADS/2 share keys) and sent twice each.
            for i in range(n % (THREADS // 2), REPORTS, THREADS // 2):
                key = f"key-{i}"
                data = report_data(title=f"Laporan serentak nomor {i}")
                for _attempt in range(2):
                    complaint = services.complaint_submit(
                        pemda=merauke, data=data, idempotency_key=key
                    )
                    with lock:
                        answers[key].add(complaint.tracking_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # Every sender of a key got the same tracking code; one report per key, none lost.
    assert all(len(codes) == 1 for codes in answers.values()), answers
    assert Complaint.objects.filter(pemda=merauke).count() == REPORTS
    titles = set(Complaint.objects.values_list("title", flat=True))
    assert titles == {f"Laporan serentak nomor {i}" for i in range(REPORTS)}
    codes = {next(iter(c)) for c in answers.values()}
    assert codes == set(Complaint.objects.values_list("tracking_code", flat=True))
    assert IdempotencyKey.objects.filter(scope="complaints.submit:93.01").count() == REPORTS
