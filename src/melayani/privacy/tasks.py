"""Background work of personal-data protection (scheduled in :mod:`melayani.schedule`)."""

from __future__ import annotations

from django_tasks import task

from melayani.privacy.retention import retention_run


@task()
def privacy_retention_task() -> dict[str, dict[str, int]]:
    """Anonymise or delete what is past its retention period (idempotent)."""
    return retention_run()
