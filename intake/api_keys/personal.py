"""Officers' personal API tokens: an officer acts through the API as themself, with exactly
the permissions of their pages (``intake.api.officers``).

A token lives until it is revoked: by its officer (their account page), by an administrator
(the officer's page in the administration), or by what ends the account's sessions for a
security reason (``end_sessions``: a password changed or reset, the account disabled, its
role or unit changed, its second factor reset, any new reason an administrator ends sessions
for). Signing out does not: an officer who signs out of the browser in the evening expects
their scripts to keep running. Re-enabling an account does not bring its tokens back. Every
creation and revocation is written in the account's security record (``account_events``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import lazy_gettext as _l

from intake.accounts.models import Role, User
from intake.accounts.security_models import AccountEventKind, record
from intake.accounts.sessions import sessions_ended
from intake.api_keys.models import ApiKey, KeyKind
from intake.api_keys.operations import create_key, revoke_key
from intake.core.errors import InvalidInput
from intake.extensions import db

#: Reasons for ending sessions that leave the tokens alone: the officer's own sign-out and
#: their own second factor turned on or off (with their password). Any other reason —
#: including one added later — revokes them: the safe default.
KEEPS_TOKENS = frozenset({"logout", "two_factor_enabled", "two_factor_disabled"})
#: Enough for a few scripts; a leaked token among fifty would go unnoticed.
MAX_ACTIVE_TOKENS = 10
#: Administrators have no queue and no case: the officers' API has nothing for them.
TOKEN_ROLES = frozenset({Role.INTAKE_OFFICER, Role.HANDLER, Role.UNIT_LEAD, Role.SUPERVISOR})


def may_hold_tokens(user: User) -> bool:
    return user.role in TOKEN_ROLES and user.is_enabled


def tokens_of(user: User) -> list[ApiKey]:
    """The officer's tokens, active first, newest first."""
    return db.session.scalars(
        sa.select(ApiKey)
        .where(ApiKey.kind == KeyKind.PERSONAL, ApiKey.user_id == user.id)
        .order_by(ApiKey.revoked_at.is_not(None), ApiKey.id.desc())
    ).all()


def _label(key: ApiKey) -> str:
    return f"{key.prefix}… {key.name}"[:200]


def create_personal_token(
    user: User, *, name: str, password: str, now: datetime
) -> tuple[ApiKey, str]:
    """A new token for ``user`` and its raw value (shown once). The password is asked again:
    see ``intake.api_keys.pages`` for why."""
    if not password or not user.check_password(password):
        raise InvalidInput("password", _l("Mật khẩu không đúng."))
    return issue_token(user, name=name, now=now, actor=user)


def issue_token(user: User, *, name: str, now: datetime, actor: User | None) -> tuple[ApiKey, str]:
    """The token itself, once whoever asks is known to be entitled: the officer who typed
    their password again, or the operator's shell (``api-key create-token``)."""
    if not may_hold_tokens(user):
        raise InvalidInput("name", _l("Tài khoản này không dùng được mã truy cập cá nhân."))
    active = sum(1 for key in tokens_of(user) if key.is_active)
    if active >= MAX_ACTIVE_TOKENS:
        raise InvalidInput(
            "name",
            _l("Đã có %(n)d mã đang dùng: thu hồi một mã trước khi tạo mã mới.", n=active),
        )
    key, raw = create_key(kind=KeyKind.PERSONAL, name=name, now=now, user=user, created_by=actor)
    record(user, AccountEventKind.API_TOKEN_CREATED, actor=actor, at=now, detail=_label(key))
    return key, raw


def revoke_personal_token(key: ApiKey, *, actor: User | None, now: datetime) -> None:
    """Revoke one token (recorded); a token already revoked stays as it was."""
    if key.kind is not KeyKind.PERSONAL or not key.is_active:
        return
    revoke_key(key, now=now)
    record(key.user, AccountEventKind.API_TOKEN_REVOKED, actor=actor, at=now, detail=_label(key))


def revoke_all_tokens(user: User, *, reason: str, now: datetime, actor: User | None) -> int:
    """Revoke every active token of ``user`` (one line in the record, naming the reason)."""
    active = [key for key in tokens_of(user) if key.is_active]
    for key in active:
        revoke_key(key, now=now)
    if active:
        prefixes = ", ".join(key.prefix for key in active)
        record(
            user,
            AccountEventKind.API_TOKEN_REVOKED,
            actor=actor,
            at=now,
            detail=f"{reason}: {prefixes}"[:200],
        )
    return len(active)


def _on_sessions_ended(user: User, *, reason: str, now: datetime, **_extra) -> None:
    if reason in KEEPS_TOKENS:
        return
    actor = g.get("_login_user") if has_request_context() else None
    actor = actor if getattr(actor, "is_authenticated", False) else None
    revoke_all_tokens(user, reason=reason, now=now, actor=actor)


def connect() -> None:
    """Listen to the end of sessions (called when the application is built; idempotent)."""
    sessions_ended.connect(_on_sessions_ended)
