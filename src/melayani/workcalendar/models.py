"""Days off and office hours, as data.

National days off come from the ``holidays`` package (public holidays and cuti bersama) corrected
by :class:`HolidayOverride`; each Pemda adds :class:`LocalDayOff` rows and may change its
:class:`OfficeHours`. Change them only through :mod:`melayani.workcalendar.services`, which also
bumps the :class:`CalendarRevision` that keys every cached calendar.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from melayani.core.models import Pemda


class HolidayKind(models.TextChoices):
    PUBLIC_HOLIDAY = "public_holiday", _("national public holiday")
    COLLECTIVE_LEAVE = "collective_leave", _("collective leave (cuti bersama)")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class HolidayOverride(models.Model):
    """A national correction to the packaged calendar: adds a day off or cancels one."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=HolidayKind.choices)
    is_day_off = models.BooleanField(
        _("day off"),
        default=True,
        help_text=_("Untick to cancel a day off that the built-in calendar lists for this date."),
    )
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=255,
        blank=True,
        help_text=_("E.g. the joint ministerial decree (SKB) that sets the year's holidays."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("national holiday override")
        verbose_name_plural = _("national holiday overrides")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"


class LocalDayOff(models.Model):
    """A day off declared by one Pemda (libur daerah), e.g. its anniversary."""

    tenant_field = "pemda"
    shared_within_pemda = True  # the working calendar is for everyone who works in the Pemda

    pemda = models.ForeignKey(
        Pemda, on_delete=models.CASCADE, related_name="local_days_off", verbose_name=_("Pemda")
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)
    reason = models.CharField(
        _("reason"),
        max_length=255,
        blank=True,
        help_text=_("The decision that declares the day off, e.g. the regent's decree."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["pemda", "date"]
        verbose_name = _("local day off")
        verbose_name_plural = _("local days off")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "date"], name="local_day_off_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"


class OfficeHours(models.Model):
    """A Pemda's office hours on one weekday; a weekday without a row keeps the default.

    The default is Monday–Friday 08:00–16:00 and closed at the weekend. Leave both times empty
    to close the office on that weekday.
    """

    tenant_field = "pemda"
    shared_within_pemda = True  # the working calendar is for everyone who works in the Pemda

    pemda = models.ForeignKey(
        Pemda, on_delete=models.CASCADE, related_name="office_hours", verbose_name=_("Pemda")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)

    class Meta:
        ordering = ["pemda", "weekday"]
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "weekday"], name="office_hours_unique_day"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="office_hours_valid_weekday"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True, closes_at__isnull=True)
                | Q(
                    opens_at__isnull=False,
                    closes_at__isnull=False,
                    closes_at__gt=models.F("opens_at"),
                ),
                name="office_hours_closed_or_opens_before_close",
            ),
        ]

    def __str__(self) -> str:
        day = Weekday(self.weekday).label
        if self.opens_at is None or self.closes_at is None:
            return f"{day}: {_('closed')}"
        return f"{day}: {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    @property
    def is_closed(self) -> bool:
        return self.opens_at is None


class CalendarRevision(models.Model):
    """A revision renewed by every calendar change; cached calendars are keyed by it.

    ``scope`` is ``"national"`` for national changes or ``"pemda:<id>"`` for one Pemda's own.
    Kept in the database so that every process sees a change at once.
    """

    NATIONAL = "national"

    scope = models.CharField(_("scope"), max_length=32, unique=True)
    # A fresh random token per change, not a counter: a rolled-back change must never be able to
    # reuse a revision that some process already cached with uncommitted data.
    token = models.UUIDField(_("revision"), default=uuid.uuid4)

    class Meta:
        verbose_name = _("calendar revision")
        verbose_name_plural = _("calendar revisions")

    def __str__(self) -> str:
        return f"{self.scope}#{self.token}"

    @classmethod
    def scope_for(cls, pemda_id: int | None) -> str:
        return cls.NATIONAL if pemda_id is None else f"pemda:{pemda_id}"
