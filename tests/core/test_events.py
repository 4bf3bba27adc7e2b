"""Domain events run their subscribers only after the publishing transaction commits."""

from __future__ import annotations

import pytest
from django.db import transaction

from melayani.core import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    seen: list[events.DomainEvent] = []

    def handler(event: events.DomainEvent) -> None:
        seen.append(event)

    events.subscribe("test.happened", handler)
    yield seen
    events._subscribers["test.happened"].remove(handler)


def test_subscribers_run_after_commit(received, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.publish("test.happened", pemda_id=7)
        assert received == []  # not inside the transaction
    assert [(e.name, e.payload) for e in received] == [("test.happened", {"pemda_id": 7})]


def test_rolled_back_transaction_publishes_nothing(
    received, django_capture_on_commit_callbacks
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        events.publish("test.happened")
        raise RuntimeError("boom")
    assert callbacks == []
    assert received == []


def test_a_failing_subscriber_does_not_stop_the_others(
    received, django_capture_on_commit_callbacks
) -> None:
    def broken(event: events.DomainEvent) -> None:
        raise ValueError("broken subscriber")

    events.subscribe("test.happened", broken)
    events._subscribers["test.happened"].reverse()  # the broken one first
    try:
        with django_capture_on_commit_callbacks(execute=True):
            events.publish("test.happened")
    finally:
        events._subscribers["test.happened"].remove(broken)
    assert len(received) == 1


def test_subscribe_is_idempotent(received) -> None:
    handler = events.subscribers("test.happened")[0]
    events.subscribe("test.happened", handler)
    assert events.subscribers("test.happened").count(handler) == 1
