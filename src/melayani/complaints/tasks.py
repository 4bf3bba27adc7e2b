"""Background work of complaints."""

from __future__ import annotations

from django_tasks import task

from melayani.complaints.services import complaints_escalate_due


@task()
def complaints_escalate_task() -> dict[str, int]:
    """Auto-close reports after the quiet period; escalate overdue stages (head, Inspektorat)."""
    report = complaints_escalate_due()
    return {
        "auto_closed": report.auto_closed,
        "escalated_heads": report.escalated_heads,
        "escalated_inspectorate": report.escalated_inspectorate,
    }
