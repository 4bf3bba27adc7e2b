"""Background work of applications."""

from __future__ import annotations

from django_tasks import task

from melayani.applications.services import applications_escalate_due


@task()
def applications_escalate_task() -> dict[str, int]:
    """Record breached deadlines and tell OPD heads about overdue and due-soon work."""
    report = applications_escalate_due()
    return {
        "breached": report.breached,
        "escalated": report.escalated,
        "heads_notified": report.heads_notified,
    }
