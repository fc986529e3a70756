"""The transition engine under every verb: checks done first, the state moved, the clocks
changed by the table in ``intake.core.deadlines``, the event and the report entry recorded, the
notices queued. Verbs in the sibling modules compose these steps; none of them commits."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from intake.cases import clocks, notices, signals
from intake.cases.events import Actor, record_event
from intake.cases.models import (
    Case,
    CooperationStatus,
)
from intake.core.calendar import WorkingCalendar, local_date
from intake.core.deadlines import CLOCK_CHANGES, Step
from intake.core.errors import NotAllowed, StaleCase
from intake.core.states import (
    FINAL_STATES,
    Action,
    EventKind,
    State,
    next_state,
)
from intake.core.text import nfc
from intake.extensions import db
from intake.notifications.outbox import queue_email
from intake.org.calendar import load_working_calendar
from intake.org.models import Unit


def setting(name: str):
    """A deployment setting the rules depend on (upload folder, reconsideration window …).
    Read here, not by each door, so that the web, the API and the CLI apply the same value."""
    return current_app.config[name]


def calendar_or_loaded(calendar: WorkingCalendar | None) -> WorkingCalendar:
    """The caller's calendar (a batch passes one it loaded once), else today's calendar."""
    return calendar if calendar is not None else load_working_calendar()


def require(case: Case, action: Action, expected_version: int | None = None) -> None:
    """Refuse early, in the order that tells the officer most: someone changed the item since
    they loaded it; the state does not allow the action; only then, a missing input."""
    check_version(case, expected_version)
    next_state(case.state, action, origin=case.state_before_info)


def required_text(value: str | None, missing: str) -> str:
    """The text in its stored form (NFC, trimmed), or NotAllowed with ``missing``."""
    text = nfc(value)
    if not text:
        raise NotAllowed(missing)
    return text


def check_version(case: Case, expected_version: int | None) -> None:
    """The form carried the version the officer saw; acting on a newer one is refused."""
    if expected_version is not None and case.version != expected_version:
        raise StaleCase(case)


def transition(
    case: Case,
    action: Action,
    *,
    actor: Actor,
    now: datetime,
    is_public: bool,
    reason_code: str | None = None,
    note: str | None = None,
    details: dict | None = None,
    unit: Unit | None = None,
    calendar: WorkingCalendar | None = None,
):
    """Move ``case`` by ``action``, apply the action's effect on the clocks (the table in
    ``intake.core.deadlines``) and record the event. The version the officer saw is
    checked by ``_require`` at the top of each verb, before anything is modified: any query
    after a modification autoflushes and bumps the version in this very transaction."""
    from_state = case.state
    to_state = next_state(case.state, action, origin=case.state_before_info)
    case.state = to_state
    case.state_before_info = from_state if to_state is State.NEEDS_INFO else None
    if to_state in FINAL_STATES:
        case.closed_at = now
    case.updated_at = now
    # Write the case first: its versioned UPDATE is where a concurrent change shows up, and
    # loading the clocks below would otherwise autoflush it outside the check.
    flush_checking_version(case)
    ended = _apply_clock_change(case, CLOCK_CHANGES[action], now=now, calendar=calendar)
    if ended:
        # On time or late is decided here and kept with the event: reports read it, and
        # never recompute history from today's calendar.
        details = {**(details or {}), "clocks": clocks.verdicts(ended)}
    if to_state in FINAL_STATES or action in (Action.SUBMIT_ANSWER, Action.RETURN_TO_INTAKE):
        # No more cooperation is needed on an item that is answered, returned or finished.
        cancel_open_cooperation(case, now=now)
    if to_state in FINAL_STATES:
        clocks.stop_clocks(case, frozenset(Step), now=now)
    # The reports' projection of this event, in the same transaction.
    signals.case_transitioned.send(
        case, action=action, now=now, ended=ended, reason_code=reason_code
    )
    return record_event(
        case,
        EventKind.of(action),
        actor=actor,
        now=now,
        from_state=from_state,
        to_state=to_state,
        unit=unit,
        reason_code=reason_code,
        note=note,
        details=details,
        is_public=is_public,
    )


def _apply_clock_change(case, change, *, now, calendar) -> list:
    if change.start or change.resume or change.end:
        # Starting, moving or judging a clock needs the calendar; load it if the caller had none.
        calendar = calendar or load_working_calendar()
    ended = []
    if change.end:
        ended = clocks.end_clocks(case, change.end, now=now, calendar=calendar)
    if change.stop:
        clocks.stop_clocks(case, change.stop, now=now)
    if change.pause:
        clocks.pause_clocks(case, now=now)
    if change.resume:
        clocks.resume_clocks(case, now=now, calendar=calendar)
    for step in change.start:
        unit = case.lead_unit if step in (Step.ACCEPTANCE, Step.HANDLING) else None
        clocks.start_clock(case, step, now=now, calendar=calendar, unit=unit)
    return ended


def cancel_open_cooperation(case: Case, *, now: datetime) -> None:
    for request in case.cooperation_requests:
        if request.status is CooperationStatus.OPEN:
            request.status = CooperationStatus.CANCELLED
    clocks.stop_clocks(case, (Step.COOPERATION,), now=now)


def touch(case: Case, *, now: datetime) -> None:
    """A change that keeps the state still bumps the version, so concurrent edits conflict.
    Callers check the expected version first, before they modify anything."""
    case.updated_at = now
    flush_checking_version(case)


def flush_checking_version(case: Case) -> None:
    try:
        db.session.flush()
    except StaleDataError:
        # Another transaction updated the row between our read and our write. The session
        # must now be rolled back, which the edge (view or command) does when it catches this.
        raise StaleCase(case) from None


def published_url(case: Case) -> str:
    """The public address of an item's answer (there once it is published)."""
    return f"{setting('PUBLIC_BASE_URL').rstrip('/')}/published/{case.reference_code}"


def notify_citizen(case: Case, template: str, *, now: datetime, **context) -> None:
    """By e-mail, SMS or letter: ``intake.cases.notices`` picks the citizen's channels."""
    notices.notify_citizen(case, template, now=now, **context)


def require_receiving_unit(unit: Unit, *, now: datetime) -> None:
    """Work goes only to a unit in force that day and told by e-mail (DOMAIN §8): a unit
    without a notification e-mail is refused, never silently left uninformed."""
    if not unit.receives_work:
        raise NotAllowed(
            _l("%(unit)s là cơ quan ngoài tỉnh: chỉ chuyển được bằng văn bản", unit=unit.name)
        )
    if not unit.is_active_on(local_date(now)):
        raise NotAllowed(_l("đơn vị %(unit)s không hoạt động vào ngày này", unit=unit.name))
    if not unit.email:
        raise NotAllowed(
            _l(
                "đơn vị %(unit)s chưa có địa chỉ thư điện tử nhận thông báo; "
                "đề nghị quản trị bổ sung trước khi chuyển việc cho đơn vị",
                unit=unit.name,
            )
        )


def notify_unit(unit: Unit, case: Case, template: str, *, now: datetime, **context) -> None:
    if not unit.email:  # routing refuses such a unit: only data changed behind its back
        current_app.logger.warning(
            "unit %s has no notification e-mail: %s of case %s not sent", unit.code, template,
            case.id,
        )  # fmt: skip
        return
    queue_email(
        template,
        recipient=unit.email,
        language="vi",
        now=now,
        case_id=case.id,
        context={"case": case, "unit": unit, **context},
    )
