"""Work that must wait for the transaction's outcome: after-commit and after-rollback hooks.

An operation that touches something outside the database (an uploaded file moved into place,
a cache to drop) registers the step here instead of doing it at once. The edge of the request
or command commits once; only then do the hooks run, so a failed transaction leaves nothing
behind on disk, and a committed one never points at a file that was not written.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, SessionTransaction

_ON_COMMIT = "intake.after_commit"
_ON_ROLLBACK = "intake.after_rollback"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the session's outermost transaction has committed."""
    session.info.setdefault(_ON_COMMIT, []).append(callback)


def after_rollback(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` if the outermost transaction ends without a commit (rolled back, closed)."""
    session.info.setdefault(_ON_ROLLBACK, []).append(callback)


def install(session_target) -> None:
    """Listen on ``session_target`` (Flask-SQLAlchemy's scoped session); safe to call again."""
    if not sa.event.contains(session_target, "after_commit", _run_commit_hooks):
        sa.event.listen(session_target, "after_commit", _run_commit_hooks)
        # Not "after_rollback": a transaction that simply ends (the session closed at the end of
        # a request that never committed) must clean up as well.
        sa.event.listen(session_target, "after_transaction_end", _run_rollback_hooks)


def committing_outermost(session: Session) -> bool:
    """Whether a ``before_commit`` / ``after_commit`` event is the outermost transaction's.

    SQLAlchemy 2 sends both when a savepoint is released too (submit_case inserts the item in
    one), while the outer transaction may still roll back: work meant for the commit waits."""
    return not session.in_nested_transaction()


def _run_commit_hooks(session: Session) -> None:
    if not committing_outermost(session):
        return
    session.info.pop(_ON_ROLLBACK, None)
    for callback in session.info.pop(_ON_COMMIT, []):
        try:
            callback()
        except Exception:  # noqa: BLE001 — the data are committed; one hook must not stop the rest
            current_app.logger.exception("after-commit hook failed")


def _run_rollback_hooks(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return  # a savepoint or subtransaction: the outer transaction may still commit
    session.info.pop(_ON_COMMIT, None)
    for callback in session.info.pop(_ON_ROLLBACK, []):
        try:
            callback()
        except Exception:  # noqa: BLE001
            current_app.logger.exception("after-rollback hook failed")
