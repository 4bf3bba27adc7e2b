"""Deadlines: the working clock of the Pemda, stop-the-clock on return, extensions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from melayani.applications import selectors, services
from tests.applications.factories import service_make, submit

pytestmark = pytest.mark.django_db
WIT = ZoneInfo("Asia/Jayapura")  # Merauke


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WIT)


@pytest.fixture
def service(world):
    return service_make(world.dukcapil_service_desk, completion=(5, "working_days"))


def test_verify_before_idul_fitri_2026(world, service):
    # Thu 12 March is day 0; Nyepi (19 March), Idul Fitri (21–22) and cuti bersama (18, 20, 23,
    # 24 March) are skipped: Fri 13, Mon 16, Tue 17, Wed 25, Thu 26 → close of office on the 26th.
    app = submit(service)
    with time_machine.travel(at(2026, 3, 12, 10, 0), tick=False):
        services.application_verify(actor=world["officer"], application=app)
    assert app.due_at == at(2026, 3, 26, 16, 0)
    deadline = selectors.application_deadline(app, now=at(2026, 3, 13))
    assert deadline.zone == "WIT" and deadline.due_local == at(2026, 3, 26, 16, 0)
    assert not deadline.overdue


def test_return_and_resubmit_extend_by_the_paused_working_time(world, service):
    app = submit(service)
    officer = world["officer"]
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):  # Monday
        services.application_verify(actor=officer, application=app)
    assert app.due_at == at(2026, 3, 9, 16, 0)
    with time_machine.travel(at(2026, 3, 3, 10, 0), tick=False):  # Tuesday
        services.application_return(actor=officer, application=app, reason="KK tidak terbaca")
    assert app.due_at is None  # stopped: unknown until the applicant resubmits
    assert selectors.application_deadline(app).clock_stopped
    with time_machine.travel(at(2026, 3, 4, 10, 0), tick=False):  # Wednesday
        services.application_resubmit(application=app, data={"message": "KK baru"}, files={})
    # Paused 6 office hours on Tuesday and 2 on Wednesday: one working day more.
    assert app.due_at == at(2026, 3, 10, 16, 0)
    suspension = app.suspensions.get()
    assert suspension.ended_at == at(2026, 3, 4, 10, 0)


def test_pause_outside_office_hours_moves_nothing(world, service):
    app = submit(service)
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        services.application_verify(actor=world["officer"], application=app)
    with time_machine.travel(at(2026, 3, 6, 17, 0), tick=False):  # Friday after closing
        services.application_return(actor=world["officer"], application=app, reason="x")
    with time_machine.travel(at(2026, 3, 7, 9, 0), tick=False):  # Saturday
        services.application_resubmit(application=app, data={"message": "y"}, files={})
    assert app.due_at == at(2026, 3, 9, 16, 0)


def test_no_stop_when_the_standard_says_so(world):
    service = service_make(world.dukcapil_service_desk)
    standard = service.standards.get()
    from melayani.catalog.models import ServiceStandard

    ServiceStandard._base_manager.filter(pk=standard.pk).update(stop_clock_when_returned=False)
    app = submit(service)
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        services.application_verify(actor=world["officer"], application=app)
        services.application_return(actor=world["officer"], application=app, reason="x")
    assert app.due_at == at(2026, 3, 9, 16, 0)
    assert not app.suspensions.exists()


def test_extension_is_added_and_shown_to_the_citizen(world, service):
    app = submit(service)
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        services.application_verify(actor=world["officer"], application=app)
        services.application_extend(
            actor=world["opd_head"],
            application=app,
            amount=2,
            unit="working_days",
            reason="Menunggu verifikasi pusat",
        )
    assert app.due_at == at(2026, 3, 11, 16, 0)  # Mon 9 + two working days
    with time_machine.travel(at(2026, 3, 3, 10, 0), tick=False):
        services.application_extend(
            actor=world["opd_head"], application=app, amount=3, unit="hours", reason="Tanda tangan"
        )
    assert app.due_at == at(2026, 3, 11, 19, 0)
    bodies = [e.body for e in selectors.application_timeline(app, for_citizen=True)]
    assert any("Menunggu verifikasi pusat" in b for b in bodies)


def test_completion_after_the_due_moment_records_the_breach(world, service):
    app = submit(service)
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        services.application_verify(actor=world["officer"], application=app)
        services.application_start(actor=world["officer"], application=app)
    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):
        services.application_complete(actor=world["officer"], application=app)
    assert app.breached_at == at(2026, 3, 9, 16, 0)
