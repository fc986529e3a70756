"""Public pages that are the same for every visitor, kept rendered (Flask-Caching: Redis when
``CACHE_STORAGE_URI`` names one, else each process's memory).

Only anonymous GET requests with nothing personal in their session (no signed-in user, no
message waiting to be shown) and only known, short parameters are served from the cache; any
other request renders the page as before, and its page is never stored. A page's per-visitor
parts, the hidden tokens of its form (CSRF, submission token), are stored as placeholders and
filled in afresh for every request, exactly as the view would.

Each page depends on groups of data (the organisation, the publications, the statistics); a
group's version is part of the page's key, and the version is replaced after the commit of any
transaction that changed the group (the after-flush listener below), so a change shows at once.
Every page also expires after :data:`PAGE_SECONDS`: the live figures of ``/stats`` (which move
with every item received) are at most that old, and with the memory store, so is what another
process changed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from itertools import chain

import sqlalchemy as sa
from flask import Flask, current_app, make_response, request, session
from flask_babel import get_locale

from intake import cache_versions, clock
from intake.cache_versions import (  # noqa: F401  (the groups, for the views)
    KEEP_SECONDS,
    LISTINGS,
    ORGANISATION,
    PUBLICATIONS,
    STATISTICS,
)
from intake.core.calendar import local_date
from intake.extensions import cache, db
from intake.transaction import after_commit, after_rollback, committing_outermost

PAGE_SECONDS = KEEP_SECONDS

_PENDING = "intake.page_cache.groups"
_SIGNED_IN = "intake.page_cache.names_a_session"
_PLACEHOLDER = "@@intake-fresh:{}@@"
#: The kept pages' keys begin with it. It names the stored form (UTF-8 bytes since they stopped
#: being text): in a Redis shared with nodes still running the code before, neither kind of
#: node finds the other's pages.
KEY_PREFIX = "page-bytes:"
#: A parameter's value that may be part of a key: ids, page numbers, years. ASCII digits only:
#: ``\d`` also matches "٢٠٢٦", which ``int()`` reads as 2026 (one more key for the same page).
NUMBER = re.compile(r"[0-9]{1,9}")
LANGUAGE = re.compile(r"vi|en")
EMPTY = re.compile(r"")


def shared_page(
    *,
    depends_on: tuple[str, ...],
    args: dict[str, re.Pattern] | None = None,
    fresh: dict[str, Callable[[], str]] | None = None,
):
    """Serve the view's page from the cache when the request allows it (see the module).

    ``args``: the query parameters the page reads, each with the pattern its value must match
    for the page to be cached (``lang`` is always allowed); ``fresh``: hidden form fields whose
    value is made anew for each request."""
    allowed = {"lang": LANGUAGE, **(args or {})}
    fresh = fresh or {}

    def decorator(view):
        @functools.wraps(view)
        def wrapper(**view_args):
            key = _key(allowed, depends_on, view_args)
            if key is None:
                return view(**view_args)
            stored = _get(key)
            if isinstance(stored, bytes):
                for name, make in fresh.items():
                    stored = stored.replace(_placeholder(name), make().encode())
                return current_app.response_class(stored, mimetype="text/html")
            response = make_response(view(**view_args))
            page = _template(response, fresh)
            if page is not None:
                _set(key, page)
            return response

        return wrapper

    return decorator


def _key(allowed: dict, depends_on: tuple[str, ...], view_args: dict) -> str | None:
    if request.method != "GET" or "_flashes" in session:
        return None
    # Whoever signs in is never served, nor stores, a kept page. A cookie that names a session
    # (live or ended) is enough to be left out: asked from the cookie alone, not through
    # Flask-Login, whose loading of the anonymous user was a twentieth of a kept page's time.
    if current_app.extensions[_SIGNED_IN]():
        return None
    args = []
    for name in sorted(request.args):
        values = request.args.getlist(name)
        pattern = allowed.get(name)
        if pattern is None or len(values) != 1 or not pattern.fullmatch(values[0]):
            return None
        args.append(f"{name}={values[0]}")
    versions = cache_versions.current(depends_on)
    if versions is None:
        return None
    locale = str(get_locale())  # after reading ?lang=, which the locale selector keeps
    day = local_date(clock.now()).isoformat()  # "in force today", "as of today"
    view = ",".join(f"{k}={v}" for k, v in sorted(view_args.items()))
    return f"{KEY_PREFIX}{request.endpoint}:{view}:{locale}:{day}:{versions}:{'&'.join(args)}"


def _get(key: str) -> bytes | None:
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001
        current_app.logger.warning("page cache unavailable", exc_info=True)
        return None


def _set(key: str, page: bytes) -> None:
    try:
        cache.set(key, page, timeout=PAGE_SECONDS)
    except Exception:  # noqa: BLE001
        current_app.logger.warning("page cache unavailable", exc_info=True)


def _template(response, fresh: dict) -> bytes | None:
    """The page as stored, its per-visitor values replaced by placeholders; None when it must
    not be stored (not a plain 200 page, a cookie other than the session, a token not found).

    Kept as the UTF-8 bytes that are sent: a kept page is then neither decoded when the cache
    unpickles it nor encoded again for the response (together a twentieth of a kept page's
    time under gunicorn, ``py-spy`` on ``bench/bench_http.py``'s load)."""
    if response.status_code != 200 or response.mimetype != "text/html":
        return None
    if response.direct_passthrough or "Set-Cookie" in response.headers:
        return None
    page = response.get_data(as_text=True)
    for name in fresh:
        found = re.search(rf'<input [^>]*name="{name}" [^>]*value="([^"]+)"', page)
        if found is None:
            return None
        page = page.replace(found.group(1), _PLACEHOLDER.format(name))
    return page.encode()


@functools.cache
def _placeholder(name: str) -> bytes:
    return _PLACEHOLDER.format(name).encode()


# --- dropping pages when their data change ----------------------------------------------------


def install(app: Flask, *, names_a_session: Callable[[], bool]) -> None:
    """Listen to every flush of the application's session (views, the worker, the CLI).

    ``names_a_session``: whether the request's cookie names an officer's session (given by the
    composition root: the accounts build on this package, not the other way round)."""
    app.extensions[_SIGNED_IN] = names_a_session
    if not sa.event.contains(db.session, "after_flush", _note_changes):
        sa.event.listen(db.session, "after_flush", _note_changes)
        sa.event.listen(db.session, "do_orm_execute", _note_statement)
        sa.event.listen(db.session, "before_commit", _bump_listings)


def changed_groups(session) -> set[str]:
    """The groups of data a flush changes, from the objects it writes."""
    from intake.cases.models import Case
    from intake.org.models import Field, Procedure, Unit
    from intake.reports.models import SnapshotDay

    groups = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Unit | Field | Procedure):
            groups.add(ORGANISATION)
        elif isinstance(obj, SnapshotDay):
            groups.add(STATISTICS)
        elif isinstance(obj, Case) and _publication_changed(obj):
            groups.add(PUBLICATIONS)
        if isinstance(obj, _listed_classes()):
            groups.add(LISTINGS)
    return groups


