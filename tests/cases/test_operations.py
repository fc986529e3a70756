"""The workflow's verbs on real cases: the transition matrix at the operation level, the two
officers' conflict, the event chain and audit-verify, and what each verb leaves behind."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from intake.cases import operations as ops
from intake.cases.audit import verify_event_chains
from intake.cases.models import Case, CaseEvent, CooperationStatus
from intake.core.reasons import RejectReason, ReturnReason
from intake.core.states import InvalidTransition, State
from intake.extensions import db
from intake.notifications.models import OutboxMessage
from intake.org.models import Unit
from tests.cases.factories import CALENDAR, advance, make_staff, submit, unit_by_code

REACHABLE = [
    State.RECEIVED, State.NEEDS_INFO, State.ASSIGNED, State.IN_PROGRESS, State.DEFERRED,
    State.ANSWER_REVIEW, State.ANSWERED, State.CLOSED, State.REJECTED, State.TRANSFERRED_OUT,
    State.WITHDRAWN,
]  # fmt: skip


@pytest.fixture
def staff(org):
    return make_staff()


def unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def verbs(staff, now):
    """Each state-changing verb, called as an officer or the citizen would."""
    t = now + timedelta(days=1)
    return {
        "assign": lambda c: ops.assign_case(
            c, actor=staff.intake, now=t, expected_version=None, lead_unit=staff.lead_unit,
            cooperating_units=[], note=None, calendar=CALENDAR),
        "reject": lambda c: ops.reject_case(
            c, actor=staff.intake, now=t, expected_version=None,
            reason=RejectReason.NOT_VIETNAMESE, message="x"),
        "transfer_out": lambda c: ops.transfer_out(
            c, actor=staff.intake, now=t, expected_version=None,
            agency_unit=unit_by_code("bo-tc"), letter_number="1/CV"),
        "request_info": lambda c: ops.request_info(
            c, actor=staff.intake, now=t, expected_version=None, message="Cần thêm."),
        "accept": lambda c: ops.accept_case(
            c, actor=staff.handler, now=t, expected_version=None, calendar=CALENDAR),
        "return_to_intake": lambda c: ops.return_to_intake(
            c, actor=staff.handler, now=t, expected_version=None,
            reason=ReturnReason.NOT_COMPETENT, note="Không thuộc thẩm quyền."),
        "defer": lambda c: ops.defer_case(
            c, actor=staff.handler, now=t, expected_version=None, reason="Chờ hướng dẫn."),
        "resume": lambda c: ops.resume_case(
            c, actor=staff.handler, now=t, expected_version=None, calendar=CALENDAR),
        "submit_answer": lambda c: ops.submit_answer(
            _with_draft(c), actor=staff.handler, now=t, expected_version=None,
            calendar=CALENDAR),
        "return_for_rework": lambda c: ops.return_for_rework(
            c, actor=staff.intake, now=t, expected_version=None, reason="Bổ sung căn cứ.",
            calendar=CALENDAR),
        "publish_answer": lambda c: ops.publish_answer(
            c, actor=staff.intake, now=t, expected_version=None, published_title="T",
            published_content="C", published_answer="A"),
        "provide_info": lambda c: ops.provide_info(
            c, now=t, text="Số giấy hẹn 123.", uploads=[], upload_dir="", max_attachment_bytes=0),
        "withdraw": lambda c: ops.withdraw_case(c, now=t, reason=None),
        "close": lambda c: ops.close_case(c, now=t),
        "reopen": lambda c: ops.request_reconsideration(
            c, now=t, reason="Chưa thỏa đáng.", calendar=CALENDAR, window_working_days=10,
            max_reconsiderations=1),
    }  # fmt: skip


def _with_draft(case):
    case.answer_public_text = case.answer_public_text or "Trả lời công khai."
    case.answer_letter = case.answer_letter or "Thư trả lời."
    return case


ALLOWED = {
    State.RECEIVED: {"assign", "reject", "transfer_out", "request_info", "withdraw"},
    State.NEEDS_INFO: {"reject", "provide_info", "withdraw"},
    State.ASSIGNED: {"accept", "return_to_intake", "withdraw"},
    State.IN_PROGRESS: {"return_to_intake", "defer", "submit_answer", "request_info", "withdraw"},
    State.DEFERRED: {"resume", "withdraw"},
    State.ANSWER_REVIEW: {"return_for_rework", "publish_answer", "withdraw"},
    State.ANSWERED: {"close", "reopen"},
}


@pytest.mark.parametrize("state", REACHABLE)
def test_every_verb_in_every_state(staff, now, state):
    for name, verb in verbs(staff, now).items():
        case = advance(submit(now), state, staff, now)
        events_before = len(case.events)
        if name in ALLOWED.get(state, set()):
            verb(case)
            db.session.flush()
            db.session.expire(case, ["events"])
            assert len(case.events) == events_before + 1, name
        else:
            with pytest.raises(InvalidTransition):
                verb(case)
            assert case.state is state, name
        db.session.rollback()


def test_each_transition_records_who_when_from_to_and_why(staff, now):
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    ops.return_to_intake(
        case, actor=staff.handler, now=now + timedelta(days=1), expected_version=None,
        reason=ReturnReason.NOT_COMPETENT, note="Thuộc thẩm quyền của Sở Xây dựng.",
    )  # fmt: skip
    event = case.events[-1]
    assert (event.kind, event.from_state, event.to_state) == (
        "return_to_intake",
        State.IN_PROGRESS,
        State.RECEIVED,
    )
    assert event.actor_id == staff.handler.id and event.at == now + timedelta(days=1)
    assert event.reason_code == "not_competent" and "Sở Xây dựng" in event.note
    assert not event.is_public  # routing chatter stays internal
    assert case.bounce_count == 1 and case.lead_unit_id is None


def test_needs_info_returns_to_where_it_came_from(staff, now):
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    ops.request_info(case, actor=staff.handler, now=now, expected_version=None, message="Thêm?")
    assert case.state is State.NEEDS_INFO and case.state_before_info is State.IN_PROGRESS
    ops.provide_info(case, now=now, text="Đây.", uploads=[], upload_dir="", max_attachment_bytes=0)
    assert case.state is State.IN_PROGRESS and case.state_before_info is None


def test_an_officer_acting_on_an_old_version_is_refused(staff, now):
    case = advance(submit(now), State.RECEIVED, staff, now)
    db.session.commit()
    seen = case.version
    ops.assign_case(
        case, actor=staff.intake, now=now, expected_version=seen, lead_unit=staff.lead_unit,
        cooperating_units=[], note=None, calendar=CALENDAR,
    )  # fmt: skip
    db.session.commit()
    with pytest.raises(ops.StaleCase):
        ops.reject_case(
            case, actor=staff.intake, now=now, expected_version=seen,
            reason=RejectReason.NOT_VIETNAMESE, message="x",
        )  # fmt: skip
    assert case.state is State.ASSIGNED


def test_two_officers_at_the_same_moment_one_wins(app, staff, now):
    """Both load version N; both write. The database lets one UPDATE through; the other finds
    no row at version N and is told the item changed. Nothing the winner wrote is lost."""
    case = advance(submit(now), State.RECEIVED, staff, now)
    db.session.commit()
    case_id = case.id
    other = Session(db.engine)
    try:
        theirs = other.get(Case, case_id)
        mine = db.session.get(Case, case_id)
        ops.assign_case(
            mine, actor=staff.intake, now=now, expected_version=mine.version,
            lead_unit=staff.lead_unit, cooperating_units=[], note=None, calendar=CALENDAR,
        )  # fmt: skip
        db.session.commit()
        theirs.priority = "urgent"  # the other officer's change, on the version they loaded
        with pytest.raises(sa.orm.exc.StaleDataError):
            other.flush()
        other.rollback()
    finally:
        other.close()
    db.session.expire_all()
    assert db.session.get(Case, case_id).state is State.ASSIGNED


def test_stale_data_becomes_stale_case_in_operations(app, staff, now):
    case = advance(submit(now), State.RECEIVED, staff, now)
    db.session.commit()
    with db.engine.begin() as connection:  # someone else bumps the version meanwhile
        connection.execute(
            sa.update(Case).where(Case.id == case.id).values(version=Case.version + 1)
        )
    with pytest.raises(ops.StaleCase):
        ops.request_info(case, actor=staff.intake, now=now, expected_version=None, message="?")
    db.session.rollback()


def test_cooperation_request_and_reply(staff, now):
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    ops.request_cooperation(
        case, actor=staff.handler, now=now, units=[unit("so-xd")], question="Cho ý kiến về GPXD.",
        calendar=CALENDAR,
    )  # fmt: skip
    [request] = case.cooperation_requests
    assert request.status is CooperationStatus.OPEN and request.due_at > now
    ops.reply_cooperation(request, actor=staff.coop_handler, now=now, reply="Đủ điều kiện.")
    assert request.status is CooperationStatus.REPLIED
    with pytest.raises(ops.NotAllowed):
        ops.reply_cooperation(request, actor=staff.coop_handler, now=now, reply="Lần hai.")
    kinds = [e.kind for e in case.events]
    assert kinds[-2:] == ["request_cooperation", "reply_cooperation"]


def test_defer_only_for_regulation_content(staff, now):
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    case.content_class = "behaviour"
    with pytest.raises(ops.NotAllowed):
        ops.defer_case(case, actor=staff.handler, now=now, expected_version=None, reason="x")


def test_reconsideration_once_within_the_window(staff, now):
    case = advance(submit(now), State.ANSWERED, staff, now)
    late = case.answered_at + timedelta(days=30)
    with pytest.raises(ops.NotAllowed):
        ops.request_reconsideration(
            case, now=late, reason="Chưa thỏa đáng.", calendar=CALENDAR, window_working_days=10,
            max_reconsiderations=1,
        )  # fmt: skip
    ops.request_reconsideration(
        case, now=case.answered_at + timedelta(days=1), reason="Chưa thỏa đáng.",
        calendar=CALENDAR, window_working_days=10, max_reconsiderations=1,
    )  # fmt: skip
    assert case.state is State.IN_PROGRESS and case.reconsideration_count == 1


def test_notices_are_queued_in_the_outbox(staff, now):
    def templates():
        query = sa.select(OutboxMessage.template).order_by(OutboxMessage.id)
        return list(db.session.scalars(query))

    case = advance(submit(now), State.RECEIVED, staff, now)
    ops.request_info(case, actor=staff.intake, now=now, expected_version=None, message="Thêm?")
    assert templates()[-1] == "info_requested"
    rejected = advance(submit(now), State.REJECTED, staff, now)
    assert rejected.state is State.REJECTED and templates()[-1] == "rejected"
    advance(submit(now), State.TRANSFERRED_OUT, staff, now)
    assert templates()[-1] == "transferred"
    advance(submit(now), State.ANSWERED, staff, now)
    assert "unit_assigned" in templates() and templates()[-1] == "answered"


def test_audit_verify_finds_an_edited_event(app, staff, now):
    case = advance(submit(now), State.ANSWERED, staff, now)
    db.session.commit()
    assert list(verify_event_chains()) == []
    runner = app.test_cli_runner()
    assert runner.invoke(args=["intake", "audit-verify"]).exit_code == 0
    target = case.events[3]
    with db.engine.begin() as connection:  # tampering behind the application's back
        connection.execute(
            sa.update(CaseEvent).where(CaseEvent.id == target.id).values(note="đã sửa")
        )
    [broken] = list(verify_event_chains())
    assert (broken.reference_code, broken.seq) == (case.reference_code, target.seq)
    assert "edited" in broken.problem
    result = runner.invoke(args=["intake", "audit-verify"])
    assert (
        result.exit_code != 0
        and f"BROKEN {case.reference_code} event {target.seq}" in result.output
    )


def test_audit_verify_finds_a_deleted_event(app, staff, now):
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    db.session.commit()
    with db.engine.begin() as connection:
        connection.execute(sa.delete(CaseEvent).where(CaseEvent.id == case.events[1].id))
    [broken] = list(verify_event_chains())
    assert broken.seq == 3 and "missing" in broken.problem
