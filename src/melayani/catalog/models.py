"""The service catalogue: each OPD's services, their versioned Standar Pelayanan, and Maklumat.

A Standar Pelayanan (service standard) has the 14 components of UU 25/2009 as structured data.
A published version is immutable: a change makes a new version, and applications keep the version
they were made under. The application form is part of the standard version (its fields), so a form
change is a standard change too.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from melayani.workcalendar.clock import DeadlineUnit


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class PublishedRecordImmutable(Exception):
    """A published (or superseded) version, or one of its rows, was about to change.

    The services refuse such changes with a friendly ``ValidationError`` first; this is the
    model-level invariant behind them, so that no code path (admin, shell, a bug) rewrites what
    was published. The only change allowed is the status move published → superseded.
    """


_SUPERSEDE_ONLY = frozenset({"status"})


class VersionedQuerySet(models.QuerySet):
    """Refuses bulk updates/deletes that would touch a published or superseded version."""

    def _locked(self) -> models.QuerySet:
        return self.exclude(status=PublicationStatus.DRAFT)

    def update(self, **kwargs: Any) -> int:
        if set(kwargs) == _SUPERSEDE_ONLY and kwargs["status"] == PublicationStatus.SUPERSEDED:
            if self.exclude(status=PublicationStatus.PUBLISHED).exists():
                raise PublishedRecordImmutable("only published versions can be superseded")
        elif self._locked().exists():
            raise PublishedRecordImmutable("a published version cannot be changed")
        return super().update(**kwargs)

    update.queryset_only = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        if self._locked().exists():
            raise PublishedRecordImmutable("a published version cannot be deleted")
        return super().delete()

    delete.queryset_only = True  # type: ignore[attr-defined]


class VersionedModel(models.Model):
    """A version (standard or pledge) that is frozen once it leaves the draft status."""

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True

    status: Any

    def save(self, *args: Any, **kwargs: Any) -> None:
        stored = self._stored_status()
        if stored not in (None, PublicationStatus.DRAFT):
            superseding = (
                stored == PublicationStatus.PUBLISHED
                and self.status == PublicationStatus.SUPERSEDED
                and set(kwargs.get("update_fields") or ()) == _SUPERSEDE_ONLY
            )
            if not superseding:
                raise PublishedRecordImmutable(f"{self} is {stored} and cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self._stored_status() not in (None, PublicationStatus.DRAFT):
            raise PublishedRecordImmutable(f"{self} is published and cannot be deleted")
        return super().delete(*args, **kwargs)

    def _stored_status(self) -> str | None:
        if self._state.adding or self.pk is None:
            return None
        manager: Any = type(self)._base_manager
        return manager.filter(pk=self.pk).values_list("status", flat=True).first()


class StandardPartQuerySet(models.QuerySet):
    """Rows of a standard (requirements, steps, fields): frozen with their standard."""

    def _locked(self) -> models.QuerySet:
        return self.exclude(standard__status=PublicationStatus.DRAFT)

    def update(self, **kwargs: Any) -> int:
        if self._locked().exists():
            raise PublishedRecordImmutable("rows of a published standard cannot be changed")
        return super().update(**kwargs)

    update.queryset_only = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        if self._locked().exists():
            raise PublishedRecordImmutable("rows of a published standard cannot be deleted")
        return super().delete()

    delete.queryset_only = True  # type: ignore[attr-defined]


class StandardPart(models.Model):
    """A row belonging to one standard version; it can change only while that version is a draft."""

    objects = StandardPartQuerySet.as_manager()

    class Meta:
        abstract = True

    standard_id: int | None

    def save(self, *args: Any, **kwargs: Any) -> None:
        stored_standard_id = None
        if not self._state.adding and self.pk is not None:
            manager: Any = type(self)._base_manager
            stored_standard_id = (
                manager.filter(pk=self.pk).values_list("standard_id", flat=True).first()
            )
        if self._standard_locked(self.standard_id) or (
            stored_standard_id != self.standard_id and self._standard_locked(stored_standard_id)
        ):
            raise PublishedRecordImmutable(f"{self} belongs to a published standard")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self._standard_locked(self.standard_id):
            raise PublishedRecordImmutable(f"{self} belongs to a published standard")
        return super().delete(*args, **kwargs)

    def _standard_locked(self, standard_id: int | None) -> bool:
        if standard_id is None:
            return False
        status = (
            ServiceStandard._base_manager.filter(pk=standard_id)
            .values_list("status", flat=True)
            .first()
        )
        return status not in (None, PublicationStatus.DRAFT)


class ServicePledge(VersionedModel):
    """Maklumat Pelayanan: a unit's published promise, versioned like a standard."""

    tenant_field = "opd__pemda"
    opd_field = "opd"

    opd = models.ForeignKey(
        "core.OPD", on_delete=models.PROTECT, related_name="pledges", verbose_name=_("unit")
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=PublicationStatus.choices, default="draft"
    )
    text = models.TextField(_("text of the pledge"))
    decree_number = models.CharField(_("decree (SK) number"), max_length=120, blank=True)
    decree_date = models.DateField(_("decree date"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["opd", "-version"]
        verbose_name = _("service pledge (Maklumat Pelayanan)")
        verbose_name_plural = _("service pledges (Maklumat Pelayanan)")
        constraints = [
            models.UniqueConstraint(fields=["opd", "version"], name="pledge_unique_version"),
            models.UniqueConstraint(
                fields=["opd"], condition=Q(status="published"), name="pledge_one_published"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opd} — v{self.version}"


class ServiceType(models.Model):
    """A public service an OPD delivers (jenis layanan); its rules live in its standard versions."""

    tenant_field = "pemda"
    opd_field = "opd"

    pemda = models.ForeignKey(
        "core.Pemda", on_delete=models.PROTECT, related_name="services", verbose_name=_("Pemda")
    )
    opd = models.ForeignKey(
        "core.OPD", on_delete=models.PROTECT, related_name="services", verbose_name=_("unit")
    )
    # Public identifier, also the Open311 service_code; unique within the Pemda.
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=80, blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    accepts_online = models.BooleanField(_("accepts online applications"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["pemda", "opd", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "code"], name="service_unique_code_per_pemda"),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceStandard(VersionedModel):
    """One version of a service's Standar Pelayanan (the 14 components)."""

    tenant_field = "service__pemda"
    opd_field = "service__opd"

    service = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="standards", verbose_name=_("service")
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=PublicationStatus.choices, default="draft"
    )
    decree_number = models.CharField(_("decree (SK) number"), max_length=120, blank=True)
    decree_date = models.DateField(_("decree date"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    pledge = models.ForeignKey(
        ServicePledge,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="standards",
        verbose_name=_("service pledge"),
    )

    # Delivery components (1–6). Requirements (1) and procedure (2) are rows below.
    completion_time_value = models.PositiveIntegerField(_("completion time"))
    completion_time_unit = models.CharField(
        _("completion time unit"), max_length=16, choices=DeadlineUnit.choices
    )
    fee_is_free = models.BooleanField(_("free of charge"), default=True)
    fee_amount = models.DecimalField(
        _("fee (Rp)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    fee_legal_basis = models.CharField(_("legal basis of the fee"), max_length=300, blank=True)
    product = models.TextField(_("service product"))
    complaint_handling = models.TextField(_("complaints, suggestions and feedback"))
    # Management components (7–14).
    legal_basis = models.TextField(_("legal basis"))
    facilities = models.TextField(_("facilities"))
    staff_competence = models.TextField(_("staff competence"))
    internal_supervision = models.TextField(_("internal supervision"))
    staff_count = models.TextField(_("number of staff"))
    service_guarantee = models.TextField(_("service guarantee"))
    safety_guarantee = models.TextField(_("security and safety guarantee"))
    performance_evaluation = models.TextField(_("performance evaluation of staff"))

    # Stop-the-clock is a design rule, not regulation: configurable per service (SERVICES.md §6).
    stop_clock_when_returned = models.BooleanField(
        _("stop the clock while returned for correction"), default=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["service", "-version"]
        verbose_name = _("service standard")
        verbose_name_plural = _("service standards")
        constraints = [
            models.UniqueConstraint(fields=["service", "version"], name="standard_unique_version"),
            models.UniqueConstraint(
                fields=["service"], condition=Q(status="published"), name="standard_one_published"
            ),
            models.CheckConstraint(
                condition=Q(fee_is_free=True) | Q(fee_amount__isnull=False),
                name="standard_fee_amount_unless_free",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} — v{self.version}"


def _upload_hint(accepted_types: str, max_size_mb: int) -> str:
    names = list(
        dict.fromkeys(
            "JPG" if t == "jpeg" else t.upper()
            for t in (t.strip().lower().lstrip(".") for t in accepted_types.split(","))
            if t
        )
    ) or ["PDF", "JPG", "PNG"]
    kinds = names[0]
    if len(names) > 1:
        kinds = gettext("%(some)s or %(last)s") % {"some": ", ".join(names[:-1]), "last": names[-1]}
    return gettext("%(kinds)s, at most %(size)s MB.") % {"kinds": kinds, "size": max_size_mb}


#: What a citizen may upload, said before they try (``"PDF, JPG or PNG, at most 5 MB."``); lazy,
#: because a published version's form is built once and shown in every language.
upload_hint = lazy(_upload_hint, str)


class Requirement(StandardPart):
    """Persyaratan: one item the applicant supplies; some need a document upload."""

    tenant_field = "standard__service__pemda"
    opd_field = "standard__service__opd"

    standard = models.ForeignKey(
        ServiceStandard, on_delete=models.CASCADE, related_name="requirements"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("requirement"), max_length=300)
    needs_upload = models.BooleanField(_("needs a document upload"), default=False)
    accepted_types = models.CharField(
        _("accepted file types"),
        max_length=100,
        default="pdf,jpg,png",
        help_text=_("Comma-separated: pdf, jpg, png."),
    )
    max_size_mb = models.PositiveSmallIntegerField(_("largest file (MB)"), default=5)

    class Meta:
        ordering = ["standard", "order"]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        constraints = [
            models.UniqueConstraint(fields=["standard", "order"], name="requirement_unique_order")
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def upload_hint(self) -> str:
        return upload_hint(self.accepted_types, self.max_size_mb)


class ProcedureStep(StandardPart):
    """Sistem, mekanisme dan prosedur: one step as the citizen experiences it."""

    tenant_field = "standard__service__pemda"
    opd_field = "standard__service__opd"

    standard = models.ForeignKey(ServiceStandard, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("step"), max_length=300)

    class Meta:
        ordering = ["standard", "order"]
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")
        constraints = [
            models.UniqueConstraint(fields=["standard", "order"], name="step_unique_order")
        ]

    def __str__(self) -> str:
        return self.text


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    FILE = "file", _("File")
    NIK = "nik", _("NIK")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    ADDRESS = "address", _("Address (down to desa/kelurahan)")


class FormField(StandardPart):
    """One field of the application form of a standard version."""

    tenant_field = "standard__service__pemda"
    opd_field = "standard__service__opd"

    standard = models.ForeignKey(
        ServiceStandard, on_delete=models.CASCADE, related_name="form_fields"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    key = models.SlugField(_("key"), max_length=60)
    label = models.CharField(_("label"), max_length=200)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    field_type = models.CharField(_("type"), max_length=12, choices=FieldType.choices)
    required = models.BooleanField(_("required"), default=True)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One choice per line."))
    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="form_fields",
        help_text=_("For file fields: the requirement this upload fulfils."),
    )

    class Meta:
        ordering = ["standard", "order"]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        constraints = [
            models.UniqueConstraint(fields=["standard", "key"], name="form_field_unique_key"),
            models.UniqueConstraint(fields=["standard", "order"], name="form_field_unique_order"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]
