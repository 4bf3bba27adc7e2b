"""Domain events: how one wing of the platform reacts to another without importing it.

A service function calls :func:`publish` inside its transaction; every subscriber registered for
that name (all registrations live in :mod:`melayani.subscriptions`) runs after the transaction
commits. A rolled-back transaction publishes nothing. Subscribers that are slow enqueue a task
themselves; the default is inline so that nothing in the default path needs a worker.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DomainEvent:
    name: str
    payload: dict[str, Any] = field(default_factory=dict)


Subscriber = Callable[[DomainEvent], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)


def subscribe(name: str, handler: Subscriber) -> None:
    """Register ``handler`` for events called ``name`` (idempotent)."""
    if handler not in _subscribers[name]:
        _subscribers[name].append(handler)


def subscribers(name: str) -> tuple[Subscriber, ...]:
    return tuple(_subscribers.get(name, ()))


def publish(name: str, **payload: Any) -> DomainEvent:
    """Publish an event; its subscribers run once the current transaction commits."""
    event = DomainEvent(name=name, payload=payload)

    def dispatch() -> None:
        for handler in subscribers(name):
            # One failing subscriber must not stop the others, nor undo the committed write.
            try:
                handler(event)
            except Exception:
                logger.exception("subscriber %s failed for event %s", handler, name)

    transaction.on_commit(dispatch, robust=False)
    return event
