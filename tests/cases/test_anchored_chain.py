"""The event log's ends are anchored: removing the newest events of a case, or a case's whole
history, is found by ``intake audit-verify`` (issue 14 point 9)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from intake.cases.anchors import AuditCheckpoint, CaseAnchor
from intake.cases.audit import verify_event_chains
from intake.cases.models import CaseEvent
from intake.core.states import State
from intake.extensions import db
from intake.worker import run_tick
from tests.cases.factories import advance, make_staff, submit


@pytest.fixture
def staff(org):
    return make_staff()


def behind_the_apps_back(statement) -> None:
    with db.engine.begin() as connection:
        connection.execute(statement)
    db.session.expire_all()


def audit_verify(app):
    return app.test_cli_runner().invoke(args=["intake", "audit-verify"])


def test_removing_the_newest_event_is_found(app, staff, now):
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    db.session.commit()
    assert list(verify_event_chains()) == [] and audit_verify(app).exit_code == 0
    newest = max(case.events, key=lambda e: e.seq)
    behind_the_apps_back(sa.delete(CaseEvent).where(CaseEvent.id == newest.id))
    [broken] = list(verify_event_chains())
    assert broken.reference_code == case.reference_code
    assert "newest events were removed" in broken.problem
    result = audit_verify(app)
    assert result.exit_code != 0 and f"BROKEN {case.reference_code}" in result.output


def test_moving_the_anchor_back_without_the_key_is_found(app, staff, now):
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    db.session.commit()
    events = sorted(case.events, key=lambda e: e.seq)
    newest, kept = events[-1], events[-2]
    behind_the_apps_back(sa.delete(CaseEvent).where(CaseEvent.id == newest.id))
    behind_the_apps_back(
        sa.update(CaseAnchor)
        .where(CaseAnchor.case_id == case.id)
        .values(seq=kept.seq, hash=kept.hash)
    )
    [broken] = list(verify_event_chains())
    assert "anchor is not genuine" in broken.problem


def test_removing_a_whole_history_is_found_by_the_checkpoint(app, staff, now):
    first = advance(submit(now), State.ASSIGNED, staff, now)
    second = submit(now)
    db.session.commit()
    report = run_tick(now)
    assert report.checkpoint and db.session.scalar(sa.select(sa.func.count(AuditCheckpoint.id)))
    assert list(verify_event_chains()) == []
    behind_the_apps_back(sa.delete(CaseAnchor).where(CaseAnchor.case_id == second.id))
    behind_the_apps_back(sa.delete(CaseEvent).where(CaseEvent.case_id == second.id))
    problems = [b.problem for b in verify_event_chains()]
    assert len(problems) == 1 and "events or whole cases were removed" in problems[0]
    assert first.reference_code  # the other history is intact and not reported


def test_an_altered_checkpoint_is_found(app, staff, now):
    submit(now)
    db.session.commit()
    run_tick(now)
    behind_the_apps_back(sa.update(AuditCheckpoint).values(event_count=0))
    [broken] = list(verify_event_chains())
    assert "checkpoint was altered" in broken.problem


def test_chains_written_before_anchors_are_anchored_once_on_request(app, staff, now):
    case = advance(submit(now), State.ASSIGNED, staff, now)
    db.session.commit()
    behind_the_apps_back(sa.delete(CaseAnchor))  # as after upgrading from 0006
    [broken] = list(verify_event_chains())
    assert "no anchor" in broken.problem
    result = app.test_cli_runner().invoke(args=["intake", "audit-verify", "--anchor-missing"])
    assert result.exit_code == 0, result.output
    assert "anchored 1 chain(s)" in result.output
    assert db.session.get(CaseAnchor, case.id).seq == len(case.events)
