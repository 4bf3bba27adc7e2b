"""Evidence files (bukti dukung): the type is sniffed from the content, never taken from the
browser, and the content is hashed.

Accepted: PDF, PNG, JPEG, and the office formats XLSX and DOCX (ZIP containers whose name must
say which). A file of another type, an empty file, a file whose name does not match its content,
or one larger than :data:`MAX_SIZE_MB` is refused with a message that says how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from melayani.core.uploads import upload_read

MAX_SIZE_MB = 10
ZIP_MAGIC = b"PK\x03\x04"
# kind → (content type, magic prefix, extensions that may carry it)
KINDS: dict[str, tuple[str, bytes, frozenset[str]]] = {
    "pdf": ("application/pdf", b"%PDF-", frozenset({"pdf"})),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n", frozenset({"png"})),
    "jpg": ("image/jpeg", b"\xff\xd8\xff", frozenset({"jpg", "jpeg"})),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ZIP_MAGIC,
        frozenset({"xlsx"}),
    ),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIP_MAGIC,
        frozenset({"docx"}),
    ),
}
ACCEPTED_NAMES = "PDF, PNG, JPG, XLSX, DOCX"


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    size: int
    sha256: str


def evidence_file_check(upload: UploadedFile) -> CheckedFile:
    """Check one upload; raises ``ValidationError`` (``file_too_large``, ``file_empty``,
    ``file_type``, ``file_type_mismatch``) or returns what was found."""
    size, head, sha256 = upload_read(
        upload,
        max_size_mb=MAX_SIZE_MB,
        too_large=_("The file is larger than %(limit)s MB. Choose a smaller file or split it."),
    )
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    candidates = [kind for kind, (_t, magic, _e) in KINDS.items() if head.startswith(magic)]
    if not candidates:
        raise ValidationError(
            _("This type of file is not accepted. Upload a %(types)s file.")
            % {"types": ACCEPTED_NAMES},
            code="file_type",
        )
    for kind in candidates:
        if extension in KINDS[kind][2]:
            return CheckedFile(kind, KINDS[kind][0], size, sha256)
    raise ValidationError(
        _("The file's name does not match its content. Upload a %(types)s file.")
        % {"types": ACCEPTED_NAMES},
        code="file_type_mismatch",
    )