@functools.cache
def _listed_classes() -> tuple[type, ...]:
    """What the officers' queue listings show (``intake.officer.queues``)."""
    from intake.cases.models import Case, CaseEvent, CooperationRequest
    from intake.cases.sources import SubmissionSource
    from intake.org.models import CalendarOverride, Field, Unit

    return (Case, CaseEvent, CooperationRequest, SubmissionSource, CalendarOverride, Field, Unit)


def _note_statement(state) -> None:
    """UPDATE and DELETE statements run through the session (not a flush) change the listings'
    data as well when they touch one of their tables."""
    if isinstance(state.statement, sa.TextClause):  # plain SQL: assume the worst if it writes
        if state.statement.text.lstrip()[:6].upper() in ("UPDATE", "DELETE", "INSERT"):
            _pend(state.session, {LISTINGS})
        return
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    names = {c.__table__.name for c in _listed_classes()}
    if getattr(table, "name", None) in names:
        _pend(state.session, {LISTINGS})


_PUBLISHED_COLUMNS = ("published_at", "published_title", "published_content", "published_answer")


def _publication_changed(case) -> bool:
    """A publication made, edited or withdrawn, or a published item leaving (or coming back to)
    the answered states that /published lists."""
    attrs = sa.inspect(case).attrs
    if any(attrs[name].history.has_changes() for name in _PUBLISHED_COLUMNS):
        return True
    return case.published_at is not None and attrs.state.history.has_changes()


def _note_changes(session, flush_context) -> None:
    groups = changed_groups(session)
    if groups:
        _pend(session, groups)


def _bump_listings(session) -> None:
    """Just before the commit, inside its transaction: the listings' counter moves on with the
    changes (no transaction of its own, no moment when one is seen without the other). When
    its row is missing, the after-commit hook creates it."""
    pending = session.info.get(_PENDING)
    if not pending or LISTINGS not in pending:
        return
    if not committing_outermost(session):
        # Moved at a savepoint, the counter was moved again at the commit, and on PostgreSQL
        # its row stayed locked from the savepoint on, making concurrent writers wait longer.
        return
    session.flush()  # what is still to be written may add to the groups
    if cache_versions.bump_in(session.connection(), LISTINGS):
        pending.discard(LISTINGS)


def _pend(session, groups: set[str]) -> None:
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = set()
        after_commit(session, lambda: cache_versions.replace(session.info.pop(_PENDING, set())))
        after_rollback(session, lambda: session.info.pop(_PENDING, None))
    pending |= groups


def cache_config(uri: str) -> dict:
    """Flask-Caching's settings for ``CACHE_STORAGE_URI``: ``memory://`` (each process its
    own), ``redis://…`` (shared by every process and node), ``null://`` (nothing kept)."""
    if uri.startswith(("redis://", "rediss://", "unix://")):
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": uri,
            "CACHE_KEY_PREFIX": "intake-cache:",
            "CACHE_DEFAULT_TIMEOUT": PAGE_SECONDS,
        }
    if uri.startswith("null://"):
        return {"CACHE_TYPE": "NullCache"}
    if uri.startswith("memory://"):
        return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000,
                "CACHE_DEFAULT_TIMEOUT": PAGE_SECONDS}  # fmt: skip
    raise RuntimeError(f"CACHE_STORAGE_URI: memory://, redis://… or null://, not {uri!r}")
