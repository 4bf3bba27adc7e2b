"""Uploaded documents: the type is sniffed from the first bytes, never taken from the browser.

Only PDF, PNG and JPEG are known. A file whose content is none of them, whose content does not
match its extension, whose type the requirement does not accept, or which is larger than the
requirement allows is refused with a message that says how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from melayani.core.uploads import upload_read

# kind → (content type, magic prefix, extensions that may carry it)
KINDS: dict[str, tuple[str, bytes, frozenset[str]]] = {
    "pdf": ("application/pdf", b"%PDF-", frozenset({"pdf"})),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n", frozenset({"png"})),
    "jpg": ("image/jpeg", b"\xff\xd8\xff", frozenset({"jpg", "jpeg"})),
}
DEFAULT_ACCEPTED = ("pdf", "jpg", "png")
DEFAULT_MAX_SIZE_MB = 5


@dataclass(frozen=True)
class CheckedDocument:
    kind: str
    content_type: str
    size: int
    sha256: str


def accepted_kinds(accepted_types: str) -> tuple[str, ...]:
    """``"PDF, jpeg,png"`` → ``("pdf", "jpg", "png")`` (unknown names are ignored)."""
    kinds = []
    for name in (accepted_types or "").split(","):
        name = name.strip().lower().lstrip(".")
        name = "jpg" if name == "jpeg" else name
        if name in KINDS and name not in kinds:
            kinds.append(name)
    return tuple(kinds) or DEFAULT_ACCEPTED


def sniff(head: bytes) -> str | None:
    for kind, (_type, magic, _ext) in KINDS.items():
        if head.startswith(magic):
            return kind
    return None


def document_check(
    upload: UploadedFile, *, accepted_types: str = "", max_size_mb: int = DEFAULT_MAX_SIZE_MB
) -> CheckedDocument:
    """Check one upload; raises ``ValidationError`` (codes below) or returns what was found."""
    kinds = accepted_kinds(accepted_types)
    names = ", ".join(k.upper() for k in kinds)
    size, head, sha256 = upload_read(
        upload,
        max_size_mb=max_size_mb,
        too_large=_(
            "The file is larger than %(limit)s MB. Choose a smaller file or scan it again."
        ),
    )
    kind = sniff(head)
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if kind is None or kind not in kinds:
        raise ValidationError(
            _("This type of file is not accepted here. Upload a %(types)s file.")
            % {"types": names},
            code="file_type",
        )
    if extension not in KINDS[kind][2]:
        raise ValidationError(
            _("The file's name does not match its content. Upload a %(types)s file.")
            % {"types": names},
            code="file_type_mismatch",
        )
    return CheckedDocument(kind, KINDS[kind][0], size, sha256)
