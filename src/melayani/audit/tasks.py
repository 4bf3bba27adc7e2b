"""Background work of the audit trail."""

from __future__ import annotations

from django_tasks import task

from melayani.audit.services import audit_seal


@task()
def audit_seal_task(chain: str | None = None) -> int:
    """Seal every chain's (or one chain's) unsealed events; the periodic backstop of sealing."""
    return audit_seal(chain=chain)
