"""Cooperation requests (phối hợp): sub-tasks to other units with their own clock; the lead
unit stays responsible for the single answer."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from intake.accounts.models import User
from intake.cases import clocks
from intake.cases.events import record_event
from intake.cases.models import (
    Case,
    CooperationRequest,
    CooperationStatus,
)
from intake.cases.operations.engine import (
    calendar_or_loaded,
    notify_unit,
    require_receiving_unit,
    required_text,
)
from intake.core.calendar import WorkingCalendar
from intake.core.deadlines import Step
from intake.core.errors import NotAllowed
from intake.core.states import (
    Action,
    EventKind,
    InvalidTransition,
    State,
)
from intake.core.text import nfc
from intake.extensions import db
from intake.org.calendar import load_working_calendar
from intake.org.models import Unit

_DEFAULT_COOPERATION_QUESTION = _l("Đề nghị đơn vị phối hợp cho ý kiến về nội dung này.")


def request_cooperation(
    case: Case,
    *,
    actor: User,
    now: datetime,
    units: list[Unit],
    question: str,
    calendar: WorkingCalendar | None = None,
    expected_version: int | None = None,
) -> None:
    """Ask other units for their opinion. Like a note it never conflicts with another
    officer's change, so the version is not checked (the argument keeps the verbs' common
    signature: the case page passes it to every verb)."""
    if case.state is not State.IN_PROGRESS:
        raise InvalidTransition(case.state, Action.SUBMIT_ANSWER)
    calendar = calendar_or_loaded(calendar)
    if not nfc(question) or not units:
        raise NotAllowed(_l("cần chọn đơn vị và nêu nội dung đề nghị phối hợp"))
    for unit in units:
        require_receiving_unit(unit, now=now)
    for unit in units:
        if unit.id != case.lead_unit_id:
            open_cooperation(case, unit, actor=actor, now=now, question=question, calendar=calendar)


def open_cooperation(case, unit, *, actor, now, question, calendar) -> CooperationRequest:
    question = nfc(question) or str(_DEFAULT_COOPERATION_QUESTION)
    request = CooperationRequest(
        case=case,
        unit=unit,
        question=question,
        requested_by_id=actor.id,
        requested_at=now,
        due_at=now,  # set from its clock just below
    )
    db.session.add(request)
    db.session.flush()
    clock = clocks.start_clock(
        case, Step.COOPERATION, now=now, calendar=calendar, unit=unit, cooperation=request
    )
    request.due_at = clock.due_at
    record_event(
        case,
        EventKind.REQUEST_COOPERATION,
        actor=actor,
        now=now,
        unit=unit,
        note=question,
        details={"cooperation_request_id": request.id},
    )
    notify_unit(unit, case, "unit_cooperation", now=now, question=question)
    return request


def reply_cooperation(
    request: CooperationRequest, *, actor: User, now: datetime, reply: str
) -> None:
    reply = required_text(reply, _l("ý kiến trống"))
    if request.status is not CooperationStatus.OPEN:
        raise NotAllowed(_l("đề nghị phối hợp này đã được trả lời"))
    # Conditional update: of two officers replying at once, one wins, the other is told.
    result = db.session.execute(
        sa.update(CooperationRequest)
        .where(
            CooperationRequest.id == request.id,
            CooperationRequest.status == CooperationStatus.OPEN,
        )
        .values(
            status=CooperationStatus.REPLIED, reply=reply, replied_by_id=actor.id, replied_at=now
        )
    )
    if result.rowcount != 1:
        raise NotAllowed(_l("đề nghị phối hợp này đã được trả lời"))
    db.session.refresh(request)
    ended = clocks.end_clocks(
        request.case, (Step.COOPERATION,), now=now, cooperation_id=request.id,
        calendar=load_working_calendar(),
    )  # fmt: skip
    record_event(
        request.case,
        EventKind.REPLY_COOPERATION,
        actor=actor,
        now=now,
        unit=request.unit,
        note=reply,
        details={"cooperation_request_id": request.id, "clocks": clocks.verdicts(ended)},
    )
