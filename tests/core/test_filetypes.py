"""Files are judged by their bytes: the samples here are built the way real programs write them."""

import io
import zipfile

import pytest

from intake.core.filetypes import detect_type

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def office_zip(entries, sizes=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in entries:
            size = (sizes or {}).get(name)
            archive.writestr(name, b"\xff" * size if size else "<xml/>")
    return buffer.getvalue()


DOCX = office_zip(["[Content_Types].xml", "word/document.xml"])
XLSX = office_zip(["[Content_Types].xml", "xl/workbook.xml"])


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (OLE2 + b"\x00" * 100 + "WordDocument".encode("utf-16-le"), "application/msword"),
        (OLE2 + b"\x00" * 100 + "Workbook".encode("utf-16-le"), "application/vnd.ms-excel"),
        (EXE, None),
        (b"#!/bin/sh\nrm -rf /\n", None),
        (b"<html><script>alert(1)</script></html>", None),
        (office_zip(["payload.exe"]), None),
        (office_zip(["word/payload.exe"]), None),  # not a package: no [Content_Types].xml
        (b"PK\x03\x04 truncated", None),
        (OLE2 + b"\x00" * 100, None),
        (b"GIF89a" + b"\x00" * 20, None),
    ],
)
def test_detect_type(data, mime):
    assert detect_type(data) == mime


@pytest.mark.parametrize(
    "data",
    [
        # The Word part after five others, and after a thumbnail larger than filetype's window:
        # both real layouts that the `filetype` package's offset-reading matcher calls a ZIP.
        office_zip(
            [
                "[Content_Types].xml",
                "_rels/.rels",
                "docProps/app.xml",
                "docProps/core.xml",
                "customXml/item1.xml",
                "word/document.xml",
            ]
        ),
        office_zip(
            ["[Content_Types].xml", "_rels/.rels", "docProps/thumbnail.jpeg", "word/document.xml"],
            sizes={"docProps/thumbnail.jpeg": 9000},
        ),
    ],
)
def test_a_docx_is_recognised_whatever_the_order_of_its_parts(data):
    assert detect_type(data) == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
