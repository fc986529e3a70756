"""What makes an officer's sign-in something the server can end: a row per session, the hashed
recovery codes of two-factor sign-in, and a plain record of security changes to an account."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from intake.extensions import db
from intake.sqltypes import UTCDateTime, enum_column, utcnow


class UserSession(db.Model):
    """One signed-in browser. The cookie carries a random token; only its SHA-256 is stored, so
    the table alone never lets anyone sign in. A session counts while ``ended_at`` is empty and
    neither timeout has passed."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(sa.String(40))


class RecoveryCode(db.Model):
    """A single-use code for the day the phone is lost: stored as an HMAC keyed with the secret
    key, like the citizens' access keys."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AccountEventKind(enum.StrEnum):
    LOGIN_FAILURES_NOTICE = "login_failures_notice"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105  (an event kind, not a password)
    PASSWORD_RESET = "password_reset"  # noqa: S105
    SESSIONS_ENDED = "sessions_ended"
    TWO_FACTOR_ENABLED = "two_factor_enabled"
    TWO_FACTOR_DISABLED = "two_factor_disabled"
    TWO_FACTOR_RESET = "two_factor_reset"
    RECOVERY_CODE_USED = "recovery_code_used"
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed"
    API_TOKEN_CREATED = "api_token_created"  # noqa: S105  (event kinds, not tokens)
    API_TOKEN_REVOKED = "api_token_revoked"  # noqa: S105


class AccountEvent(db.Model):
    """Who did what to an account's security, and when (append-only; nothing updates it)."""

    __tablename__ = "account_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[AccountEventKind] = mapped_column(
        enum_column(AccountEventKind, "account_event_kind")
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    detail: Mapped[str | None] = mapped_column(sa.String(200))


def record(
    user, kind: AccountEventKind, *, actor=None, at: datetime, detail: str | None = None
) -> AccountEvent:
    """Add one row of the account's security record to the caller's transaction."""
    event = AccountEvent(
        user_id=user.id, actor_id=getattr(actor, "id", None), kind=kind, at=at, detail=detail
    )
    db.session.add(event)
    return event
