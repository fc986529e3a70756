"""Batches as the national system would send them, written from the documented format."""

from __future__ import annotations

import io
import json
from typing import Any

from openpyxl import Workbook

from intake.exchange.batch import COLUMNS


def item(code: str = "H01.99-261102-0001", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "national_code": code,
        "received_at": "2026-03-02T08:15:00+07:00",
        "channel": "web",
        "kind": "phan_anh",
        "title": "Chậm cấp giấy chứng nhận quyền sử dụng đất",
        "content": "Hồ sơ nộp từ tháng 6 năm trước, đến nay đã quá hẹn 30 ngày mà chưa có kết quả.",
        "field": "dat-dai",
        "procedure": "1.001193",
        "consent_to_publish": True,
        "declared_truthful": True,
        "submitter": {
            "type": "individual",
            "full_name": "Nguyễn Văn An",
            "address": "Ấp Phú Hữu, xã An Hiệp, huyện Châu Thành",
            "phone": "0912 345 678",
            "email": "an.nguyen@example.com",
        },
    }
    submitter = overrides.pop("submitter", None)
    data.update(overrides)
    if submitter is not None:
        data["submitter"] = {**data["submitter"], **submitter}
    return data


def json_batch(*items: dict[str, Any]) -> bytes:
    """Pretty-printed, as a person would read it: each item starts on a line of its own."""
    document = {"format": "pakn-national/1", "items": list(items)}
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def item_lines(data: bytes) -> list[int]:
    """The line each item starts on, found independently of the importer: an item's opening
    brace is the only line that is exactly "    {" in the indented dump."""
    return [n for n, line in enumerate(data.decode().splitlines(), 1) if line == "    {"]


def xlsx_batch(*items: dict[str, Any], header: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    columns = header or list(COLUMNS)
    sheet.append(columns)
    for entry in items:
        flat = {k: v for k, v in entry.items() if k != "submitter"}
        flat.update({f"submitter.{k}": v for k, v in entry.get("submitter", {}).items()})
        sheet.append([flat.get(c) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
