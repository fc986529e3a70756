"""What the API tests share: a client key, its headers, and a valid submission."""

from __future__ import annotations

import base64

from tests.api.test_keys_and_problems import bearer, create_key, run  # noqa: F401

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def item(**changes) -> dict:
    body = {
        "submitter_type": "individual",
        "full_name": "Nguyễn Văn An",
        "address": "12 Lê Lợi, phường 1, TP. Cà Mau",
        "phone": "0912 345 678",
        "email": "an@example.vn",
        "kind": "phan_anh",
        "title": "Đèn đường hỏng trên đường Lê Lợi",
        "content": "Đèn đường trước nhà số 12 Lê Lợi đã hỏng hai tuần, buổi tối rất tối.",
        "consent_to_publish": True,
        "declared_truthful": True,
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


def attachment(data: bytes = PDF, filename: str = "hien-trang.pdf") -> dict:
    return {
        "filename": filename,
        "content_type": "application/pdf",
        "data": base64.b64encode(data).decode(),
    }
