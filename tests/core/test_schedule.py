import pytest
from django.core.management import call_command
from django.utils.module_loading import import_string

from melayani.audit.models import AuditEvent
from melayani.audit.services import audit_record, audit_sealing_deferred
from melayani.schedule import SCHEDULE

pytestmark = pytest.mark.django_db


def test_every_scheduled_job_is_a_task() -> None:
    names = [job.name for job in SCHEDULE]
    assert len(names) == len(set(names))
    for job in SCHEDULE:
        assert hasattr(import_string(job.task), "enqueue"), job.task


def test_run_schedule_once_runs_the_jobs(world, capsys) -> None:
    with audit_sealing_deferred():
        audit_record(actor=None, action="schedule.test", target=world.merauke, pemda=world.merauke)
    assert AuditEvent.objects.filter(action="schedule.test", seq__isnull=True).exists()
    call_command("run_schedule", "--once")  # the test settings run tasks immediately
    assert not AuditEvent.objects.filter(action="schedule.test", seq__isnull=True).exists()
    assert "enqueued audit-seal" in capsys.readouterr().out
