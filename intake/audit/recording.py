"""Writing the processing log.

Administrative changes are recorded by one listener on the session's flush rather than by
each admin operation: whatever path changes a user, a unit or a policy — an admin page, a CLI
command, an operation written next year — the change is written in the same transaction, with
its before and after values, and cannot be forgotten. Views of personal data are recorded
explicitly by the pages that show it (``record_personal_data_view``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import click
import sqlalchemy as sa
from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from intake import clock
from intake.audit.models import AuditAction, AuditEntry
from intake.core.text import fold
from intake.extensions import db

#: Audited model → (target type, how to name one row in the log).
_AUDITED: dict[type, tuple[str, Callable[[Any], str]]] = {}

#: Columns whose values never enter the log: it says that they changed, not to what.
_SECRET_MARKERS = ("password", "secret", "token", "recovery", "hash", "digest")
MASK = "•••"
#: Columns that change in the ordinary course of use, not by an administrative decision.
_ROUTINE = frozenset({"last_login_at", "created_at", "updated_at"})


def audited(model: type, target_type: str, label: Callable[[Any], str]) -> None:
    """Record every insert, update and delete of ``model`` rows."""
    _AUDITED[model] = (target_type, label)


def register_models() -> None:
    from intake.accounts.models import User
    from intake.api_keys.models import ApiKey
    from intake.exchange.models import ExchangeRun
    from intake.org.models import (
        CalendarOverride,
        DeadlinePolicy,
        Field,
        Procedure,
        RoutingRule,
        Unit,
    )
    from intake.responses.models import ResponseTemplate

    audited(User, "user", lambda u: u.email)
    audited(Unit, "unit", lambda u: u.name)
    audited(Field, "field", lambda f: f.name)
    audited(Procedure, "procedure", lambda p: f"{p.national_code} {p.name}"[:300])
    audited(RoutingRule, "routing_rule", lambda r: f"#{r.id}")
    audited(DeadlinePolicy, "deadline_policy", lambda p: f"{p.step} {p.priority}")
    audited(CalendarOverride, "calendar_day", lambda c: c.day.isoformat())
    audited(ResponseTemplate, "response_template", lambda t: t.title)
    audited(ApiKey, "api_key", lambda k: f"{k.name} ({k.prefix}…)")
    audited(ExchangeRun, "exchange_run", lambda r: f"{r.kind} {r.file_name}".strip()[:300])


def install(session_target) -> None:
    """Listen on the application's session; safe to call again."""
    register_models()
    for name, listener in (
        ("after_flush", _collect_changes),
        ("before_commit", _write_changes),
        ("after_soft_rollback", _forget_changes),
    ):
        if not event.contains(session_target, name, listener):
            event.listen(session_target, name, listener)


_PENDING = "audit_pending"


def _collect_changes(session: Session, _flush_context) -> None:
    """After each flush, what it changed in audited rows. An operation may flush several times
    (to get an id, to check a constraint); the changes of one transaction are merged, so that
    one edit is one entry."""
    pending: dict[tuple[str, int | None], dict] = session.info.setdefault(_PENDING, {})
    for instance, action in (
        *((i, AuditAction.CREATE) for i in session.new),
        *((i, AuditAction.UPDATE) for i in session.dirty),
        *((i, AuditAction.DELETE) for i in session.deleted),
    ):
        audited_as = _AUDITED.get(type(instance))
        if audited_as is None:
            continue
        changes = _changes(instance, action)
        if action is AuditAction.UPDATE and not changes:
            continue
        target_type, label = audited_as
        key = (target_type, _primary_key(instance))
        earlier = pending.get(key)
        if earlier is not None and action is AuditAction.UPDATE:
            _merge(earlier["changes"], changes)
            earlier["target_label"] = _safe_label(label, instance)
            continue
        pending[key] = _entry_values(
            action,
            target_type,
            target_id=key[1],
            target_label=_safe_label(label, instance),
            changes=changes,
        )


def _merge(earlier: dict[str, list], later: dict[str, list]) -> None:
    for name, (before, after) in later.items():
        first_before = earlier[name][0] if name in earlier else before
        if first_before == after:
            earlier.pop(name, None)
        else:
            earlier[name] = [first_before, after]


def _write_changes(session: Session) -> None:
    """Just before the commit, inside its transaction: the entries commit with the changes
    they describe, or not at all."""
    session.flush()  # the last changes, collected by _collect_changes
    pending = session.info.pop(_PENDING, {})
    rows = [
        row for row in pending.values() if row["changes"] or row["action"] != AuditAction.UPDATE
    ]
    if rows:
        session.connection().execute(sa.insert(AuditEntry.__table__), rows)


def _forget_changes(session: Session, _previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(_PENDING, None)


def _primary_key(instance) -> int | None:
    """The row's id (assigned by the flush for a new row). The identity map is not updated
    yet when the flush's listeners run, so ask the mapper."""
    key = sa.inspect(instance).mapper.primary_key_from_instance(instance)
    return key[0] if len(key) == 1 and isinstance(key[0], int) else None


def _safe_label(label, instance) -> str:
    try:
        return str(label(instance) or "")[:300]
    except Exception:  # a label must never stop a change from being saved
        return ""


def _changes(instance, action: AuditAction) -> dict[str, list]:
    state = sa.inspect(instance)
    changes: dict[str, list] = {}
    for attribute in state.mapper.column_attrs:
        name = attribute.key
        if name in _ROUTINE:
            continue
        history = state.attrs[name].history
        if action is AuditAction.UPDATE:
            if not history.has_changes():
                continue
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before == after:
                continue
        elif action is AuditAction.CREATE:
            before, after = None, getattr(instance, name)
        else:
            before, after = getattr(instance, name), None
        if _is_secret(name):
            before, after = (MASK if before is not None else None), MASK
            if action is AuditAction.DELETE:
                after = None
        changes[name] = [_plain(before), _plain(after)]
    return changes


def _is_secret(column: str) -> bool:
    return any(marker in column for marker in _SECRET_MARKERS)


def _plain(value):
    """A JSON-safe form of a column value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _actor() -> tuple[int | None, str, str]:
    """(user id, label when there is no user, words to find the actor by)."""
    if has_request_context():
        user = g.get("_login_user")  # loaded by Flask-Login; never a query inside a flush
        if user is not None and getattr(user, "is_authenticated", False):
            return user.id, "", f"{user.full_name} {user.email}"
        return None, "anonymous", ""
    if click.get_current_context(silent=True) is not None:
        return None, "cli", ""
    return None, "system", ""


def _entry_values(action, target_type, *, target_id, target_label, changes, detail="") -> dict:
    actor_id, actor_label, actor_words = _actor()
    remote_addr = request_id = None
    if has_request_context():
        remote_addr = (request.remote_addr or "")[:64] or None
        request_id = (g.get("request_id") or "")[:64] or None
    return {
        "at": clock.now(),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "target_label": target_label,
        "detail": detail,
        "changes": changes,
        "search_text": fold(f"{target_label} {actor_words}"),
        "remote_addr": remote_addr,
        "request_id": request_id,
    }


def record_personal_data_view(case, detail: str, *, label: str = "") -> None:
    """An officer is being shown ``case``'s personal data (``detail``: which page or file).
    Does not commit: the page runs it through ``perform``."""
    values = _entry_values(
        AuditAction.VIEW,
        "case",
        target_id=case.id,
        target_label=(label or case.reference_code)[:300],
        changes={},
        detail=detail,
    )
    db.session.add(AuditEntry(**values))
