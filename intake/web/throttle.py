"""Counters that slow guessing and floods, kept in the rate limiter's storage so that every
worker and node shares them (Redis in production, ``RATELIMIT_STORAGE_URI``).

Flask-Limiter's decorators answer 429 with an error page before the view runs. That suits a
login, not a citizen's form: a refused submission must be shown again with everything typed,
and a tracking limit must count a (code, address) pair that only the view knows. So the views
ask here, with keys they build, and decide what to show.
"""

from __future__ import annotations

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many

from intake.extensions import limiter

NAMESPACE = "intake-throttle"


def client_address() -> str:
    """The client's address as the limiter sees it (after ``ProxyFix``)."""
    return get_remote_address() or "unknown"


def _key(setting: str, key: tuple[str, ...]) -> tuple[str, ...]:
    prefix = str(current_app.config.get("RATELIMIT_KEY_PREFIX") or "")
    return (prefix, NAMESPACE, setting, *key) if prefix else (NAMESPACE, setting, *key)


def _items(setting: str) -> list[RateLimitItem]:
    return parse_many(str(current_app.config[setting]))


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def allowed(setting: str, *key: str) -> bool:
    """Whether one more attempt under ``key`` stays within every limit of ``setting``."""
    if not _enabled():
        return True
    return all(limiter.limiter.test(item, *_key(setting, key)) for item in _items(setting))


def count(setting: str, *key: str) -> None:
    """Count one attempt under ``key`` in every window of ``setting``."""
    if _enabled():
        for item in _items(setting):
            limiter.limiter.hit(item, *_key(setting, key))


def take(setting: str, *key: str) -> bool:
    """Count one attempt and say whether it was within the limits (``allowed`` + ``count``)."""
    if not allowed(setting, *key):
        return False
    count(setting, *key)
    return True


def forget(setting: str, *key: str) -> None:
    """Clear the counters under ``key``: the owner of an item proved they hold its key."""
    if _enabled():
        for item in _items(setting):
            limiter.limiter.clear(item, *_key(setting, key))
