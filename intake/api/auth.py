"""Who is calling the API: the key in ``Authorization: Bearer <key>`` (or ``X-API-Key``).

The key is looked up once per request (``current_key``) and kept in ``g``. The session
cookie is never read here: a browser's cookie cannot act through the API, which is why the
API may be exempt from CSRF. Limits are counted per key, at the rate the key carries, and per
client address for calls without a key."""

from __future__ import annotations

from flask import g, request

from intake.api.problems import ProblemError
from intake.api_keys.models import ApiKey, KeyKind
from intake.api_keys.operations import authenticate

#: Calls without a key (published answers, statistics, following an item) per client address.
ANONYMOUS_LIMIT = "60/minute"

SPEC_OPTIONS = {
    "components": {
        "securitySchemes": {
            "clientKey": {
                "type": "http",
                "scheme": "bearer",
                "description": "Khoá của ứng dụng kết nối (pakn_…). A client app's key.",
            },
            "officerToken": {
                "type": "http",
                "scheme": "bearer",
                "description": "Mã truy cập cá nhân của cán bộ (pakt_…). An officer's token.",
            },
        }
    }
}


def _presented_key() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("X-API-Key") or None


def presented_key() -> str | None:
    """The key the request carries, valid or not (None without one)."""
    return _presented_key()


def current_key() -> ApiKey | None:
    """The active key of this request, or None (no key, or not a valid one)."""
    if "api_key" not in g:
        g.api_key = authenticate(_presented_key())
    return g.api_key


def require_key(kind: KeyKind) -> ApiKey:
    """The caller's key of ``kind``; 401 without a valid key, 403 with a key of the other kind."""
    key = current_key()
    if key is None:
        raise ProblemError(401, missing_key_message())
    if key.kind is not kind:
        raise ProblemError(403, _wrong_kind_message(kind))
    return key


def missing_key_message() -> str:
    from flask_babel import gettext as _

    return _("Cần khoá API hợp lệ trong tiêu đề Authorization: Bearer …")


def _wrong_kind_message(kind: KeyKind) -> str:
    from flask_babel import gettext as _

    if kind is KeyKind.CLIENT:
        return _("Thao tác này cần khoá của ứng dụng kết nối (pakn_…).")
    return _("Thao tác này cần mã truy cập cá nhân của cán bộ (pakt_…).")


def rate_limit_value() -> str:
    key = current_key()
    return key.rate_limit if key is not None else ANONYMOUS_LIMIT


def rate_limit_key() -> str:
    key = current_key()
    if key is not None:
        return f"api-key:{key.id}"
    from intake.web.throttle import client_address

    return f"api-address:{client_address()}"
