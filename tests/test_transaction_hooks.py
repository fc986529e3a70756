"""After-commit work waits for the outermost commit: releasing a savepoint (submit_case
inserts the item in one) is not a commit, and the outer transaction may still roll back."""

from __future__ import annotations

import sqlalchemy as sa

from intake.extensions import db
from intake.org.models import Unit
from intake.transaction import after_commit, after_rollback


def _flag_unit(name: str) -> None:
    db.session.execute(sa.update(Unit).where(Unit.id == 1).values(name=name))


def test_a_released_savepoint_runs_no_commit_hook_and_a_rollback_after_it_undoes_all(org, app):
    before = db.session.get(Unit, 1).name
    db.session.rollback()  # the read above ran in a transaction of its own: end it
    heard = []
    after_commit(db.session, lambda: heard.append("commit"))
    after_rollback(db.session, lambda: heard.append("rollback"))
    with db.session.begin_nested():
        _flag_unit("Tạm")
    assert heard == []  # a savepoint released: nothing is committed yet
    db.session.rollback()
    assert heard == ["rollback"]
    # The savepoint was the transaction's first statement: on SQLite it opened the transaction
    # itself, and releasing it must still not have committed the change.
    assert db.session.scalar(sa.select(Unit.name).where(Unit.id == 1)) == before


def test_the_outer_commit_runs_the_hooks_once(org, app):
    heard = []
    after_commit(db.session, lambda: heard.append("commit"))
    with db.session.begin_nested():
        _flag_unit("Tạm")
    with db.session.begin_nested():
        _flag_unit("Tạm 2")
    assert heard == []
    db.session.commit()
    assert heard == ["commit"]
