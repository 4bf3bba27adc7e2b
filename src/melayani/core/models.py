"""Tenancy: Pemda (the tenants), their OPD tree, people, and roles as data.

A Pemda is an autonomous province or kabupaten/kota (546 of them). National bodies (Kemendagri,
KemenPANRB) and the platform itself are scopes, not tenants. Every tenant-owned model names the
path to its Pemda in ``tenant_field`` so that the access layer (:mod:`melayani.core.access`) can
filter it; nothing else decides who sees what.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from melayani.core.fields import NIKField
from melayani.core.identifiers import validate_nip


class PemdaKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    REGENCY = "regency", _("Regency")
    CITY = "city", _("City")


class TimeZoneName(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (UTC+7)")
    WIB_PONTIANAK = "Asia/Pontianak", _("WIB (UTC+7, Pontianak)")
    WITA = "Asia/Makassar", _("WITA (UTC+8)")
    WIT = "Asia/Jayapura", _("WIT (UTC+9)")


class Pemda(models.Model):
    """An autonomous regional government: the tenant of the platform."""

    tenant_field = "pk"
    shared_within_pemda = True  # every unit's officials may see their own Pemda

    region = models.OneToOneField(
        "regions.Region", on_delete=models.PROTECT, related_name="pemda", verbose_name=_("region")
    )
    code = models.CharField(_("region code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=PemdaKind.choices)
    province = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regencies",
        verbose_name=_("province"),
        help_text=_("For a kabupaten/kota: the province it belongs to."),
    )
    time_zone = models.CharField(_("time zone"), max_length=20, choices=TimeZoneName.choices)
    two_factor_for_all_officials = models.BooleanField(
        _("require one-time codes for every official"),
        default=False,
        help_text=_(
            "One-time codes are always required for the Inspektorat, administrators, data "
            "protection officers and national analysts; this extends it to every official."
        ),
    )
    is_active = models.BooleanField(_("active on the platform"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("Pemda")
        verbose_name_plural = _("Pemda")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="province", province__isnull=True)
                | (~Q(kind="province") & Q(province__isnull=False)),
                name="pemda_province_iff_not_province",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone_abbreviation(self) -> str:
        return {
            TimeZoneName.WIB: "WIB",
            TimeZoneName.WIB_PONTIANAK: "WIB",
            TimeZoneName.WITA: "WITA",
            TimeZoneName.WIT: "WIT",
        }[TimeZoneName(self.time_zone)]


class OPDKind(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    DINAS = "dinas", _("Agency (dinas)")
    BADAN = "badan", _("Board (badan)")
    INSPECTORATE = "inspectorate", _("Inspectorate")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
    BUREAU = "bureau", _("Bureau or division")
    TECHNICAL_UNIT = "technical_unit", _("Technical unit (UPT)")
    SERVICE_MALL = "service_mall", _("Public service mall (MPP)")
    OTHER = "other", _("Other unit")


class OPD(models.Model):
    """A perangkat daerah or one of its sub-units; sub-units form a tree under their OPD."""

    tenant_field = "pemda"
    opd_field = "pk"

    pemda = models.ForeignKey(
        Pemda, on_delete=models.PROTECT, related_name="opds", verbose_name=_("Pemda")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OPDKind.choices)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60)
    # Materialised path of ancestor ids ("/12/40/") so a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["pemda", "path", "name"]
        verbose_name = _("OPD / unit")
        verbose_name_plural = _("OPD / units")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "slug"], name="opd_unique_slug_per_pemda"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """An official or a citizen with an account. Citizens never need one to submit or track."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("Official")
        CITIZEN = "citizen", _("Citizen")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CITIZEN)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        blank=True,
        validators=[validate_nip],
        help_text=_("18-digit civil-servant number (officials only)."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Encrypted at rest; found by equality through the blind index (see core.fields).
    nik = NIKField(_("NIK"), blank=True)
    nik_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    preferred_language = models.CharField(
        _("language"),
        max_length=5,
        choices=[("id", "Bahasa Indonesia"), ("en", "English")],
        blank=True,
        help_text=_("Empty: the platform's default (Bahasa Indonesia) or the visitor's choice."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(fields=["nip"], condition=~Q(nip=""), name="user_unique_nip"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class RoleScope(models.TextChoices):
    OPD = "opd", _("OPD")
    PEMDA = "pemda", _("Pemda")
    NATIONAL = "national", _("National")
    PLATFORM = "platform", _("Platform")


class Action(models.Model):
    """A permitted action, e.g. ``audit.view_events``. Roles grant actions."""

    code = models.CharField(_("code"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=200)
    # National roles are read-only: only actions marked read-only may be granted to them.
    is_read_only = models.BooleanField(_("read only"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.code


class Role(models.Model):
    """A role: built in (``pemda`` empty) or a Pemda's own extension."""

    tenant_field = "pemda"

    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    pemda = models.ForeignKey(
        Pemda,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("Pemda"),
        help_text=_("Empty for the built-in roles every Pemda has."),
    )
    scope = models.CharField(_("scope"), max_length=10, choices=RoleScope.choices)
    requires_two_factor = models.BooleanField(_("requires one-time codes"), default=False)
    actions = models.ManyToManyField(Action, related_name="roles", blank=True)

    class Meta:
        ordering = ["scope", "code"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(pemda__isnull=True), name="role_unique_builtin_code"
            ),
            models.UniqueConstraint(fields=["pemda", "code"], name="role_unique_code_per_pemda"),
            models.CheckConstraint(
                condition=Q(pemda__isnull=True) | Q(scope__in=["opd", "pemda"]),
                name="role_pemda_roles_are_local",
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)


class NationalBody(models.TextChoices):
    KEMENDAGRI = "kemendagri", _("Kemendagri")
    KEMENPANRB = "kemenpanrb", _("KemenPANRB")


class Acting(models.TextChoices):
    DEFINITIVE = "", _("Definitive")
    PLT = "plt", _("Plt (acting holder)")
    PLH = "plh", _("Plh (daily stand-in)")


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def current(self, on: datetime.date | None = None) -> RoleAssignmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


class RoleAssignment(models.Model):
    """A dated (possibly acting) assignment of a role to a person in a scope."""

    tenant_field = "pemda"
    opd_field = "opd"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("user")
    )
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("role")
    )
    pemda = models.ForeignKey(
        Pemda,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("Pemda"),
    )
    opd = models.ForeignKey(
        OPD,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("OPD"),
    )
    national_body = models.CharField(
        _("national body"), max_length=12, choices=NationalBody.choices, blank=True
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    acting = models.CharField(_("acting"), max_length=3, choices=Acting.choices, blank=True)
    decree = models.CharField(_("decree (SK) number"), max_length=120, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["user", "starts_on"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["user", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.role}"


class IdempotencyKey(models.Model):
    """An acknowledged submission: a retry with the same key gets the same answer, once stored.

    ``scope`` separates callers (e.g. an API client, or public web submissions of one Pemda);
    ``fingerprint`` is a digest of the request, so reusing a key for a different request is
    refused instead of silently answered with the old result.
    """

    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique_scope_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
