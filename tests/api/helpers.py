"""What the API tests share: a client key, its headers, and a valid submission."""

from __future__ import annotations

import base64

from intake.api.submissions import EXAMPLE
from tests.api.test_keys_and_problems import bearer, create_key, run  # noqa: F401

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def item(**changes) -> dict:
    """The document's example of a submission, without its file, with ``changes``."""
    body = {k: v for k, v in EXAMPLE.items() if k != "attachments"}
    body.update(changes)
    return body


def attachment(data: bytes = PDF, filename: str = "hien-trang.pdf") -> dict:
    return {
        "filename": filename,
        "content_type": "application/pdf",
        "data": base64.b64encode(data).decode(),
    }
