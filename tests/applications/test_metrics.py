"""The applications' evidence metric for the reform evaluation, read through core.metrics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from melayani.applications.models import ApplicationStatus
from melayani.applications.selectors import METRIC_COMPLETED_ON_TIME
from melayani.core import metrics
from tests.applications.workbench_factories import application_make, service_for

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def test_share_completed_without_a_breach_in_the_period(world):
    service = service_for(world.dukcapil)
    other_pemda = service_for(world.jogja_dukcapil)
    now = timezone.now()
    in_period = now - dt.timedelta(days=2)
    for breached in (None, None, None, in_period - dt.timedelta(days=1)):
        application_make(service, status=S.COMPLETED, completed_at=in_period, breached_at=breached)
    # Not counted: completed before the period, still in process, rejected.
    application_make(service, status=S.COMPLETED, completed_at=now - dt.timedelta(days=40))
    application_make(service, status=S.IN_PROCESS)
    application_make(service, status=S.REJECTED)
    application_make(other_pemda, status=S.COMPLETED, completed_at=in_period, breached_at=now)

    start, end = (now - dt.timedelta(days=30)).date(), now.date()
    value = metrics.compute(
        METRIC_COMPLETED_ON_TIME, pemda_id=world.merauke.pk, start=start, end=end
    )
    assert (value.numerator, value.denominator) == (3, 4)
    assert value.value == Decimal("75.00")
    assert value.source and value.computed_at is not None


def test_no_completed_application_gives_no_value(world):
    today = timezone.now().date()
    value = metrics.compute(
        METRIC_COMPLETED_ON_TIME, pemda_id=world.merauke.pk, start=today, end=today
    )
    assert value.value is None and value.denominator == 0
