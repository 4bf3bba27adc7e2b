"""Administrative regions (kode wilayah Kemendagri) across the 2019, 2022 and 2025 code versions.

A row per code ever published; a code's validity is the run of versions it appears in
(``first_version`` … ``last_version``). Rows are written only by :func:`services.regions_load`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    REGENCY_OR_CITY = 2, _("Regency or city")
    DISTRICT = 3, _("District")
    VILLAGE = 4, _("Village or urban village")


#: The labels of the four region pickers in citizens' forms, province down to desa/kelurahan.
PICKER_LABELS = (_("Province"), _("Regency/city"), _("Kecamatan"), _("Desa/kelurahan"))


class RegionKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    REGENCY = "regency", _("Regency")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    URBAN_VILLAGE = "urban_village", _("Urban village")
    VILLAGE = "village", _("Village")
    CUSTOMARY_VILLAGE = "customary_village", _("Customary village")


class RegionVersion(models.Model):
    """One published version of the region codes (a regulation or decree)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=120)
    decree_date = models.DateField(
        _("decree date"),
        null=True,
        blank=True,
        help_text=_("Empty where the date could not be verified."),
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("region code version")
        verbose_name_plural = _("region code versions")

    def __str__(self) -> str:
        return f"{self.year} ({self.legal_basis})"


class Region(models.Model):
    """A province, regency/city, district or village, identified by its dotted Kemendagri code."""

    code = models.CharField(_("code"), max_length=13, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=RegionKind.choices)
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    is_autonomous = models.BooleanField(
        _("autonomous government"),
        default=False,
        help_text=_(
            "Provinces and regencies/cities with their own government; not the administrative "
            "units of Jakarta."
        ),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=20,
        blank=True,
        help_text=_("Set on provinces; lower levels use their province's zone."),
    )
    first_version = models.ForeignKey(
        RegionVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("first version"),
    )
    last_version = models.ForeignKey(
        RegionVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("last version"),
    )
    is_current = models.BooleanField(_("current"), default=True)
    population_total = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_male = models.PositiveIntegerField(_("male population"), null=True, blank=True)
    population_female = models.PositiveIntegerField(_("female population"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [
            models.Index(fields=["level", "is_current"], name="region_level_current"),
            models.Index(fields=["parent", "is_current", "code"], name="region_children"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RegionSuccession(models.Model):
    """A code that was replaced by another, e.g. Merauke ``91.01`` → ``93.01`` in 2022."""

    old_code = models.CharField(_("old code"), max_length=13, db_index=True)
    new_code = models.CharField(_("new code"), max_length=13, db_index=True)
    legal_basis = models.CharField(_("legal basis"), max_length=120)
    effective_version = models.ForeignKey(
        RegionVersion,
        on_delete=models.PROTECT,
        related_name="successions",
        verbose_name=_("effective from version"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["old_code", "new_code"]
        verbose_name = _("region succession")
        verbose_name_plural = _("region successions")
        constraints = [
            models.UniqueConstraint(
                fields=["old_code", "new_code"], name="region_succession_unique_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_code} → {self.new_code}"
