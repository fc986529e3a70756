"""Which uploaded files are accepted, decided from their bytes and never from their names.

A renamed executable or script is refused whatever its extension says. Office documents are
ZIP (DOCX, XLSX) or OLE2 (DOC, XLS) containers; the container is opened to tell which it is.

``filetype`` judges the images, but not the Office files: its matchers read fixed offsets, so
they call a DOCX a plain ZIP when the Word part is not among its first five entries or a large
entry comes before it (as other producers than Word write them), take a ZIP whose first entry is
named "word/…" for a DOCX, and name an OLE2 file by the bytes of its second sector instead of
its stream names. Listing the ZIP's entries and reading the OLE2 directory names decides better.
"""

from __future__ import annotations

import io
import zipfile

import filetype

# mime type -> the extension the file is stored and shown with
ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def detect_type(data: bytes) -> str | None:
    """The accepted mime type of ``data``, or ``None`` when the content is not one we accept."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(_OLE2_MAGIC):
        return _ole2_type(data)
    if data.startswith(b"PK\x03\x04"):
        return _office_zip_type(data)
    kind = filetype.guess(data[:8192])
    if kind is not None and kind.mime in ("image/jpeg", "image/png"):
        return kind.mime
    return None


def _office_zip_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if "xl/workbook.xml" in names:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def _ole2_type(data: bytes) -> str | None:
    # The stream directory names the document type: Word keeps "WordDocument", Excel "Workbook"
    # (or "Book" in old files). Names are stored as UTF-16LE in the directory sectors.
    if "WordDocument".encode("utf-16-le") in data:
        return "application/msword"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "application/vnd.ms-excel"
    return None
