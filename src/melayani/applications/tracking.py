"""Tracking codes: random, unguessable, short enough to read over the phone.

Ten symbols of Crockford's base32 (digits and letters without I, L, O, U) carry 50 bits from
:mod:`secrets`. They are stored without separators and shown grouped ``K7PM-Q4XD-2R``. What
people type is normalised: case, dashes and spaces are ignored, ``O`` is read as ``0`` and
``I``/``L`` as ``1`` (the letters people confuse with digits).
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
_TRANSLATE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_VALID = re.compile(rf"^[{ALPHABET}]{{{LENGTH}}}$")


def tracking_code_new() -> str:
    """A fresh random code (stored form, no separators). Uniqueness is the caller's check."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def tracking_code_normalize(raw: str) -> str:
    """What a person typed → the stored form, or ``""`` when it cannot be a tracking code."""
    cleaned = re.sub(r"[\s\-_.]", "", (raw or "").upper()).translate(_TRANSLATE)
    return cleaned if _VALID.match(cleaned) else ""


def tracking_code_display(code: str) -> str:
    """``K7PMQ4XD2R`` → ``K7PM-Q4XD-2R``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
