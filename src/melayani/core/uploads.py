"""Reading an upload once: its first bytes (to sniff the type) and its SHA-256 (to keep)."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext as _

StrOrPromise = str | Promise

HEAD_BYTES = 16


def upload_read(
    upload: UploadedFile, *, max_size_mb: int, too_large: StrOrPromise
) -> tuple[int, bytes, str]:
    """``(size, first bytes, sha256 hex)`` of ``upload``, read once and rewound.

    Refuses a file over ``max_size_mb`` (message ``too_large``, with ``%(limit)s``; code
    ``file_too_large``) before reading it, and an empty one (``file_empty``).
    """
    size = upload.size or 0
    if size > max_size_mb * 1024 * 1024:
        raise ValidationError(too_large % {"limit": max_size_mb}, code="file_too_large")
    if size == 0:
        raise ValidationError(_("The file is empty. Choose the file again."), code="file_empty")
    digest = hashlib.sha256()
    upload.seek(0)
    head = b""
    for chunk in upload.chunks():
        if not head:
            head = bytes(chunk[:HEAD_BYTES])
        digest.update(chunk)
    upload.seek(0)
    return size, head, digest.hexdigest()
