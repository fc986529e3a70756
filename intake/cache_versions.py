"""Versions of the groups of data that kept pages and option lists depend on.

A version is a random token in the cache (Redis or memory, ``intake.extensions.cache``); what
is kept carries the versions it was built with in its key, and a change to a group replaces
the group's version after the commit (``intake.web.page_cache`` listens to the flushes), so
nothing built before the change is found again.
"""

from __future__ import annotations

import uuid

from flask import current_app

from intake.extensions import cache

ORGANISATION = "organisation"  # units, fields, procedures: names and lists in every form
PUBLICATIONS = "publications"  # what /published lists
STATISTICS = "statistics"  # the daily backlog snapshot behind /stats

#: How long anything kept lives at most (seconds): with the memory store, the delay before a
#: change made by another process shows.
KEEP_SECONDS = 60


def current(groups: tuple[str, ...]) -> str | None:
    """The groups' versions as one string; None when the cache cannot be read (keep nothing)."""
    keys = [f"pages-version:{g}" for g in groups]
    try:
        values = cache.get_many(*keys) if keys else []
        for i, (key, value) in enumerate(zip(keys, values, strict=True)):
            if value is None:  # never set, or evicted: a new one, so no older page matches
                cache.add(key, uuid.uuid4().hex, timeout=0)
                values[i] = cache.get(key)
    except Exception:  # noqa: BLE001 — the cache is an optimisation: without it, build anew
        current_app.logger.warning("cache unavailable", exc_info=True)
        return None
    return None if None in values else "-".join(values)


def replace(groups: set[str]) -> None:
    """Everything kept that depends on one of ``groups`` stops matching."""
    for group in groups:
        cache.set(f"pages-version:{group}", uuid.uuid4().hex, timeout=0)
