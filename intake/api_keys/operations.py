"""Creating, revoking and checking keys. Like every operation, none of these commits."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from limits import parse_many

from intake.accounts.models import User
from intake.api_keys.models import (
    DEFAULT_CLIENT_LIMIT,
    DEFAULT_PERSONAL_LIMIT,
    ApiKey,
    KeyKind,
)
from intake.core.errors import InvalidInput
from intake.core.text import nfc
from intake.extensions import db

#: The key's first characters say what it is, so that a leaked key found in a log or a
#: repository is recognised (and secret scanners can be taught the pattern).
PREFIXES = {KeyKind.CLIENT: "pakn_", KeyKind.PERSONAL: "pakt_"}
KEY_PATTERN = re.compile(r"^pak[nt]_[A-Za-z0-9_-]{43}$")


def digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def create_key(
    *,
    kind: KeyKind,
    name: str,
    now: datetime,
    user: User | None = None,
    created_by: User | None = None,
    rate_limit: str | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its raw value, which is shown once and never stored."""
    name = nfc(name)
    if not name or len(name) > 120:
        raise InvalidInput("name", _l("Tên ứng dụng từ 1 đến 120 ký tự."))
    if (kind is KeyKind.PERSONAL) != (user is not None):
        raise InvalidInput("user", _l("Mã cá nhân phải thuộc về một cán bộ."))
    limit = (rate_limit or "").strip() or (
        DEFAULT_PERSONAL_LIMIT if kind is KeyKind.PERSONAL else DEFAULT_CLIENT_LIMIT
    )
    check_rate_limit(limit)
    raw = PREFIXES[kind] + secrets.token_urlsafe(32)
    key = ApiKey(
        kind=kind,
        name=name,
        prefix=raw[:12],
        digest=digest(raw),
        rate_limit=limit,
        user=user,
        created_by=created_by,
        created_at=now,
    )
    db.session.add(key)
    db.session.flush()
    return key, raw


def check_rate_limit(value: str) -> None:
    """Flask-Limiter's notation (``120/minute``, ``10/second;1000/day``), refused if unreadable."""
    try:
        parsed = parse_many(value)
    except ValueError:
        parsed = []
    if not parsed or len(value) > 40:
        raise InvalidInput("rate_limit", _l("Giới hạn không hợp lệ (ví dụ: 120/minute)."))


def revoke_key(key: ApiKey, *, now: datetime) -> None:
    if key.revoked_at is None:
        key.revoked_at = now


def authenticate(raw_key: str | None) -> ApiKey | None:
    """The active key with this value, or None (also for anything that is not a key)."""
    if not raw_key or not KEY_PATTERN.match(raw_key):
        return None
    key = db.session.scalar(sa.select(ApiKey).where(ApiKey.digest == digest(raw_key)))
    if key is None or not key.is_active:
        return None
    if key.kind is KeyKind.PERSONAL and (key.user is None or not key.user.is_active):
        return None  # a disabled officer's tokens stop with the account
    return key


def find_key(reference: str) -> ApiKey | None:
    """A key named by an operator: its id or its prefix (as the list shows them)."""
    reference = reference.strip()
    if reference.isdigit() and len(reference) < 10:
        return db.session.get(ApiKey, int(reference))
    return db.session.scalar(sa.select(ApiKey).where(ApiKey.prefix == reference))


def limit_of(key: ApiKey | None, *, anonymous: str) -> str:
    """The rate limit of a call: its key's own, or the doors' limit for calls without a key."""
    return key.rate_limit if key is not None else anonymous


def bucket_of(key: ApiKey | None, *, anonymous: str) -> str:
    """What a call's rate limit is counted against: its key, or else the client's address."""
    if key is not None:
        return f"api-key:{key.id}"
    from intake.web.throttle import client_address

    return f"{anonymous}:{client_address()}"
