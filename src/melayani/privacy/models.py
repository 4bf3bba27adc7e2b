"""Personal-data protection records of a Pemda (UU 27/2022): data-subject requests, breaches,
consents and retention policies.

Statuses change only through the service functions (explicit transitions, each audited). Every
deadline here is the law's 3 × 24 hours, counted in wall-clock hours by the Pemda's clock
(:class:`melayani.workcalendar.clock.DeadlineUnit.HOURS`). The access log is not a table of its
own: it is the ``personal_data.viewed_unmasked`` events of the tamper-evident audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from melayani.core.fields import EncryptedTextField

#: UU PDP: access (Pasal 32), stopping withdrawn processing and breach notices (Pasal 46).
LEGAL_LIMIT_HOURS = 72


class RequestKind(models.TextChoices):
    ACCESS = "access", _("See my data (access and copy)")
    CORRECTION = "correction", _("Correct my data")
    ERASURE = "erasure", _("Delete or anonymise my data")
    WITHDRAW_CONSENT = "withdraw_consent", _("Withdraw my consent")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("Being handled")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")


OPEN_REQUEST_STATUSES = (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)


class SubjectRequest(models.Model):
    """A data subject's request, verified at intake (tracking code + contact on record, or an
    account). The identity proven is kept encrypted and never shown to anyone but the DPO."""

    tenant_field = "pemda"
    owner_field = "requester_user"

    pemda = models.ForeignKey(
        "core.Pemda", on_delete=models.PROTECT, related_name="+", verbose_name=_("Pemda")
    )
    reference = models.CharField(_("reference"), max_length=16, unique=True)
    kind = models.CharField(_("request"), max_length=20, choices=RequestKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    verified_by = models.CharField(_("verified by"), max_length=20)  # "tracking_code", "account"
    requester_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    identity = EncryptedTextField(_("identity proven"))  # JSON of a SubjectIdentity
    # Keyed digest of the identity and kind: finds a repeated request without decrypting.
    identity_digest = models.CharField(max_length=64, db_index=True, editable=False)
    contact = EncryptedTextField(_("reply to"), blank=True)
    details = EncryptedTextField(_("details"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due at"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    export = EncryptedTextField(_("export (JSON)"), blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        indexes = [models.Index(fields=["pemda", "status", "due_at"], name="subjectrequest_queue")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(outcome=""),
                name="subjectrequest_refusal_has_reason",
            ),
            # One open request per person and kind: a repeat waits for the first.
            models.UniqueConstraint(
                fields=["pemda", "identity_digest"],
                condition=Q(status__in=["received", "in_progress"]),
                name="subjectrequest_one_open_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES


class BreachStatus(models.TextChoices):
    SUSPECTED = "suspected", _("Suspected")
    ASSESSED = "assessed", _("Assessed")
    NOTIFIED = "notified", _("Notices issued")
    CLOSED = "closed", pgettext_lazy("status", "Closed")


class Breach(models.Model):
    """A (suspected) personal-data breach and what UU PDP Pasal 46 asks the notices to say."""

    tenant_field = "pemda"

    pemda = models.ForeignKey(
        "core.Pemda", on_delete=models.PROTECT, related_name="+", verbose_name=_("Pemda")
    )
    reference = models.CharField(_("reference"), max_length=16, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=BreachStatus.choices, default=BreachStatus.SUSPECTED
    )
    title = models.CharField(_("title"), max_length=200)
    discovered_at = models.DateTimeField(_("discovered at"))
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    due_at = models.DateTimeField(_("notices due at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # What Pasal 46 asks the written notice to contain.
    data_disclosed = models.TextField(_("personal data disclosed"), blank=True)
    how = models.TextField(_("when and how it was disclosed"), blank=True)
    handling = models.TextField(_("handling and recovery"), blank=True)
    subjects_affected = models.PositiveIntegerField(_("data subjects affected"), default=0)
    notify_subjects = models.BooleanField(_("notify the data subjects"), default=True)
    notify_public = models.BooleanField(_("inform the public"), default=False)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notices issued at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-discovered_at"]
        verbose_name = _("personal-data breach")
        verbose_name_plural = _("personal-data breaches")

    def __str__(self) -> str:
        return self.reference


class NoticeAudience(models.TextChoices):
    SUBJECTS = "subjects", _("Data subjects")
    AUTHORITY = "authority", _("PDP authority")
    PUBLIC = "public", _("The public")


class BreachNotice(models.Model):
    """A written notice as issued: its text is kept exactly as it went out."""

    tenant_field = "breach__pemda"

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="notices")
    audience = models.CharField(_("to"), max_length=12, choices=NoticeAudience.choices)
    body = models.TextField(_("text"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["breach", "issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["breach", "audience"], name="breachnotice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.breach} {self.audience}"


class ConsentPurpose(models.TextChoices):
    SURVEY_FOLLOWUP = "survey_followup", _("Being contacted for follow-up surveys")
    WHATSAPP = "whatsapp", _("Updates by WhatsApp")


class Consent(models.Model):
    """Consent to one optional processing purpose, given for one contact in one Pemda.

    A new consent is a new row; withdrawal sets ``withdrawn_at`` (processing stops at once, and
    at the latest by ``stop_due_at``)."""

    tenant_field = "pemda"
    owner_field = "user"

    pemda = models.ForeignKey(
        "core.Pemda", on_delete=models.PROTECT, related_name="+", verbose_name=_("Pemda")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    contact = EncryptedTextField(_("contact"))
    contact_index = models.CharField(max_length=64, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text_version = models.CharField(_("text version"), max_length=20)
    text = models.TextField(_("text agreed to"))
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    stop_due_at = models.DateTimeField(_("processing stops by"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "purpose", "contact_index"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.given_at:%Y-%m-%d}"


class RetentionPolicy(models.Model):
    """A Pemda's own retention period for one record type (the inventory holds the default)."""

    tenant_field = "pemda"

    pemda = models.ForeignKey(
        "core.Pemda", on_delete=models.PROTECT, related_name="+", verbose_name=_("Pemda")
    )
    record_type = models.CharField(_("record type"), max_length=100)
    days = models.PositiveIntegerField(_("days after closure"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["pemda", "record_type"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "record_type"], name="retention_one_per_type"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type}: {self.days}"
