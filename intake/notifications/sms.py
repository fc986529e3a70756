"""Sending an SMS through a brand-name gateway over HTTP.

Vietnamese brand-name SMS services (eSMS, SpeedSMS, VNPT, Viettel, FPT …) take a JSON POST
naming the registered sender (brandname), the phone, the text and, with most, a request id of
the caller's. Their field names differ, so the body is a template (``SMS_HTTP_PAYLOAD_TEMPLATE``)
whose ``$placeholders`` are filled in; credentials go as HTTP basic authentication, extra
headers, or placeholders in the body.

The request id is the outbox row's, the same on every attempt (``sms_request_id``): a retry
after a time-out, when the gateway may have taken the first request, is recognised on its side
as the same message. Failures are sorted like the e-mail relay's: a gateway that cannot be
reached, times out, or says it is overloaded (429, 502, 503, 504) uses up none of the message's
attempts; another 5xx is a temporary failure that counts; any other refusal is permanent.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from string import Template
from typing import Any, Protocol

from intake.notifications.models import OutboxMessage
from intake.notifications.transport import PermanentFailure, TemporaryFailure

#: HTTP statuses that say "the gateway, not this message": retried without counting.
UNAVAILABLE = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class Sms:
    phone: str  # E.164 without "+": 84912345678
    text: str
    request_id: str


class SmsGateway(Protocol):
    def send(self, sms: Sms) -> None:
        """Hand the message over, or raise TemporaryFailure / PermanentFailure."""

    def close(self) -> None: ...


def sms_request_id(message: OutboxMessage) -> str:
    """The id the gateway sees for this message, fixed when it was queued (like Message-ID)."""
    return f"pakn-{message.id}-{message.created_at:%Y%m%d%H%M%S}"


def to_sms(message: OutboxMessage) -> Sms:
    return Sms(phone=message.recipient, text=message.body_text, request_id=sms_request_id(message))


def _fill(value: Any, values: dict[str, str]) -> Any:
    """The template with its placeholders filled, keeping its structure and other values."""
    if isinstance(value, str):
        return Template(value).safe_substitute(values)
    if isinstance(value, dict):
        return {key: _fill(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    return value


class HttpSmsGateway:
    """One JSON POST per message with the standard library: no connection is kept open."""

    def __init__(self, config):
        self.url = str(config["SMS_HTTP_URL"] or "")
        if not self.url.startswith(("http://", "https://")):
            # Checked here, so that urlopen below can never be pointed at file: or ftp:.
            raise PermanentFailure("SMS_HTTP_URL must be an http:// or https:// address")
        self.timeout = config["SMS_TIMEOUT_SECONDS"]
        self.template = config["SMS_HTTP_PAYLOAD_TEMPLATE"]
        self.brandname = config["SMS_BRANDNAME"] or ""
        self.username = config["SMS_HTTP_USERNAME"] or ""
        self.password = config["SMS_HTTP_PASSWORD"] or ""
        self.success_key = config["SMS_HTTP_SUCCESS_KEY"]
        self.success_values = {str(v) for v in config["SMS_HTTP_SUCCESS_VALUES"] or []}
        self.headers = {"Content-Type": "application/json; charset=utf-8"}
        self.headers |= dict(config["SMS_HTTP_HEADERS"] or {})
        if self.username:
            pair = f"{self.username}:{self.password}".encode()
            self.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()

    def payload(self, sms: Sms) -> dict[str, Any]:
        values = {
            "brandname": self.brandname,
            "phone": sms.phone,
            "message": sms.text,
            "request_id": sms.request_id,
            "username": self.username,
            "password": self.password,
        }
        return _fill(self.template, values)

    def send(self, sms: Sms) -> None:
        body = json.dumps(self.payload(sms), ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked in __init__)
            self.url, data=body, headers=self.headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = response.read(65536)
        except urllib.error.HTTPError as exc:
            exc.close()
            self._refused(exc.code, sms)
        except (urllib.error.URLError, OSError) as exc:  # refused, reset, DNS, time-out
            reason = getattr(exc, "reason", exc)
            raise TemporaryFailure(
                f"SMS gateway unreachable ({sms.request_id}): {type(reason).__name__}: {reason}",
                server_unreachable=True,
            ) from exc
        self._check_answer(answer, sms)

    def _refused(self, status: int, sms: Sms) -> None:
        if status in UNAVAILABLE:
            raise TemporaryFailure(
                f"SMS gateway unavailable ({sms.request_id}): HTTP {status}",
                server_unreachable=True,
            )
        if status >= 500 or status == 408:
            raise TemporaryFailure(f"SMS gateway error ({sms.request_id}): HTTP {status}")
        raise PermanentFailure(f"SMS refused ({sms.request_id}): HTTP {status}")

    def _check_answer(self, answer: bytes, sms: Sms) -> None:
        if not self.success_key:
            return
        try:
            result = json.loads(answer or b"{}").get(self.success_key)
        except (ValueError, AttributeError):
            result = None
        if str(result) not in self.success_values:
            raise PermanentFailure(f"SMS refused ({sms.request_id}): {self.success_key}={result!r}")

    def close(self) -> None:
        return None


def open_gateway(config) -> SmsGateway:
    return HttpSmsGateway(config)
