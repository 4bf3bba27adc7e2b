"""The metrics registry: how operational facts become evaluation evidence.

Serving apps register named metrics computed by their selectors (e.g. the share of services with a
published standard); the evaluation wing reads them by name and never imports the serving apps.
A metric is computed for one Pemda and period and returns a dated, traceable value.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class MetricValue:
    name: str
    pemda_id: int
    period_start: datetime.date
    period_end: datetime.date
    value: Decimal | int | None
    numerator: int | None = None
    denominator: int | None = None
    computed_at: datetime.datetime | None = None
    source: str = ""  # where the figure comes from, e.g. the selector and filter used
    details: dict[str, Any] = field(default_factory=dict)


MetricFunction = Callable[[int, datetime.date, datetime.date], MetricValue]


@dataclass(frozen=True)
class Metric:
    name: str
    label: str | Promise
    unit: str  # "percent", "count", "index"
    compute: MetricFunction


_registry: dict[str, Metric] = {}


def register(metric: Metric) -> None:
    existing = _registry.get(metric.name)
    if existing is not None and existing.compute is not metric.compute:
        raise ValueError(f"metric {metric.name!r} is already registered")
    _registry[metric.name] = metric


def get(name: str) -> Metric:
    return _registry[name]


def names() -> list[str]:
    return sorted(_registry)


def compute(name: str, *, pemda_id: int, start: datetime.date, end: datetime.date) -> MetricValue:
    if end < start:
        raise ValueError("period end is before its start")
    return _registry[name].compute(pemda_id, start, end)
