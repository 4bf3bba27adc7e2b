"""The audit trail: append-only events, hash-chained per Pemda (and one national chain).

Writers only INSERT an unsealed :class:`AuditEvent` (no lock, no read of the chain). A sealer
(:func:`melayani.audit.services.audit_seal`) later links the unsealed events of a chain in id
order, assigning ``seq``, ``prev_hash`` and ``hash``; only sealers of the same chain wait for each
other, on that chain's :class:`AuditChainHead` row. See ``docs/decisions/0005-audit-chain.md``.

Rows are never changed or removed through the ORM: ``save()`` of an existing row, ``delete()`` and
queryset ``update()``/``delete()`` raise :class:`AppendOnlyError`. On PostgreSQL a trigger also
refuses UPDATE (except sealing an unsealed row) and DELETE.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NATIONAL_CHAIN = "national"
GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit event through the ORM."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only (the sealer writes seals in SQL)")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")

    def unsealed(self) -> AuditEventQuerySet:
        return self.filter(seq__isnull=True)


class AuditEvent(models.Model):
    """One recorded state change, in one chain. A move between Pemda is two rows (one group)."""

    tenant_field = "pemda"

    chain = models.CharField(
        _("chain"),
        max_length=12,
        editable=False,
        help_text=_("The Pemda code, or 'national' for events that belong to no Pemda."),
    )
    pemda = models.ForeignKey(
        "core.Pemda",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Pemda"),
        db_index=False,  # led by the (pemda, -created_at) index
    )
    group = models.UUIDField(
        _("group"),
        default=uuid.uuid4,
        editable=False,
        help_text=_("Shared by the rows of one change recorded in two chains."),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=80)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    changed_fields = models.JSONField(_("changed fields"), default=list)
    digest = models.CharField(_("digest of before/after"), max_length=64, blank=True)
    context = models.JSONField(_("context"), default=dict)
    # Seal: set once by the sealer.
    seq = models.BigIntegerField(_("sequence"), null=True, blank=True, editable=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_unique_seq"),
            models.CheckConstraint(
                condition=Q(chain=NATIONAL_CHAIN, pemda__isnull=True)
                | (~Q(chain=NATIONAL_CHAIN) & Q(pemda__isnull=False)),
                name="audit_event_national_iff_no_pemda",
            ),
        ]
        indexes = [
            models.Index(fields=["pemda", "-created_at"], name="audit_event_pemda_time"),
            models.Index(
                fields=["chain", "id"], condition=Q(seq__isnull=True), name="audit_event_unsealed"
            ),
            models.Index(fields=["target_type", "target_id"], name="audit_event_target"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq or '-'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")


class AuditChainHead(models.Model):
    """The last sealed link of one chain; locked by its sealers, checked by the verifier."""

    chain = models.CharField(_("chain"), max_length=12, unique=True)
    last_seq = models.BigIntegerField(_("last sequence"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64, default=GENESIS_HASH)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["chain"]
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"{self.chain}@{self.last_seq}"
