"""Versions of the groups of data that kept pages and option lists depend on.

A version is a random token in the cache (Redis or memory, ``intake.extensions.cache``); what
is kept carries the versions it was built with in its key, and a change to a group replaces
the group's version after the commit (``intake.web.page_cache`` listens to the flushes), so
nothing built before the change is found again.
"""

from __future__ import annotations

import functools
import uuid

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from intake.extensions import cache, db

ORGANISATION = "organisation"  # units, fields, procedures: names and lists in every form
PUBLICATIONS = "publications"  # what /published lists
STATISTICS = "statistics"  # the daily backlog snapshot behind /stats
#: Items, their events and sources, cooperation, the calendar, unit and field names: what the
#: officers' queue listings show. Its version is a counter in the database, not in the cache,
#: moved on in the transaction that makes the change (just before its commit), so that every
#: process (memory store or not) sees the new version exactly when it sees the change.
LISTINGS = "listings"

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
        if group == LISTINGS:
            _bump(group)
        else:
            cache.set(f"pages-version:{group}", uuid.uuid4().hex, timeout=0)


class DataVersion(db.Model):
    """A counter per group of data whose version must be the same in every process."""

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    counter: Mapped[int] = mapped_column(sa.BigInteger, default=0)


def stored_version(group: str) -> int:
    """The group's counter (0 before its first change), read in the request's transaction."""
    # Core on the session's connection: a read on every queue request, without the ORM's layers,
    # and one statement built once (its cache key is then computed once, not per request).
    value = db.session.connection().execute(_counter_query(), {"name": group}).scalar()
    return value or 0


@functools.cache
def _counter_query() -> sa.Select:
    table = DataVersion.__table__
    return sa.select(table.c.counter).where(table.c.name == sa.bindparam("name"))


def bump_in(connection, group: str) -> bool:
    """Add 1 to the group's counter in ``connection``'s transaction; False when its row does
    not exist yet (the migration creates it; ``_bump`` creates it otherwise)."""
    table = DataVersion.__table__
    done = connection.execute(
        sa.update(table).where(table.c.name == group).values(counter=table.c.counter + 1)
    )
    return bool(done.rowcount)


def _bump(group: str) -> None:
    """After the commit of a change, in a short transaction of its own: one UPDATE, or the
    row's first INSERT."""
    table = DataVersion.__table__
    with db.engine.begin() as connection:
        if not bump_in(connection, group):
            try:
                with connection.begin_nested():
                    connection.execute(sa.insert(table).values(name=group, counter=1))
            except sa.exc.IntegrityError:  # another process inserted it first
                bump_in(connection, group)
