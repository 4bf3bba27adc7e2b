"""Display helpers of the catalogue: money as "Rp 150.000", completion time as "5 hari kerja"."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from melayani.catalog.models import ServiceStandard
from melayani.workcalendar.clock import DeadlineUnit

register = template.Library()


@register.filter
def rupiah(value: Decimal | int | None) -> str:
    """Whole rupiah with dots between thousands: 150000 → "Rp 150.000"."""
    if value is None:
        return ""
    return "Rp " + f"{int(value):,}".replace(",", ".")


@register.filter
def fee(standard: ServiceStandard) -> str:
    """The fee of a standard as citizens read it: "Free" (Gratis) or "Rp 150.000"."""
    if standard.fee_is_free or standard.fee_amount is None:
        return _("Free")
    return rupiah(standard.fee_amount)


@register.filter
def completion(standard: ServiceStandard) -> str:
    """The completion time with its unit's label: "5 working days" (5 hari kerja)."""
    unit = DeadlineUnit(standard.completion_time_unit)
    return f"{standard.completion_time_value} {unit.label}"
