"""`flask intake demo --items N`: generated items are whole items (hash-chained history,
report entries, clocks for open ones) and the figures they produce agree with each other."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from intake.cases.audit import verify_event_chains
from intake.cases.models import Case, CaseEvent
from intake.core.calendar import local_date, start_of_local_day
from intake.core.periods import Period
from intake.core.states import OPEN_STATES, State
from intake.demo.bulk import generate_items
from intake.extensions import db
from intake.reports.figures import build_report
from intake.reports.models import BacklogSnapshot, Measure, ReportEntry, SnapshotDay

# Just after midnight: nothing has happened yet "today", so today's snapshot equals the live count.
NOW = start_of_local_day(datetime(2026, 11, 26, tzinfo=UTC).date()) + timedelta(minutes=1)


def _count(statement) -> int:
    return db.session.scalar(statement) or 0


def test_generated_items_have_whole_histories(app, org):
    report = generate_items(600, now=NOW, years=1, batch_size=250)
    assert report.items == 600
    assert _count(sa.select(sa.func.count(Case.id))) == 600
    assert list(verify_event_chains()) == []  # every chain is intact
    assert _count(sa.select(sa.func.count(CaseEvent.id))) == report.events
    received = _count(sa.select(sa.func.count()).where(ReportEntry.measure == Measure.RECEIVED))
    assert received == 600
    states = dict(
        db.session.execute(sa.select(Case.state, sa.func.count()).group_by(Case.state)).all()
    )
    assert states.get(State.CLOSED) and states.get(State.REJECTED) and states.get(State.ANSWERED)
    # Open items other than deferred ones have running clocks, hence due dates.
    open_without_due = _count(
        sa.select(sa.func.count()).where(
            Case.state.in_(sorted(OPEN_STATES - {State.DEFERRED})),
            Case.overall_due_at.is_(None),
            Case.step_due_at.is_(None),
            Case.triage_due_at.is_(None),
        )
    )
    assert open_without_due == 0


def test_the_generated_backlog_agrees_with_the_items(app, org):
    generate_items(500, now=NOW, years=1, batch_size=200)
    today = local_date(NOW)
    open_now = _count(sa.select(sa.func.count()).where(Case.state.in_(sorted(OPEN_STATES))))
    snapshot = _count(
        sa.select(sa.func.sum(BacklogSnapshot.open_count)).where(BacklogSnapshot.taken_on == today)
    )
    assert snapshot == open_now
    assert db.session.get(SnapshotDay, today) is not None
    # A year's report: what came in either left or is still open.
    year = Period(today - timedelta(days=365), today)  # the generated history exactly
    figures = build_report(year, now=NOW).total
    outcomes = figures.refused + figures.transferred_out + figures.withdrawn
    first_answers = _count(
        sa.select(sa.func.count(sa.distinct(ReportEntry.case_id))).where(
            ReportEntry.measure == Measure.ANSWERED
        )
    )
    assert figures.received == 500
    assert figures.carried_over == 0
    assert outcomes + first_answers + open_now - figures.reconsiderations <= 500
    assert figures.answered >= first_answers
