"""An upgrade of the `holidays` package that adds or moves a day: the worker notices it by the
calendar's fingerprint and moves every open due date, each move on the item's history; the
command `flask intake recompute-due-dates` does the same by hand."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from intake.cases.models import Case, CaseClock, CaseEvent
from intake.core import calendar as core_calendar
from intake.core.calendar import WorkingCalendar, last_local_day
from intake.core.deadlines import Step
from intake.core.states import State
from intake.extensions import db
from intake.org import calendar as org_calendar
from intake.org.models import CalendarFingerprint
from intake.worker import run_tick
from tests.cases.factories import advance, make_staff, submit
from tests.officer.helpers import login

TUESDAY = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)
NEW_HOLIDAY = date(2026, 3, 20)  # a Friday before the overall due date (31/3)


@pytest.fixture
def staff(org):
    return make_staff()


def _upgrade_the_package(monkeypatch):
    """The package as a later version might ship it: one more day off in March 2026."""
    original = core_calendar.package_holidays

    def upgraded():
        calendar = original()
        calendar._populate(2026)
        calendar[NEW_HOLIDAY] = "Ngày nghỉ mới"
        return calendar

    monkeypatch.setattr(core_calendar, "package_holidays", upgraded)
    # The process keeps the calendar it built (intake.org.calendar): not the upgraded one past
    # this test, or later tests in this worker would count the new day off too.
    monkeypatch.setattr(org_calendar, "_built", None)
    assert not WorkingCalendar().is_working_day(NEW_HOLIDAY)


def _overall(case_id):
    case = db.session.get(Case, case_id)
    return next(c for c in case.clocks if c.step is Step.OVERALL)


def test_the_worker_moves_open_due_dates_when_the_package_changes(app, staff, monkeypatch):
    case = advance(submit(TUESDAY), State.IN_PROGRESS, staff, TUESDAY)
    done = advance(submit(TUESDAY), State.ANSWERED, staff, TUESDAY)
    db.session.commit()
    before = _overall(case.id).due_at
    ended = [(c.id, c.due_at, c.on_time) for c in done.clocks]

    first = run_tick(TUESDAY + timedelta(minutes=1))  # the years seen first: stored, no change
    assert first.calendar_changed == [] and first.due_dates_moved == 0
    stored = db.session.scalars(sa.select(CalendarFingerprint.year)).all()
    assert sorted(stored) == [2025, 2026, 2027]

    _upgrade_the_package(monkeypatch)
    report = run_tick(TUESDAY + timedelta(minutes=2))
    assert report.calendar_changed == [2026]
    assert report.due_dates_moved >= 2  # at least the handling and overall clocks of `case`
    assert "holiday calendar of the package changed (2026)" in report.summary()
    db.session.expire_all()
    after = _overall(case.id).due_at
    assert last_local_day(before) == date(2026, 3, 31)
    assert last_local_day(after) == date(2026, 4, 1)  # one working day later
    assert db.session.get(Case, case.id).overall_due_at == after
    moved = db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                   CaseEvent.kind == "due_date_changed")
    ).all()  # fmt: skip
    assert moved and all(e.details["source"] == "holidays_package" for e in moved)
    assert all(e.actor_label == "system" for e in moved)
    # History stays history: the verdicts of ended clocks do not move.
    assert [(c.id, c.due_at, c.on_time) for c in db.session.get(Case, done.id).clocks] == ended

    again = run_tick(TUESDAY + timedelta(minutes=3))  # noticed once, not every round
    assert again.calendar_changed == [] and again.due_dates_moved == 0

    client = app.test_client()
    login(client, staff.handler)
    page = client.get(f"/officer/cases/{case.id}").get_data(as_text=True)
    assert "Lịch nghỉ lễ quốc gia (gói holidays) đã thay đổi" in page
    assert "31/03/2026 → 01/04/2026" in page


def test_a_new_year_entering_the_window_is_not_a_change(staff):
    case = advance(submit(TUESDAY), State.IN_PROGRESS, staff, TUESDAY)
    db.session.commit()
    run_tick(TUESDAY)
    report = run_tick(datetime(2027, 1, 4, 2, tzinfo=UTC))  # watches 2026-2028 now
    assert report.calendar_changed == []
    assert 2028 in db.session.scalars(sa.select(CalendarFingerprint.year)).all()
    assert not db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                   CaseEvent.kind == "due_date_changed")
    ).all()  # fmt: skip


def test_the_command_recomputes_by_hand(app, staff, monkeypatch):
    case = advance(submit(TUESDAY), State.ASSIGNED, staff, TUESDAY)
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["intake", "recompute-due-dates"])
    assert result.exit_code == 0, result.output
    assert "0 open due date(s) moved" in result.output

    _upgrade_the_package(monkeypatch)
    result = runner.invoke(args=["intake", "recompute-due-dates"])
    assert result.exit_code == 0, result.output
    assert "0 open due date(s) moved" not in result.output
    db.session.expire_all()
    assert last_local_day(_overall(case.id).due_at) == date(2026, 4, 1)
    events = db.session.get(Case, case.id).events
    assert events[-1].kind == "due_date_changed" and events[-1].details["source"] == "manual"
    assert db.session.scalars(sa.select(CaseClock)).first() is not None
