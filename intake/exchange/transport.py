"""Where batches come from and where exports go. The national system's live interface is not
open to us yet, so files carry both ways; a live connector implements the same two methods
(``incoming`` and ``send``) and the import and export stay as they are."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from intake.exchange.batch import MAX_BATCH_BYTES


@dataclass(frozen=True)
class IncomingBatch:
    name: str  # what messages call it: the file name, or the connector's batch id
    data: bytes


class Transport(Protocol):
    def incoming(self) -> Iterator[IncomingBatch]:
        """The batches waiting to be imported, oldest first."""
        ...

    def send(self, name: str, data: bytes) -> str:
        """Deliver an export; returns where it went, for the record."""
        ...


class FileTransport:
    """Batches are files in ``inbox`` (``*.json``, ``*.xlsx``); exports are written to
    ``outbox``. A file too big to be a batch is read only up to the limit, so that the check
    refuses it without holding it in memory."""

    SUFFIXES = (".json", ".xlsx")

    def __init__(self, inbox: Path | None = None, outbox: Path | None = None):
        self.inbox = inbox
        self.outbox = outbox

    def incoming(self) -> Iterator[IncomingBatch]:
        if self.inbox is None:
            return
        for path in sorted(self.inbox.iterdir()):
            if path.is_file() and path.suffix.lower() in self.SUFFIXES:
                yield self.read(path)

    @staticmethod
    def read(path: Path) -> IncomingBatch:
        with path.open("rb") as file:
            return IncomingBatch(path.name, file.read(MAX_BATCH_BYTES + 1))

    def send(self, name: str, data: bytes) -> str:
        """Write atomically (a temporary file renamed), so a reader never sees half a file."""
        if self.outbox is None:
            raise ValueError("this transport has no outbox")
        self.outbox.mkdir(parents=True, exist_ok=True)
        target = self.outbox / Path(name).name
        handle, temporary = tempfile.mkstemp(dir=self.outbox, prefix=".export-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return str(target)
