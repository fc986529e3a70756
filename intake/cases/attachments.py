"""Storing uploaded files outside the web root, after checking what they really are.

A file is written under a staging name while the operation runs and moved to its key only
after the transaction commits (``intake.transaction``); a rolled-back submission leaves no
file behind, and no committed row points at a half-written one."""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from intake.cases.models import Attachment, AttachmentPurpose, Case
from intake.core.filetypes import ALLOWED_TYPES, detect_type
from intake.core.text import nfc
from intake.extensions import db
from intake.transaction import after_commit, after_rollback

#: Files waiting for their transaction live here, inside the upload folder (same file system,
#: so the final move is an atomic rename).
STAGING_FOLDER = ".staging"


@dataclass(frozen=True)
class Upload:
    """A file as received, detached from the web framework's FileStorage."""

    filename: str
    data: bytes


class RejectedUpload(ValueError):
    """A file that is not one of the accepted types or is too large; ``reason`` is a code."""

    def __init__(self, filename: str, reason: str):
        self.filename = filename
        self.reason = reason
        super().__init__(f"{filename}: {reason}")


def check_upload(upload: Upload, max_bytes: int) -> str:
    """The file's real mime type, or ``RejectedUpload`` with "too_large", "empty" or "type"."""
    if not upload.data:
        raise RejectedUpload(upload.filename, "empty")
    if len(upload.data) > max_bytes:
        raise RejectedUpload(upload.filename, "too_large")
    mime = detect_type(upload.data)
    if mime is None:
        raise RejectedUpload(upload.filename, "type")
    return mime


def store_attachment(
    case: Case,
    upload: Upload,
    *,
    upload_dir: str,
    purpose: AttachmentPurpose,
    now: datetime,
    max_bytes: int,
    uploaded_by_id: int | None = None,
) -> Attachment:
    """Write the file under a random name in a year/month folder and describe it in a row.

    The stored name carries no part of the user's file name, so nothing the user sends can
    choose a path; the original name is kept only for display, to officers."""
    mime = check_upload(upload, max_bytes)
    key = f"{now:%Y/%m}/{uuid.uuid4().hex}.{ALLOWED_TYPES[mime]}"
    path = Path(upload_dir) / key
    staged = Path(upload_dir) / STAGING_FOLDER / f"{uuid.uuid4().hex}.part"
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.write_bytes(upload.data)

    def move_into_place() -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, path)

    after_commit(db.session, move_into_place)
    after_rollback(db.session, lambda: staged.unlink(missing_ok=True))
    attachment = Attachment(
        purpose=purpose,
        original_name=display_name(upload.filename),
        content_type=mime,
        size_bytes=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        storage_key=key,
        uploaded_at=now,
        uploaded_by_id=uploaded_by_id,
    )
    case.attachments.append(attachment)
    return attachment


def display_name(filename: str) -> str:
    """The user's file name reduced to its last component, NFC, without control characters."""
    base = nfc(filename).replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return (cleaned or "tep-dinh-kem")[:200]
