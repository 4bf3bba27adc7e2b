"""Complaints (pengaduan): aspirations, complaints, information requests and whistleblowing.

The status changes only through the transition functions in ``services.py`` (an explicit state
machine, COMPLAINTS.md §5); every transition is audited and written to the complaint's timeline.
Who may see a complaint — and which part of it — is decided in one place,
:mod:`melayani.complaints.access`. Stage limits are rows of :class:`DeadlineRule` (national
defaults with ``pemda`` empty, overridable per Pemda) counted by the working-day clock.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from melayani.core.fields import NIKField
from melayani.workcalendar.clock import DeadlineUnit


class Classification(models.TextChoices):
    ASPIRATION = "aspiration", _("Aspiration")
    COMPLAINT = "complaint", _("Complaint")
    INFORMATION_REQUEST = "information_request", _("Information request")
    WHISTLEBLOWING = "whistleblowing", _("Whistleblowing")
    PROCUREMENT = "procurement", _("Procurement")


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    API = "api", _("Application (API)")
    DESK = "desk", _("Service desk (walk-in)")
    PHONE = "phone", _("Telephone")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    SOCIAL_MEDIA = "social_media", _("Official social media")
    SMS = "sms", _("Short message (SMS/WhatsApp)")
    COMPLAINT_BOX = "complaint_box", _("Complaint box")
    NATIONAL = "national", _("National system (SP4N-LAPOR!)")
    FORWARDED = "forwarded", _("Forwarded by another Pemda")


#: Channels an official records when entering a report on the reporter's behalf.
OFFICER_CHANNELS = (
    Channel.DESK,
    Channel.PHONE,
    Channel.LETTER,
    Channel.EMAIL,
    Channel.SOCIAL_MEDIA,
    Channel.SMS,
    Channel.COMPLAINT_BOX,
)


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ON_HOLD = "on_hold", _("On hold")
    ARCHIVED = "archived", _("Archived")
    NOT_OUR_AUTHORITY = "not_our_authority", _("Not our authority")
    FORWARDED = "forwarded", _("Forwarded")
    VERIFIED = "verified", _("Verified")
    ASSIGNED = "assigned", _("Disposed to a unit")
    FOLLOWED_UP = "followed_up", _("Answered, under review")
    AWAITING_REPORTER = "awaiting_reporter", _("Awaiting the reporter's response")
    CLOSED = "closed", pgettext_lazy("status", "Closed")
    MERGED = "merged", _("Merged into another report")


OPEN_STATUSES = (
    ComplaintStatus.RECEIVED,
    ComplaintStatus.ON_HOLD,
    ComplaintStatus.VERIFIED,
    ComplaintStatus.ASSIGNED,
    ComplaintStatus.FOLLOWED_UP,
    ComplaintStatus.AWAITING_REPORTER,
)
TERMINAL_STATUSES = (
    ComplaintStatus.ARCHIVED,
    ComplaintStatus.FORWARDED,
    ComplaintStatus.CLOSED,
    ComplaintStatus.MERGED,
)


class Stage(models.TextChoices):
    VERIFICATION = "verification", _("Verification")
    FORWARDING = "forwarding", _("Forwarding to the responsible unit")
    FOLLOW_UP = "follow_up", _("Follow-up by the unit")
    REVIEW = "review", _("Review of the answer")
    DISPUTE = "dispute", _("Follow-up after a dispute")
    AUTO_CLOSE = "auto_close", _("Quiet period before closing")
    SETTLEMENT = "settlement", _("Settlement")
    ESCALATION = "escalation", _("Grace before escalation to the Inspektorat")


class Tier(models.TextChoices):
    STANDARD = "standard", _("No field check needed")
    FIELD_CHECK = "field_check", _("Needs a field check")


class ClockStart(models.TextChoices):
    SUBMITTED = "submitted", _("Submission")
    VERIFIED = "verified", _("Verification")
    DISPOSED = "disposed", _("Disposition to the unit")
    ANSWERED = "answered", _("Answer posted")
    DISPUTED = "disputed", _("Dispute")
    ANSWER_SENT = "answer_sent", _("Answer sent to the reporter")
    DUE = "due", _("The stage's deadline")


class ArchiveReason(models.TextChoices):
    SPAM = "spam", _("Spam or abuse")
    WRONG_FORMAT = "wrong_format", _("Wrong format")
    TOO_GENERAL = "too_general", _("Too general to act on")
    UNRELATED = "unrelated", _("Unrelated to government performance")
    OTHER = "other", _("Other reason")


class Escalation(models.IntegerChoices):
    NONE = 0, _("Not escalated")
    OPD_HEAD = 1, _("Escalated to the head")
    INSPECTORATE = 2, _("Escalated to the Inspektorat")


class DeadlineRule(models.Model):
    """One stage limit: national default (``pemda`` empty) or a Pemda's own value.

    The most specific current row wins: the Pemda's over the national, a classification's over
    any classification, a tier's over any tier, the latest ``valid_from`` on the day asked.
    """

    tenant_field = "pemda"
    shared_within_pemda = True

    pemda = models.ForeignKey(
        "core.Pemda",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="complaint_deadline_rules",
        verbose_name=_("Pemda"),
        help_text=_("Empty for the national default."),
    )
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices, blank=True
    )
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices, blank=True)
    stage = models.CharField(_("stage"), max_length=14, choices=Stage.choices)
    value = models.PositiveIntegerField(_("limit"))
    unit = models.CharField(_("unit"), max_length=16, choices=DeadlineUnit.choices)
    clock_start = models.CharField(_("counted from"), max_length=12, choices=ClockStart.choices)
    legal_source = models.CharField(_("legal source"), max_length=300, blank=True)
    confidence = models.CharField(_("confidence"), max_length=20, blank=True)
    valid_from = models.DateField(_("valid from"))

    class Meta:
        ordering = ["pemda", "stage", "classification", "tier", "-valid_from"]
        verbose_name = _("complaint deadline rule")
        verbose_name_plural = _("complaint deadline rules")
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "stage", "classification", "tier", "valid_from"],
                name="complaint_rule_unique",
            ),
            models.UniqueConstraint(
                fields=["stage", "classification", "tier", "valid_from"],
                condition=Q(pemda__isnull=True),
                name="complaint_rule_unique_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.value} {self.unit}"


class Complaint(models.Model):
    """A report: the reporter's original words are kept; the coordinator's edits live beside."""

    tenant_field = "pemda"

    pemda = models.ForeignKey(
        "core.Pemda", on_delete=models.PROTECT, related_name="complaints", verbose_name=_("Pemda")
    )
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
    )
    classification = models.CharField(
        _("classification"),
        max_length=20,
        choices=Classification.choices,
        default=Classification.COMPLAINT,
    )
    classified_by_coordinator = models.BooleanField(default=False)
    category = models.CharField(_("category"), max_length=80, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices, default=Tier.STANDARD)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)

    # The reporter's words, never changed; the coordinator's rewrite beside them.
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("report"))
    edited_title = models.CharField(_("edited title"), max_length=200, blank=True)

    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    is_confidential = models.BooleanField(_("confidential"), default=False)

    reporter_name = models.CharField(_("reporter name"), max_length=150, blank=True)
    reporter_phone = models.CharField(_("phone"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("e-mail"), blank=True)
    reporter_nik = NIKField(_("NIK"), blank=True)
    reporter_nik_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )

    # What the report is about (foreign keys point backwards along the citizen's chain).
    concerned_opd = models.ForeignKey(
        "core.OPD",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_concerning",
        verbose_name=_("unit concerned"),
    )
    service = models.ForeignKey(
        "catalog.ServiceType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("service"),
    )
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("application"),
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa/kelurahan"),
    )
    location_text = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    # The clock: the current stage, when it started and when it is due (None: no limit).
    stage = models.CharField(_("stage"), max_length=14, choices=Stage.choices, blank=True)
    stage_started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    settlement_due_at = models.DateTimeField(_("settle by"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation"), choices=Escalation.choices, default=Escalation.NONE
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    submitted_at = models.DateTimeField(_("submitted at"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    disposed_at = models.DateTimeField(_("first disposed at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answer sent at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    archive_reason = models.CharField(
        _("archive reason"), max_length=20, choices=ArchiveReason.choices, blank=True
    )
    dispute_count = models.PositiveSmallIntegerField(_("disputes"), default=0)

    forwarded_to = models.ForeignKey(
        "core.Pemda",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forwarded to"),
    )
    forwarded_national = models.BooleanField(_("marked for the national system"), default=False)
    forwarded_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    national_tracking_id = models.CharField(_("SP4N-LAPOR! tracking ID"), max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["pemda", "status", "due_at"], name="complaint_queue"),
            # The workbench reads a Pemda's reports soonest due first, a page at a time.
            models.Index(fields=["pemda", "due_at", "id"], name="complaint_due_order"),
            models.Index(fields=["pemda", "classification"], name="complaint_class"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="archived") | ~Q(status_reason=""),
                name="complaint_archive_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="complaint_merged_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_whistleblowing(self) -> bool:
        return self.classification == Classification.WHISTLEBLOWING

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def display_title(self) -> str:
        return self.edited_title or self.title


class ComplaintDisposition(models.Model):
    """A disposition (disposisi) to a unit; several per complaint, re-routing withdraws one."""

    tenant_field = "complaint__pemda"
    opd_field = "to_opd"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="dispositions")
    to_opd = models.ForeignKey(
        "core.OPD", on_delete=models.PROTECT, related_name="complaint_dispositions"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("instruction"), blank=True)
    created_at = models.DateTimeField(_("disposed at"))
    started_at = models.DateTimeField(_("clock started at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    first_answered_at = models.DateTimeField(null=True, blank=True)
    answered_late = models.BooleanField(default=False)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["complaint", "created_at", "pk"]
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "to_opd"],
                condition=Q(is_active=True),
                name="complaint_one_active_disposition_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint} → {self.to_opd_id}"


class ResponseStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Sent to the reporter")
    RETURNED = "returned", _("Returned to the unit")


class ComplaintResponse(models.Model):
    """A formulated answer (tindak lanjut): a unit's, reviewed before the reporter sees it."""

    tenant_field = "complaint__pemda"
    opd_field = "opd"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="responses")
    disposition = models.ForeignKey(
        ComplaintDisposition,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="responses",
    )
    opd = models.ForeignKey(
        "core.OPD", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("answer"))
    status = models.CharField(
        _("status"), max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.PENDING
    )
    created_at = models.DateTimeField(_("written at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["complaint", "created_at", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.complaint} answer"


class ComplaintEvent(models.Model):
    """The timeline: transitions, the reporter's replies and visible notes, in order."""

    tenant_field = "complaint__pemda"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    message = models.TextField(_("message"), blank=True)
    visible_to_reporter = models.BooleanField(default=True)
    by_reporter = models.BooleanField(default=False)

    class Meta:
        ordering = ["complaint", "created_at", "pk"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self) -> str:
        return f"{self.complaint} {self.action}"


class ComplaintAttachment(models.Model):
    tenant_field = "complaint__pemda"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="complaints/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["complaint", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name
