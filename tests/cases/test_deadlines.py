"""Clocks on real cases and the deadline worker: pauses, extensions, calendar changes,
reminders sent once (even by two workers at once), digests, closing and flagging."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from intake.cases import operations as ops
from intake.cases.models import Case, CaseClock, CaseEvent, ClockReminder, ClockStatus
from intake.core.calendar import WorkingCalendar, last_local_day
from intake.core.deadlines import Step
from intake.core.states import State
from intake.extensions import db
from intake.notifications.models import OutboxMessage
from intake.notifications.sender import deliver_due
from intake.worker import run_tick
from tests.cases.factories import advance, make_staff, submit
from tests.conftest import TEST_DATABASE_URL, body_text

CAL = WorkingCalendar()
TUESDAY = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)  # 09:30 local


@pytest.fixture
def staff(org):
    return make_staff()


def clock(case, step):
    return next(c for c in reversed(case.clocks) if c.step is step)


def test_clocks_follow_the_item(staff):
    case = submit(TUESDAY)
    assert last_local_day(clock(case, Step.TRIAGE).due_at) == date(2026, 3, 13)
    assert last_local_day(clock(case, Step.OVERALL).due_at) == date(2026, 3, 31)
    assert case.triage_due_at == clock(case, Step.TRIAGE).due_at
    ops.assign_case(case, actor=staff.intake, now=TUESDAY + timedelta(days=1),
                    expected_version=None, lead_unit=staff.lead_unit, cooperating_units=[],
                    note=None, calendar=CAL)  # fmt: skip
    triage = clock(case, Step.TRIAGE)
    assert triage.status is ClockStatus.ENDED and triage.on_time is True
    acceptance = clock(case, Step.ACCEPTANCE)
    assert acceptance.unit_id == staff.lead_unit.id
    assert case.step_due_at == acceptance.due_at
    ops.accept_case(case, actor=staff.handler, now=TUESDAY + timedelta(days=5),
                    expected_version=None, calendar=CAL)  # fmt: skip
    assert clock(case, Step.ACCEPTANCE).on_time is False  # accepted after its one day


def test_a_pause_spanning_tet_moves_the_due_dates(staff):
    started = datetime(2026, 2, 9, 2, 0, tzinfo=UTC)  # Monday 9/2/2026
    case = advance(submit(started), State.IN_PROGRESS, staff, started)
    handling = clock(case, Step.HANDLING)
    before = handling.due_at
    ops.request_info(case, actor=staff.handler, now=datetime(2026, 2, 12, 2, tzinfo=UTC),
                     expected_version=None, message="Bổ sung giấy hẹn.")  # fmt: skip
    assert handling.status is ClockStatus.PAUSED
    ops.provide_info(case, now=datetime(2026, 2, 24, 2, tzinfo=UTC), text="Đây.", uploads=[],
                     upload_dir="", max_attachment_bytes=0)  # fmt: skip
    assert handling.status is ClockStatus.RUNNING and handling.paused_working_days == 3
    assert CAL.working_days_between(last_local_day(before), last_local_day(handling.due_at)) == 3


def test_deferred_items_stop_their_clocks_without_a_verdict(staff):
    case = advance(submit(TUESDAY), State.DEFERRED, staff, TUESDAY)
    stopped = [c for c in case.clocks if c.status is ClockStatus.STOPPED]
    assert {c.step for c in stopped} == {Step.HANDLING, Step.OVERALL}
    assert all(c.on_time is None for c in stopped)
    assert case.step_due_at is None


def test_an_extension_is_asked_once_and_decided_by_the_lead(staff):
    case = advance(submit(TUESDAY), State.IN_PROGRESS, staff, TUESDAY)
    handling = clock(case, Step.HANDLING)
    before = last_local_day(handling.due_at)
    with pytest.raises(ops.NotAllowed):
        ops.request_extension(case, actor=staff.handler, now=TUESDAY, expected_version=None,
                              working_days=11, reason="Chờ ý kiến Bộ.")  # fmt: skip
    ops.request_extension(case, actor=staff.handler, now=TUESDAY, expected_version=None,
                          working_days=5, reason="Chờ ý kiến Bộ.")  # fmt: skip
    ops.decide_extension(case, actor=staff.lead, now=TUESDAY, expected_version=None,
                         approve=True, calendar=CAL)  # fmt: skip
    assert CAL.working_days_between(before, last_local_day(handling.due_at)) == 5
    assert case.step_due_at == handling.due_at
    with pytest.raises(ops.NotAllowed):  # at most once by default
        ops.request_extension(case, actor=staff.handler, now=TUESDAY, expected_version=None,
                              working_days=2, reason="Thêm nữa.")  # fmt: skip


def test_a_calendar_change_after_assignment_moves_open_due_dates_only(app, staff):
    done = advance(submit(TUESDAY), State.ANSWERED, staff, TUESDAY)
    case = advance(submit(TUESDAY), State.ASSIGNED, staff, TUESDAY)
    db.session.commit()
    overall = clock(case, Step.OVERALL)
    before = overall.due_at
    verdicts = [(c.id, c.on_time, c.due_at) for c in done.clocks]
    result = app.test_cli_runner().invoke(
        args=["intake", "calendar-set", "2026-03-20", "--off", "--reason", "QĐ 123/QĐ-UBND"]
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    overall = db.session.get(CaseClock, overall.id)
    assert CAL.working_days_between(last_local_day(before), last_local_day(overall.due_at)) == 1
    case = db.session.get(Case, case.id)
    assert case.events[-1].kind == "due_date_changed"
    assert [(c.id, c.on_time, c.due_at) for c in db.session.get(Case, done.id).clocks] == verdicts


def test_reminders_go_once_per_clock_and_level_and_reach_the_unit(app, staff, smtp):
    case = advance(submit(TUESDAY), State.IN_PROGRESS, staff, TUESDAY)
    db.session.commit()
    handling = clock(case, Step.HANDLING)
    at_half = handling.remind_half_at + timedelta(minutes=1)
    first = run_tick(at_half)
    assert first.reminders["half"] >= 1
    again = run_tick(at_half + timedelta(minutes=1))
    assert again.reminders.get("half", 0) == 0
    deliver_due(at_half + timedelta(minutes=2))
    to_unit = [m for rcpt, m in smtp.messages if rcpt == [staff.lead_unit.email]]
    assert to_unit and case.reference_code in body_text(to_unit[0])
    late = run_tick(handling.escalate_at + timedelta(minutes=1))
    assert late.reminders["escalation"] >= 1
    escalation = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == staff.supervisor.email)
    ).all()
    assert escalation and case.reference_code in escalation[-1].body_text
    pairs = db.session.execute(sa.select(ClockReminder.clock_id, ClockReminder.level)).all()
    assert len(pairs) == len(set(pairs))


def test_paused_clocks_send_no_reminders(staff):
    case = advance(submit(TUESDAY), State.NEEDS_INFO, staff, TUESDAY)
    db.session.commit()
    report = run_tick(TUESDAY + timedelta(days=60))
    triage = clock(case, Step.TRIAGE)
    assert triage.status is ClockStatus.PAUSED
    sent = db.session.scalars(sa.select(ClockReminder.clock_id)).all()
    assert triage.id not in sent
    assert report.flagged == 1  # waiting for the citizen beyond the window
    db.session.expire_all()
    assert db.session.get(Case, case.id).info_overdue_at is not None


def test_answered_items_close_when_the_window_ends_and_digest_once_a_day(staff):
    case = advance(submit(TUESDAY), State.ANSWERED, staff, TUESDAY)
    open_case = advance(submit(TUESDAY), State.IN_PROGRESS, staff, TUESDAY)
    db.session.commit()
    morning = datetime(2026, 4, 8, 1, 0, tzinfo=UTC)  # 08:00 on a Wednesday
    report = run_tick(morning)
    assert report.closed == 1
    db.session.expire_all()
    assert db.session.get(Case, case.id).state is State.CLOSED
    assert report.digests >= 1
    assert run_tick(morning + timedelta(hours=1)).digests == 0
    digest = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.template == "digest")
    ).all()
    assert any(open_case.reference_code in m.body_text for m in digest)


def test_a_crash_in_the_middle_leaves_nothing_half_done(app, staff, monkeypatch):
    # Three items at the half-way reminder of their handling and three past every level (these
    # get only the escalation): one round writes two levels, and is killed in the second.
    at = TUESDAY + timedelta(days=40)
    for _ in range(3):
        advance(submit(at - timedelta(days=9)), State.IN_PROGRESS, staff, at - timedelta(days=9))
        advance(submit(TUESDAY), State.IN_PROGRESS, staff, TUESDAY)
    db.session.commit()
    import intake.cases.tick as tick

    real = tick._queue_reminder_mail
    calls = []

    def crash(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # while writing the second level's messages
            raise RuntimeError("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(tick, "_queue_reminder_mail", crash)
    with pytest.raises(RuntimeError):
        run_tick(at)
    db.session.rollback()
    levels = db.session.execute(
        sa.select(ClockReminder.level, sa.func.count()).group_by(ClockReminder.level)
    ).all()
    mails = db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.template == "reminder")
    )
    # The first level is wholly recorded and its messages written; the second, not at all.
    assert levels == [("half", 3)] and mails >= 1
    monkeypatch.setattr(tick, "_queue_reminder_mail", real)
    run_tick(at)
    pairs = db.session.execute(sa.select(ClockReminder.clock_id, ClockReminder.level)).all()
    assert len(pairs) == len(set(pairs))
    assert {level for _, level in pairs} == {"half", "escalation"}


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="concurrency is meaningful on PostgreSQL")
def test_two_tick_runners_at_once_send_each_reminder_once(app, staff):
    for _ in range(40):
        advance(submit(TUESDAY), State.IN_PROGRESS, staff, TUESDAY)
    db.session.commit()
    moment = TUESDAY + timedelta(days=40)
    errors, barrier = [], threading.Barrier(2)

    def runner():
        try:
            with app.app_context():
                barrier.wait()
                run_tick(moment, batch_size=7)
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    pairs = db.session.execute(sa.select(ClockReminder.clock_id, ClockReminder.level)).all()
    assert len(pairs) == len(set(pairs)) > 0
    mentioned = sum(
        m.body_text.count("/officer/cases/")
        for m in db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.template == "reminder")
        )
    )
    recipients_per_level = {  # each claimed clock is listed once per recipient of its level
        "half": 1, "late": 1, "due": 1, "escalation": 1,
    }  # fmt: skip
    assert mentioned == sum(recipients_per_level[level] for _, level in pairs)


def test_due_date_changed_events_are_internal(app, staff):
    advance(submit(TUESDAY), State.ASSIGNED, staff, TUESDAY)
    db.session.commit()
    app.test_cli_runner().invoke(
        args=["intake", "calendar-set", "2026-03-11", "--off", "--reason", "Bão"]
    )
    event = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.kind == "due_date_changed"))
    assert event is not None and not event.is_public


def test_refusing_an_item_waiting_for_the_citizen_leaves_no_clock_running(staff):
    """The unit asked the citizen, who never answered; intake refuses with that reason.
    Every clock stops, and the wait does not count against the office."""
    case = advance(submit(TUESDAY), State.IN_PROGRESS, staff, TUESDAY)
    ops.request_cooperation(case, actor=staff.handler, now=TUESDAY, units=[staff.coop_handler.unit],
                            question="Ý kiến?", calendar=CAL)  # fmt: skip
    ops.request_info(case, actor=staff.handler, now=TUESDAY + timedelta(days=1),
                     expected_version=None, message="Bổ sung?")  # fmt: skip
    from intake.core.reasons import RejectReason

    ops.reject_case(case, actor=staff.intake, now=TUESDAY + timedelta(days=28),
                    expected_version=None, reason=RejectReason.NO_REPLY_TO_INFO_REQUEST,
                    message="Không bổ sung.")  # fmt: skip
    assert [c for c in case.clocks if c.status in (ClockStatus.RUNNING, ClockStatus.PAUSED)] == []
    overall = clock(case, Step.OVERALL)
    assert overall.on_time is True  # 27 days waiting for the citizen are not the office's
    assert all(r.status == "cancelled" for r in case.cooperation_requests)


def test_the_verdict_is_kept_with_the_event_that_ended_the_step(staff):
    case = submit(TUESDAY)
    ops.assign_case(case, actor=staff.intake, now=TUESDAY + timedelta(days=10),
                    expected_version=None, lead_unit=staff.lead_unit, cooperating_units=[],
                    note=None, calendar=CAL)  # fmt: skip
    event = case.events[-1]
    assert event.kind == "assign"
    [verdict] = event.details["clocks"]
    assert verdict == {
        "step": "triage", "due_at": clock(case, Step.TRIAGE).due_at.isoformat(), "on_time": False,
    }  # fmt: skip
