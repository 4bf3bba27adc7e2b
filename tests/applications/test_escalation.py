"""The scheduled escalation: breaches recorded once, OPD heads told once per stage."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from melayani.applications import services
from melayani.applications.tasks import applications_escalate_task
from melayani.schedule import SCHEDULE
from tests.applications.factories import service_make, submit

pytestmark = pytest.mark.django_db
WIT = ZoneInfo("Asia/Jayapura")


def test_breach_and_escalation_are_idempotent(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    service = service_make(world.dukcapil_service_desk)
    app = submit(service)
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=WIT), tick=False):
        services.application_verify(actor=world["officer"], application=app)
    mailoutbox.clear()
    due_soon = dt.datetime(2026, 3, 8, 12, tzinfo=WIT)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.applications_escalate_due(now=due_soon)
    assert (report.breached, report.escalated, report.heads_notified) == (0, 1, 1)
    assert mailoutbox[0].to == [world["opd_head"].email]
    assert app.tracking_code[:4] in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        again = services.applications_escalate_due(now=due_soon)
    assert (again.breached, again.escalated) == (0, 0) and len(mailoutbox) == 1

    overdue = dt.datetime(2026, 3, 10, 9, tzinfo=WIT)
    with django_capture_on_commit_callbacks(execute=True):
        late = services.applications_escalate_due(now=overdue)
        later = services.applications_escalate_due(now=overdue + dt.timedelta(hours=1))
    assert (late.breached, late.escalated) == (1, 1)
    assert (later.breached, later.escalated) == (0, 0)
    app.refresh_from_db()
    assert app.breached_at == dt.datetime(2026, 3, 9, 16, tzinfo=WIT)
    assert len(mailoutbox) == 2 and "OVERDUE" in mailoutbox[1].body
    assert not app.events.get(action="breach").visible_to_citizen


def test_task_and_schedule():
    assert any(j.task == "melayani.applications.tasks.applications_escalate_task" for j in SCHEDULE)
    result = applications_escalate_task.enqueue()
    assert result.return_value == {"breached": 0, "escalated": 0, "heads_notified": 0}
