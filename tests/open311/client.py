"""A GeoReport v2 client written from the specification's text (wiki.open311.org/GeoReport_v2
and /Service_Discovery) and nothing else: its URLs, parameter names and element names. It knows
nothing of the server under test beyond its discovery URL.

Both formats: XML (the required one, parsed with ``xml.etree``) and JSON (the "Spark
convention" mapping of the same XML). Each answer becomes the same Python values, so that a
test can compare the two: a list of dicts for the list resources, a dict for discovery and
for a service definition. Booleans, ``order`` and an error's ``code`` get their types back from
XML's text, as the specification's tables describe them.

The transport is any callable ``send(method, url, params) -> (status, content_type, body)``:
a Flask test client in the suite, ``urllib`` against a real server."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlsplit

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: Containers and the element of each of their items (the specification's "⇊" and "↴").
LISTS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}
BOOLEANS = {"metadata", "variable", "required"}
INTEGERS = {"order"}
CONTENT_TYPES = {"xml": "text/xml", "json": "application/json"}


class GeoReportError(Exception):
    """An error answer: its HTTP status and the ``errors`` list (code, description)."""

    def __init__(self, status: int, errors: list[dict], content_type: str):
        super().__init__(f"{status}: {errors}")
        self.status = status
        # "The error code representing the type of error": a number, most often the status.
        self.errors = [{**e, "code": int(e["code"])} for e in errors]
        self.content_type = content_type


@dataclass
class Answer:
    status: int
    content_type: str
    value: object


def parse(body: bytes, fmt: str):
    if fmt == "json":
        return _typed(json.loads(body.decode("utf-8")))
    root = ET.fromstring(body)  # noqa: S314 — the server under test, on loopback
    return _element(root)


def _element(element: ET.Element):
    children = list(element)
    if element.tag in LISTS:
        return [_element(child) for child in children if child.tag == LISTS[element.tag]]
    if not children:
        return _scalar(element.tag, element.text)
    return {child.tag: _element(child) for child in children}


def _scalar(name: str, text: str | None):
    if text is None or text == "":
        return None
    if name in BOOLEANS:
        return {"true": True, "false": False}[text]
    if name in INTEGERS:
        return int(text)
    return text


def _typed(value, name: str = ""):
    """JSON values with the same types as parsed XML (scalars as text unless typed above)."""
    if isinstance(value, list):
        return [_typed(v, LISTS.get(name, "")) for v in value]
    if isinstance(value, dict):
        return {k: _typed(v, k) for k, v in value.items()}
    if value is None or isinstance(value, bool):
        return value
    if name in INTEGERS:
        return int(value)
    return str(value)


class GeoReportClient:
    """One endpoint, one format."""

    def __init__(self, send, discovery_url: str, fmt: str = "xml", api_key: str | None = None):
        self.send, self.fmt, self.api_key = send, fmt, api_key
        self.discovery_url = discovery_url
        self.endpoint: str | None = None

    # --- transport ---------------------------------------------------------------------------

    def _call(self, method: str, url: str, params: dict | list | None = None) -> Answer:
        status, content_type, body = self.send(method, url, params or {})
        expected = CONTENT_TYPES[self.fmt]
        if not content_type.startswith(expected):
            raise AssertionError(f"{url}: {content_type} is not {expected}")
        if "charset=utf-8" not in content_type.replace(" ", "").lower():
            raise AssertionError(f"{url}: no UTF-8 charset in {content_type}")
        if self.fmt == "xml" and not body.lstrip().startswith(b"<?xml"):
            raise AssertionError(f"{url}: no XML declaration")
        value = parse(body, self.fmt)
        if status >= 400:
            raise GeoReportError(status, value, content_type)
        return Answer(status, content_type, value)

    def _url(self, resource: str) -> str:
        if self.endpoint is None:
            self.discover()
        return f"{self.endpoint}/{resource}.{self.fmt}"

    # --- the methods of the specification ------------------------------------------------------

    def discover(self) -> dict:
        """Service Discovery: the production (else test) GeoReport v2 endpoint in our format."""
        document = self._call("GET", f"{self.discovery_url}.{self.fmt}").value
        for endpoint in document["endpoints"]:
            if (
                endpoint["specification"] == SPECIFICATION
                and CONTENT_TYPES[self.fmt] in (endpoint["formats"])
            ):
                self.endpoint = urlsplit(endpoint["url"]).path.rstrip("/")
                break
        else:
            raise AssertionError("no GeoReport v2 endpoint in this format")
        return document

    def services(self) -> list[dict]:
        return self._call("GET", self._url("services")).value

    def service_definition(self, service_code: str) -> dict:
        return self._call("GET", self._url(f"services/{service_code}")).value

    def post_request(self, service_code: str, attributes: dict | None = None, **fields) -> dict:
        """POST Service Request, form-encoded; ``attributes`` as ``attribute[code]=value``
        (a list value as ``attribute[code][]`` repeated, for a multivaluelist)."""
        params: list[tuple[str, str]] = []
        if self.api_key is not None:
            params.append(("api_key", self.api_key))
        params.append(("service_code", service_code))
        params.extend((name, str(value)) for name, value in fields.items())
        for code, value in (attributes or {}).items():
            if isinstance(value, list):
                params.extend((f"attribute[{code}][]", str(v)) for v in value)
            else:
                params.append((f"attribute[{code}]", str(value)))
        answer = self._call("POST", self._url("requests"), params)
        (created,) = answer.value
        return created

    def requests(self, **filters) -> list[dict]:
        """GET Service Requests; a list filter (ids, codes, statuses) is sent comma-delimited."""
        params = {
            name: ",".join(value) if isinstance(value, list | tuple) else value
            for name, value in filters.items()
        }
        return self._call("GET", self._url("requests"), params).value

    def request(self, service_request_id: str) -> dict:
        (found,) = self._call("GET", self._url(f"requests/{service_request_id}")).value
        return found

    def token(self, token: str) -> dict:
        (found,) = self._call("GET", self._url(f"tokens/{token}")).value
        return found
