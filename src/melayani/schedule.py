"""Every recurring job of the platform, in one place.

``melayani run_schedule`` enqueues each job when it is due (through Django's Tasks interface, so
the database backend by default and Redis workers at scale); a system timer may instead run
``melayani run_schedule --once`` every minute. Jobs are idempotent, so a run that overlaps another,
or a missed run followed by a late one, does no harm. Later modules add their lines here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path to a django-tasks task
    every: timedelta


SCHEDULE: tuple[Job, ...] = (
    # The backstop for events whose seal right after commit did not run (a crash, a busy chain).
    Job("audit-seal", "melayani.audit.tasks.audit_seal_task", timedelta(minutes=1)),
    # Deadline breaches and escalation of overdue / due-soon applications to OPD heads.
    Job(
        "applications-escalate",
        "melayani.applications.tasks.applications_escalate_task",
        timedelta(minutes=15),
    ),
    # Complaints: auto-close after the quiet period; escalate overdue stages (head, Inspektorat).
    Job(
        "complaints-escalate",
        "melayani.complaints.tasks.complaints_escalate_task",
        timedelta(minutes=15),
    ),
    # UU PDP retention: anonymise or delete personal data past its period (aggregates stay).
    Job("privacy-retention", "melayani.privacy.tasks.privacy_retention_task", timedelta(hours=6)),
    # Reform evaluation: escalate action-plan items (rencana aksi) past their due date.
    Job(
        "evaluation-escalate",
        "melayani.evaluation.tasks.evaluation_escalate_task",
        timedelta(hours=1),
    ),
)
