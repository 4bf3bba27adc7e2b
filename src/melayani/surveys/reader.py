"""Read survey responses from a CSV or XLSX file: one row per respondent, columns ``U1``…``U9``.

Shared by ``melayani skm_compute`` and the import service, so both accept and refuse exactly the
same files. File-level problems (too large, not CSV/XLSX, empty, missing or duplicated ``U``
columns) raise :class:`FileRefused` before any row is read; row-level problems are collected, with
the spreadsheet row number (the header is row 1), so the whole file can be reported at once.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from melayani.surveys.instrument import CODES

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
XLSX_EXPANSION_LIMIT = 10  # an XLSX may unpack to at most this many times the size limit


def max_upload_bytes() -> int:
    """The size limit of a response file (setting ``SKM_IMPORT_MAX_BYTES``, default 50 MB)."""
    return int(getattr(settings, "SKM_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


class FileRefused(ValueError):
    """The file as a whole cannot be read; nothing in it is used."""


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet/CSV row number, counting the header row
    column: str  # "" when the problem is the whole row
    message: str

    def __str__(self) -> str:
        where = _("row %(row)s") % {"row": self.row}
        if self.column:
            where = f"{where}, {self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ParsedRow:
    row: int
    answers: dict[str, int | None]
    other: dict[str, str]  # the other columns, keyed by their header in lower case


@dataclass
class ParsedFile:
    columns: list[str]
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return len(self.rows) + len({e.row for e in self.errors})


def _size(source: Any) -> int:
    if isinstance(source, (str, os.PathLike)):
        return os.path.getsize(source)
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    position = source.tell()
    source.seek(0, io.SEEK_END)
    end = source.tell()
    source.seek(position)
    return int(end - position)


def _read_bytes(source: Any, limit: int) -> bytes:
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as handle:
            data = handle.read(limit + 1)
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
    if len(data) > limit:
        raise FileRefused(_too_large(limit))
    return bytes(data)


def _too_large(limit: int) -> str:
    return _("The file is larger than %(mb)s MB; split it into smaller files.") % {
        "mb": f"{limit / (1024 * 1024):g}"
    }


def read_responses(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    filename: str = "",
    codes: Sequence[str] = CODES,
    max_bytes: int | None = None,
) -> ParsedFile:
    """Parse a response file; raise :class:`FileRefused` for problems with the whole file."""
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    if _size(source) > limit:  # refuse by size before reading anything
        raise FileRefused(_too_large(limit))
    name = filename or (os.fspath(source) if isinstance(source, (str, os.PathLike)) else "")
    if name.lower().endswith(".xls"):
        raise FileRefused(_("Old Excel files (.xls) are not read: save the file as XLSX or CSV."))
    data = _read_bytes(source, limit)
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    table = _xlsx_rows(data, limit) if data[:4] == b"PK\x03\x04" else _csv_rows(data)
    return _parse(table, codes)


def _xlsx_rows(data: bytes, limit: int) -> Iterator[Sequence[Any]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRefused(_("The file is neither a valid XLSX workbook nor CSV text.")) from None
    if unpacked > limit * XLSX_EXPANSION_LIMIT:
        raise FileRefused(_too_large(limit))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise FileRefused(_("The file is neither a valid XLSX workbook nor CSV text.")) from None
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> Iterator[Sequence[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            _("The file is neither a valid XLSX workbook nor CSV text in UTF-8.")
        ) from None
    if "\x00" in text:
        raise FileRefused(_("The file is neither a valid XLSX workbook nor CSV text in UTF-8."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise FileRefused(_("The CSV text cannot be read: %(error)s") % {"error": exc}) from None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _score(value: Any) -> int | None:
    """1–4, ``None`` for blank; raise ``ValueError`` for anything else."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError from None
    else:
        raise ValueError
    if not number.is_finite() or number != number.to_integral_value() or not 1 <= number <= 4:
        raise ValueError
    return int(number)


def _parse(table: Iterator[Sequence[Any]], codes: Sequence[str]) -> ParsedFile:
    header: list[str] | None = None
    numbered = enumerate(table, start=1)
    for _number, raw in numbered:
        if all(_blank(v) for v in raw):
            continue
        header = ["" if v is None else str(v).strip() for v in raw]
        break
    if header is None:
        raise FileRefused(_("The file is empty."))
    normalised = [h.upper() if h.upper() in codes else h.lower() for h in header]
    duplicated = sorted({h for h in normalised if h in codes and normalised.count(h) > 1})
    if duplicated:
        raise FileRefused(
            _("These columns appear more than once: %(columns)s.")
            % {"columns": ", ".join(duplicated)}
        )
    missing = [code for code in codes if code not in normalised]
    if missing:
        raise FileRefused(
            _(
                "Missing column(s) %(missing)s. The first row must name the columns %(first)s to "
                "%(last)s (one row per respondent, answers 1 to 4 or blank)."
            )
            % {"missing": ", ".join(missing), "first": codes[0], "last": codes[-1]}
        )
    position = {code: normalised.index(code) for code in codes}
    others = [(i, h) for i, h in enumerate(normalised) if h and h not in codes]
    parsed = ParsedFile(columns=header)
    for number, raw in numbered:
        values = list(raw)
        if all(_blank(v) for v in values):
            continue
        cells = values + [None] * (len(normalised) - len(values))
        answers: dict[str, int | None] = {}
        bad = False
        for code in codes:
            try:
                answers[code] = _score(cells[position[code]])
            except ValueError:
                bad = True
                parsed.errors.append(
                    RowError(
                        number,
                        code,
                        _("“%(value)s” is not an answer from 1 to 4 (or blank).")
                        % {"value": _shown(cells[position[code]])},
                    )
                )
        if bad:
            continue
        if all(v is None for v in answers.values()):
            parsed.errors.append(RowError(number, "", _("The row answers none of the questions.")))
            continue
        other = {h: "" if _blank(cells[i]) else str(cells[i]).strip() for i, h in others}
        parsed.rows.append(ParsedRow(number, answers, other))
    if not parsed.rows and not parsed.errors:
        raise FileRefused(_("The file has a header but no responses."))
    return parsed


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"
