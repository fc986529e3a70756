"""GeoReport v2's two formats, built from the same Python values (lists of dicts).

XML is the format the specification requires; JSON follows it by the "Spark convention": the
root element is the list, each child element an object, a nested list keeps the plural name
of its container. ``<services><service>…`` is ``[{…}]``; ``<attributes><attribute>…`` is
``"attributes": [{…}]``. XML is built with ``xml.etree`` (every text escaped by it), never by
joining strings, and the characters XML 1.0 cannot carry are dropped from every text."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import datetime

from flask import Response

from intake.core.calendar import LOCAL_TZ

FORMATS = ("json", "xml")
JSON_TYPE = "application/json"
XML_TYPE = "text/xml"

#: The element of each item in a list, by the list's name (the specification's names).
ITEM_NAMES = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def w3c(moment: datetime | None) -> str | None:
    """A time as the W3C note writes it, with the province's offset: 2026-12-01T16:05:09+07:00."""
    if moment is None:
        return None
    return moment.astimezone(LOCAL_TZ).replace(microsecond=0).isoformat()


def answer(fmt: str, root: str, value, status: int = 200) -> Response:
    """``value`` (a list, or for discovery a dict) in ``fmt`` under the root element ``root``."""
    if fmt == "json":
        body = json.dumps(value, ensure_ascii=False)
        return Response(body, status=status, content_type=f"{JSON_TYPE}; charset=utf-8")
    return Response(to_xml(root, value), status=status, content_type=f"{XML_TYPE}; charset=utf-8")


#: The declaration as the specification writes it (xml.etree's own uses single quotes).
DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'


def to_xml(root: str, value) -> bytes:
    element = ET.Element(root)
    _fill(element, root, value)
    return DECLARATION + ET.tostring(element, encoding="unicode").encode("utf-8")


def _fill(element: ET.Element, name: str, value) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), key, child)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        item = ITEM_NAMES.get(name, "item")
        for child in value:
            _fill(ET.SubElement(element, item), item, child)
    elif value is not None:
        element.text = _text(value)


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def format_of_path(path: str) -> str:
    """The format a path asks for (``….json``); XML, the required format, otherwise."""
    return "json" if path.rsplit("/", 1)[-1].lower().endswith(".json") else "xml"
