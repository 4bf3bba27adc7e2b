"""Background work of the evaluation."""

from __future__ import annotations

from django_tasks import task

from melayani.evaluation.services import actions_escalate_overdue


@task()
def evaluation_escalate_task() -> dict[str, int]:
    """Escalate action-plan items (rencana aksi) past their due date, once each."""
    return {"escalated": actions_escalate_overdue().escalated}
