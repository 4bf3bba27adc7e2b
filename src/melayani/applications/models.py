"""Online applications (permohonan) for a service, and their lifecycle.

The status changes only through the transition functions in ``services.py`` (an explicit state
machine); every transition is audited and written to the application's timeline. The clock starts
when the file is verified complete (berkas lengkap); the due moment comes from the standard's
completion time through the working-day clock of the Pemda. Returning the file for correction
stops the clock (a suspension) until the citizen resubmits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from melayani.core.fields import EncryptedTextField, NIKField


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified complete")
    IN_PROCESS = "in_process", _("In process")
    RETURNED = "returned", _("Returned for correction")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")


OPEN_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.VERIFIED,
    ApplicationStatus.IN_PROCESS,
    ApplicationStatus.RETURNED,
)


class Application(models.Model):
    tenant_field = "pemda"
    opd_field = "opd"
    owner_field = "applicant_user"

    # Every submission writes each index of this table: the foreign keys below that lead an index
    # in ``Meta.indexes`` (Pemda, unit) or are never searched by (the desa) have none of their own,
    # and the code and NIK index have plain b-trees, without PostgreSQL's extra LIKE index.
    pemda = models.ForeignKey(
        "core.Pemda",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("Pemda"),
        db_index=False,
    )
    opd = models.ForeignKey(
        "core.OPD",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("unit"),
        db_index=False,
    )
    service = models.ForeignKey(
        "catalog.ServiceType",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("service"),
    )
    # The standard version the application was made under: its rules and deadline apply.
    standard = models.ForeignKey(
        "catalog.ServiceStandard",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("service standard"),
    )
    # Random, unguessable, short enough to read over the phone (see services.tracking_code_new).
    tracking_code = models.CharField(_("tracking code"), max_length=16)
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default="submitted"
    )

    # The applicant. Citizens need no account; with one, they see all their applications.
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("applicant account"),
    )
    applicant_name = models.CharField(_("applicant name"), max_length=150)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_nik = NIKField(_("NIK"), blank=True)
    applicant_nik_index = models.CharField(max_length=64, blank=True, editable=False)
    applicant_address = EncryptedTextField(_("address"), blank=True)
    applicant_region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa/kelurahan"),
        db_index=False,
    )
    # Answers to the standard's form fields other than files and the applicant's identity fields.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # Answers that are personal data (NIK, phone, e-mail, address fields): JSON, encrypted.
    answers_private = EncryptedTextField(_("personal answers"), blank=True, default="")
    # A free description and a map point, as Open311 clients send with a service request; free
    # text may name people, so it is encrypted like the address. Neither is ever published.
    description = EncryptedTextField(_("description from the applicant"), blank=True, default="")
    location_lat = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    location_long = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    channel = models.CharField(_("channel"), max_length=20, default="web")

    submitted_at = models.DateTimeField(_("submitted at"))
    verified_at = models.DateTimeField(_("verified complete at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    product_ready_at = models.DateTimeField(_("product ready at"), null=True, blank=True)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_applications",
        verbose_name=_("assigned officer"),
    )
    # A breach of the standard's deadline (service-guarantee breach), recorded once.
    breached_at = models.DateTimeField(_("deadline breached at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["pemda", "status", "due_at"], name="application_queue"),
            models.Index(fields=["opd", "status"], name="application_opd_status"),
            models.Index(fields=["applicant_nik_index"], name="application_nik_index"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_code"], name="application_tracking_code"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="application_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ApplicationDocument(models.Model):
    tenant_field = "application__pemda"
    opd_field = "application__opd"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    field_key = models.SlugField(_("form field"), max_length=60)
    requirement = models.ForeignKey(
        "catalog.Requirement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="applications/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)  # sniffed, not as declared
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["application", "uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.original_name


class ApplicationEvent(models.Model):
    """The application's timeline: transitions and citizen-visible notes, in order."""

    tenant_field = "application__pemda"
    opd_field = "application__opd"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    message = models.TextField(_("message"), blank=True)
    visible_to_citizen = models.BooleanField(_("visible to the applicant"), default=True)

    class Meta:
        ordering = ["application", "created_at", "pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self) -> str:
        return f"{self.application} {self.action}"


class ClockSuspension(models.Model):
    """A stop-the-clock interval (e.g. returned for correction); open while ``ended_at`` is null."""

    tenant_field = "application__pemda"
    opd_field = "application__opd"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="suspensions"
    )
    started_at = models.DateTimeField(_("stopped at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["application", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(ended_at__isnull=True),
                name="suspension_one_open_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.started_at:%Y-%m-%d}"


class DeadlineExtension(models.Model):
    tenant_field = "application__pemda"
    opd_field = "application__opd"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="extensions"
    )
    amount = models.PositiveIntegerField(_("extension"))
    unit = models.CharField(_("unit"), max_length=16)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["application", "created_at"]

    def __str__(self) -> str:
        return f"{self.application} +{self.amount} {self.unit}"


class ApplicationNote(models.Model):
    """An officer's note: internal, or visible to the applicant."""

    tenant_field = "application__pemda"
    opd_field = "application__opd"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    visible_to_citizen = models.BooleanField(_("visible to the applicant"), default=False)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["application", "created_at"]

    def __str__(self) -> str:
        return f"{self.application} note"
