"""Officers' sessions, kept on the server so that they can be ended.

The signed cookie carries a random token (``session["sid"]``) and nothing else about the
officer; the token's SHA-256 names a row of ``user_sessions``. Flask-Login finds the officer of
a request through that row (``request_loader``), and refuses it once the row is ended (sign-out,
a password change, a role change, a disabled account, a 2FA reset), idle for longer than
``SESSION_IDLE_MINUTES`` or older than ``SESSION_ABSOLUTE_HOURS``. A copied cookie therefore
stops working at the same moment as the original. Signing in always mints a new token
(no session fixation) and starts a fresh cookie session (a new CSRF token too).

Citizens have no row: their cookie session (language, flash messages, CSRF token, the items
they follow) stays a plain signed cookie.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from blinker import Namespace
from flask import current_app, flash, g, session
from flask_babel import gettext as _

from intake import clock
from intake.accounts.models import User
from intake.accounts.security_models import UserSession
from intake.extensions import db, login_manager

SESSION_KEY = "sid"
# last_seen_at is written at most this often: one UPDATE a minute per officer, not per request.
TOUCH_EVERY = timedelta(seconds=60)
# What survives signing in and out in the cookie session: the visitor's language only.
_KEPT = ("lang",)

#: Sent by ``end_sessions`` inside the caller's transaction: ``sender`` is the user, keywords
#: ``reason`` and ``now``. The officers' personal API tokens (``intake.api_keys.personal``)
#: listen, so that what ends an account's sessions for a security reason ends its tokens too
#: (the accounts cannot import the keys: the keys name their user).
sessions_ended = Namespace().signal("sessions-ended")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _fresh_cookie_session() -> None:
    kept = {k: session[k] for k in _KEPT if k in session}
    session.clear()
    session.update(kept)
    # Flask-WTF caches this request's CSRF token in g: a page rendered after this point
    # (the recovery codes) must carry a token of the new session.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def names_a_session() -> bool:
    """Whether this browser's cookie carries a session token, live or not: the cookie alone
    answers, without loading anyone (a token that no longer works is left out all the same)."""
    return SESSION_KEY in session


def sign_in(user: User, *, now: datetime) -> None:
    """Open a new session for ``user`` in this browser (the caller commits)."""
    _fresh_cookie_session()
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(token_hash=_hash(token), user_id=user.id, created_at=now, last_seen_at=now)
    )
    session[SESSION_KEY] = token
    user.last_login_at = now
    user.failed_logins = 0
    g.pop("_login_user", None)


def sign_out(user: User | None, *, now: datetime) -> None:
    """Sign-out ends every session of the officer, on every device (the caller commits)."""
    if user is not None and getattr(user, "id", None):
        end_sessions(user, now=now, reason="logout")
    _fresh_cookie_session()
    g.pop("_login_user", None)


def end_sessions(user: User, *, reason: str, now: datetime | None = None) -> int:
    """End every open session of ``user``, in the caller's transaction."""
    now = now or clock.now()
    result = db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    )
    sessions_ended.send(user, reason=reason, now=now)
    return result.rowcount or 0


def restart_session(user: User, *, now: datetime, reason: str) -> None:
    """End every session of ``user`` and give this browser a new one: after the officer's own
    password change, their other devices are signed out and this one stays signed in."""
    end_sessions(user, now=now, reason=reason)
    sign_in(user, now=now)


def _expired(row, now: datetime) -> str | None:
    """``row``: the session's ``created_at`` and ``last_seen_at``."""
    config = current_app.config
    if now - row.created_at >= timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]):
        return "absolute_timeout"
    if now - row.last_seen_at >= timedelta(minutes=config["SESSION_IDLE_MINUTES"]):
        return "idle_timeout"
    return None


@functools.cache
def _session_and_user():
    """Built once, at the first request: built at import, ``joinedload`` would configure the
    mappers before every model is imported (a relationship named by a string fails then)."""
    return (
        # The session's own row as the four columns read here, not an entity: one ORM object
        # (with its identity and state) fewer to build on every officer's request.
        sa.select(
            UserSession.id,
            UserSession.created_at,
            UserSession.last_seen_at,
            UserSession.ended_at,
            User,
        )
        .outerjoin(User, User.id == UserSession.user_id)
        # Every officer's page names the officer's unit in its header.
        .options(sa.orm.joinedload(User.unit))
        .where(UserSession.token_hash == sa.bindparam("token_hash"))
    )


@login_manager.request_loader
def load_from_request(request) -> User | None:
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        return None
    now = clock.now()
    # The session and its officer in one query.
    row = db.session.execute(_session_and_user(), {"token_hash": _hash(token)}).first()
    user = row.User if row is not None else None
    reason = None if row is None or row.ended_at is not None else _expired(row, now)
    if row is None or row.ended_at is not None or reason or user is None or not user.is_enabled:
        session.pop(SESSION_KEY, None)
        flash(_("Phiên đăng nhập đã kết thúc. Vui lòng đăng nhập lại."), "warning")
        if reason:
            _write(
                sa.update(UserSession)
                .where(UserSession.id == row.id, UserSession.ended_at.is_(None))
                .values(ended_at=now, end_reason=reason)
            )
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        _write(sa.update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
    return user


def _write(statement) -> None:
    """A session's own bookkeeping, in its own short transaction: it must not commit (or be
    rolled back with) whatever the request itself is doing."""
    with db.engine.begin() as connection:
        connection.execute(statement)
