"""Free text from people: cleaned the same way everywhere, and the reasons officials must give."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: The longest reason (rejection, return for correction, archiving …) an official may give.
REASON_MAX = 2000


def clean_text(value: str) -> str:
    """Strip control characters (NUL and friends) and surrounding space; HTML stays as text."""
    return _CONTROL.sub("", value or "").strip()


def reason_required(value: str, field_name: str = "reason") -> str:
    """A reason that is shown to the citizen or kept in the record: cleaned, present, bounded.

    Raises ``ValidationError`` on ``field_name`` (codes ``required``, ``max_length``).
    """
    value = clean_text(value)
    if not value:
        raise ValidationError({field_name: ValidationError(_("Give a reason."), code="required")})
    if len(value) > REASON_MAX:
        raise ValidationError(
            {field_name: ValidationError(_("The reason is too long."), code="max_length")}
        )
    return value
