"""The scheduled job: overdue stages escalate once to the head, then to the Inspektorat."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from melayani.complaints import access as complaint_access
from melayani.complaints import services
from melayani.complaints.models import Escalation
from melayani.complaints.tasks import complaints_escalate_task
from melayani.schedule import SCHEDULE
from tests.complaints.factories import report

pytestmark = pytest.mark.django_db
WIT = ZoneInfo("Asia/Jayapura")


def test_overdue_follow_up_goes_to_the_head_then_the_inspectorate(
    cw, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=WIT), tick=False):
        complaint = report(cw.merauke, reporter_name="Yosef Kaize")
        services.complaint_dispose(
            actor=cw["complaint_coordinator"], complaint=complaint, opds=[cw.dukcapil]
        )
    complaint.refresh_from_db()
    assert complaint.due_at == dt.datetime(2026, 3, 9, 16, tzinfo=WIT)
    inspector = cw["inspector"]
    assert not complaint_access.complaints_visible(inspector).filter(pk=complaint.pk).exists()
    mailoutbox.clear()
    before_due = dt.datetime(2026, 3, 9, 15, tzinfo=WIT)
    assert services.complaints_escalate_due(now=before_due).escalated_heads == 0

    overdue = dt.datetime(2026, 3, 10, 9, tzinfo=WIT)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.complaints_escalate_due(now=overdue)
        again = services.complaints_escalate_due(now=overdue + dt.timedelta(hours=1))
    assert (first.escalated_heads, again.escalated_heads) == (1, 0)
    assert [m.to for m in mailoutbox] == [[cw["opd_head"].email]]
    assert "Yosef" not in mailoutbox[0].body
    complaint.refresh_from_db()
    assert complaint.escalation_level == Escalation.OPD_HEAD

    # The grace (2 working days after the deadline: Wed 11 March closing) has not run out.
    assert (
        services.complaints_escalate_due(
            now=dt.datetime(2026, 3, 11, 15, tzinfo=WIT)
        ).escalated_inspectorate
        == 0
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = services.complaints_escalate_due(now=dt.datetime(2026, 3, 12, 9, tzinfo=WIT))
    assert second.escalated_inspectorate == 1
    assert mailoutbox[-1].to == [inspector.email]
    complaint.refresh_from_db()
    assert complaint.escalation_level == Escalation.INSPECTORATE
    # Now the Inspektorat sees it (not the former or another Pemda's inspector).
    for persona, sees in (
        ("inspector", True),
        ("former_inspector", False),
        ("other_pemda_inspector", False),
    ):
        user = cw[persona]
        visible = complaint_access.complaints_visible(user).filter(pk=complaint.pk).exists()
        assert visible == sees, persona


def test_overdue_whistleblowing_never_reaches_the_unit(
    cw, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=WIT), tick=False):
        report(cw.merauke, classification="whistleblowing", concerned_opd=str(cw.dukcapil.pk))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.complaints_escalate_due(now=dt.datetime(2026, 3, 10, 9, tzinfo=WIT))
        services.complaints_escalate_due(now=dt.datetime(2026, 3, 20, 9, tzinfo=WIT))
    recipients = {a for m in mailoutbox for a in m.to}
    assert recipients == {cw["inspector"].email}


def test_task_and_schedule(cw):
    assert any(j.task == "melayani.complaints.tasks.complaints_escalate_task" for j in SCHEDULE)
    result = complaints_escalate_task.enqueue()
    assert result.return_value == {
        "auto_closed": 0,
        "escalated_heads": 0,
        "escalated_inspectorate": 0,
    }
