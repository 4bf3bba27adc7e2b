"""Keep NIKs and phone numbers out of the logs (UU PDP).

:class:`MaskPersonalDataFilter` is attached to every handler in ``settings.LOGGING``. It formats
the message with its arguments, masks it, and stores the result back on the record (``args``
cleared), and does the same for the exception and stack text. The record is shared by all
handlers, so each of them sees the masked text.

What is masked (design: err on the side of masking):

* a NIK: 16 digits, with or without single spaces, dots or dashes between them, not part of a
  longer number → ``3201********0001``;
* an Indonesian phone number: ``+62``, ``62`` or ``0``, then 8–12 more digits (optionally separated,
  area code optionally in brackets), not part of a longer number → ``+62********789``.

A number that is merely shaped like these (an amount, a reference) is masked too; a NIK written
with unusual separators (two in a row, slashes) is not recognised.
"""

from __future__ import annotations

import logging
import re

from melayani.core.masking import mask_nik, mask_phone

__all__ = ["MaskPersonalDataFilter", "mask_personal_data"]

_SEP = r"[ \t.\-]?"
_NIK = re.compile(rf"(?<![\d])\d(?:{_SEP}\d){{15}}(?![\d])")
_PHONE = re.compile(
    rf"(?<![\w+(])\(?(?:\+62|62|0)\)?{_SEP}\(?[1-9]\d{{1,3}}\)?(?:{_SEP}\d){{6,9}}(?![\d])"
)


def mask_personal_data(text: str) -> str:
    """``text`` with every NIK- or phone-shaped number masked."""
    text = _NIK.sub(lambda match: mask_nik(match.group()), text)
    return _PHONE.sub(lambda match: mask_phone(match.group()), text)


class MaskPersonalDataFilter(logging.Filter):
    """Logging filter that masks NIKs and phone numbers; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it as usual
            return True
        record.msg = mask_personal_data(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True
