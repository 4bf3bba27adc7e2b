"""Reads for the public Open311 face: service requests as the public may see them.

An Open311 listing is public, so these reads select only columns that are safe to publish (the
tracking code, the service, the unit, the status and its milestones) — never the applicant's
name, contacts, NIK, address or answers, which are therefore not even loaded.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from melayani.applications.models import OPEN_STATUSES, Application, ApplicationStatus
from melayani.core.models import Pemda

SAFE_COLUMNS = (
    "tracking_code",
    "status",
    "service__code",
    "service__name",
    "opd__name",
    "submitted_at",
    "verified_at",
    "due_at",
    "completed_at",
    "rejected_at",
    "product_ready_at",
)
CLOSED_STATUSES = (ApplicationStatus.COMPLETED, ApplicationStatus.REJECTED)
DEFAULT_SPAN = datetime.timedelta(days=90)  # the specification's default window
MAX_RESULTS = 1000  # the specification's default limit


def _public(pemda: Pemda) -> QuerySet[Application]:
    return Application.objects.filter(pemda=pemda, service__is_active=True)


def open311_requests(
    *,
    pemda: Pemda,
    service_codes: Sequence[str] = (),
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    statuses: Sequence[str] = (),
    now: datetime.datetime,
) -> list[dict[str, Any]]:
    """Safe columns of the Pemda's requests, newest first; by default the last 90 days.

    ``statuses`` holds Open311 statuses (``open``, ``closed``).
    """
    if start is None and end is None:
        start = now - DEFAULT_SPAN
    requests = _public(pemda)
    if service_codes:
        requests = requests.filter(service__code__in=list(service_codes))
    if start is not None:
        requests = requests.filter(submitted_at__gte=start)
    if end is not None:
        requests = requests.filter(submitted_at__lte=end)
    wanted = set(statuses)
    if wanted == {"open"}:
        requests = requests.filter(status__in=OPEN_STATUSES)
    elif wanted == {"closed"}:
        requests = requests.filter(status__in=CLOSED_STATUSES)
    return list(requests.order_by("-submitted_at", "-pk").values(*SAFE_COLUMNS)[:MAX_RESULTS])


def open311_requests_by_id(*, pemda: Pemda, codes: Sequence[str]) -> list[dict[str, Any]]:
    """Safe columns of the Pemda's requests with these tracking codes (unknown ones left out)."""
    return list(
        _public(pemda)
        .filter(tracking_code__in=list(codes)[:MAX_RESULTS])
        .order_by("-submitted_at", "-pk")
        .values(*SAFE_COLUMNS)
    )
