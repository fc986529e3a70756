"""Rules of DOMAIN.md that the first version contradicted (issue 13 point 6)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intake.cases import operations as ops
from intake.cases.models import Case, CaseClock, ClockReminder
from intake.core.reasons import RejectReason
from intake.core.states import State
from intake.extensions import db
from intake.notifications.models import OutboxMessage
from intake.worker import run_tick
from tests.cases.factories import advance, make_staff, submit
from tests.officer.helpers import act, login


@pytest.fixture
def staff(org):
    return make_staff()


@pytest.mark.parametrize("score, closes", [(5, True), (4, True), (3, False), (1, False)])
def test_a_satisfied_rating_closes_the_item(staff, now, score, closes):
    case = advance(submit(now), State.ANSWERED, staff, now)
    ops.rate_answer(case, now=now + timedelta(hours=3), score=score, comment=None)
    db.session.commit()
    assert (case.state is State.CLOSED) is closes
    assert ops.reconsideration_open(case, now + timedelta(hours=4)) is not closes


def test_feedback_on_a_legal_document_is_refused_with_guidance_to_the_national_portal(
    app, staff, now
):
    case = submit(now)
    db.session.commit()
    client = app.test_client()
    login(client, staff.intake)
    page = client.get(f"/officer/cases/{case.id}").get_data(as_text=True)
    assert 'value="legal_normative_document"' in page
    response = act(client, case.id, "reject", reason="legal_normative_document", message="")
    assert response.status_code == 303
    db.session.expire_all()
    refused = db.session.get(Case, case.id)
    assert refused.state is State.REJECTED
    assert refused.events[-1].reason_code == RejectReason.LEGAL_NORMATIVE_DOCUMENT
    assert "Cổng Pháp luật quốc gia" in refused.events[-1].note
    notice = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.case_id == case.id)
    ).all()[-1]
    assert "phapluat.gov.vn" in notice.body_text


def test_no_reply_is_offered_first_once_the_request_for_information_ran_out(app, staff, now):
    case = advance(submit(now), State.NEEDS_INFO, staff, now)
    db.session.commit()
    client = app.test_client()
    login(client, staff.intake)
    before = client.get(f"/officer/cases/{case.id}").get_data(as_text=True)
    assert f'action="/officer/cases/{case.id}/reject"' not in before  # not flagged yet
    run_tick(now + timedelta(days=40))  # the window runs out: the worker flags it
    page = client.get(f"/officer/cases/{case.id}").get_data(as_text=True)
    assert f'action="/officer/cases/{case.id}/reject"' in page
    assert re.search(r'<option selected value="no_reply_to_info_request">', page)
    response = act(client, case.id, "reject", reason="no_reply_to_info_request", message="")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, case.id).state is State.REJECTED


def test_a_letter_recorded_late_gets_only_the_highest_reminder_reached(staff, now):
    """A paper letter received weeks ago is entered today: its clocks are already past every
    level. The unit hears once, at the highest level, not four times in one round."""
    received = now - timedelta(days=60)
    case = submit(now, received_at=received)
    db.session.commit()
    run_tick(now)
    levels = db.session.scalars(
        sa.select(ClockReminder.level)
        .join(CaseClock, CaseClock.id == ClockReminder.clock_id)
        .where(CaseClock.case_id == case.id)
    ).all()
    assert levels and set(levels) == {"escalation"}
    assert run_tick(now + timedelta(minutes=5)).reminders == {}


def test_deferred_items_are_reviewed_and_come_back_with_an_overall_due_date(staff, now):
    case = advance(submit(now), State.DEFERRED, staff, now)
    db.session.commit()
    assert case.overall_due_at is None  # no clock runs while kept for study

    def review_mails():
        return db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.template == "unit_deferred_review")
        ).all()

    run_tick(now + timedelta(days=20))
    assert review_mails() == []  # fewer than 30 working days
    run_tick(now + timedelta(days=45))
    run_tick(now + timedelta(days=45, minutes=5))  # again: once per period
    [mail] = review_mails()
    assert mail.recipient == staff.lead_unit.email and case.reference_code in mail.body_text
    run_tick(now + timedelta(days=90))
    assert len(review_mails()) == 2  # the next period

    resumed_at = now + timedelta(days=100)
    ops.resume_case(case, actor=staff.handler, now=resumed_at, expected_version=None)
    db.session.commit()
    overall = [c for c in case.clocks if c.step.value == "overall" and c.status.value == "running"]
    assert len(overall) == 1 and overall[0].started_at == resumed_at
    assert case.overall_due_at == overall[0].due_at
