"""Files saved inside a database transaction that then fails are removed again.

A storage backend (local disk or S3) is not part of the database transaction: a file saved while
storing a record stays behind when the transaction rolls back, unreferenced and holding whatever
personal data it carries. Save such files inside :func:`files_kept_on_commit`; if the block raises,
every file noted in it is deleted before the error goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.storage import Storage

logger = logging.getLogger(__name__)


class SavedFiles:
    """The files saved so far in one block: ``note(storage, name)`` after each save."""

    def __init__(self) -> None:
        self._saved: list[tuple[Storage, str]] = []

    def note(self, storage: Storage, name: str | None) -> None:
        if name:  # a FieldFile's name is None until something was saved
            self._saved.append((storage, name))

    def remove_all(self) -> None:
        for storage, name in reversed(self._saved):
            try:
                storage.delete(name)
            except Exception:  # never hide the error that rolled the transaction back
                logger.exception("could not remove a file left by a failed transaction")
        self._saved.clear()


@contextmanager
def files_kept_on_commit() -> Iterator[SavedFiles]:
    """Wrap the transaction that saves files: on an exception the files noted are removed.

    Put it *outside* ``transaction.atomic()``, so that it sees the error only when the whole
    transaction has rolled back (a caught error inside a savepoint keeps the files).
    """
    saved = SavedFiles()
    try:
        yield saved
    except BaseException:
        saved.remove_all()
        raise
