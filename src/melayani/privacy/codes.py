"""Reference codes of requests and breaches: random, unguessable, readable over the phone
(the same alphabet as tracking codes: Crockford's base32, 10 symbols, 50 bits)."""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
_TRANSLATE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_VALID = re.compile(rf"^[{ALPHABET}]{{{LENGTH}}}$")


def code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_normalize(raw: str) -> str:
    cleaned = re.sub(r"[\s\-_.]", "", (raw or "").upper()).translate(_TRANSLATE)
    return cleaned if _VALID.match(cleaned) else ""


def code_display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
