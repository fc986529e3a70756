"""Extensions of the handling clock (gia hạn) and due dates moved by calendar changes
(DOMAIN.md §4)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from intake.accounts.models import User
from intake.cases import clocks
from intake.cases.events import Actor, record_event
from intake.cases.models import (
    Case,
    ExtensionStatus,
)
from intake.cases.operations.engine import (
    calendar_or_loaded,
    check_version,
    required_text,
    touch,
)
from intake.core.calendar import WorkingCalendar
from intake.core.deadlines import Step
from intake.core.errors import NotAllowed
from intake.core.states import EventKind
from intake.core.text import nfc
from intake.extensions import db
from intake.org.policies import extension_limits


def request_extension(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    working_days: int,
    reason: str,
) -> None:
    """The handler asks for more time on the handling clock; the unit lead decides."""
    check_version(case, expected_version)
    clock = clocks.current_clock(case, Step.HANDLING)
    if clock is None:
        raise NotAllowed(_l("chỉ gia hạn được khi hồ sơ đang xử lý"))
    reason = required_text(reason, _l("cần nêu lý do gia hạn"))
    max_extensions, max_days = extension_limits(case.priority, case.field_id)
    if clocks.pending_extension(case) is not None:
        raise NotAllowed(_l("đã có đề nghị gia hạn đang chờ quyết định"))
    if clocks.extensions_granted(case) >= max_extensions:
        raise NotAllowed(_l("hồ sơ đã được gia hạn tối đa số lần cho phép"))
    if not 1 <= working_days <= max_days:
        raise NotAllowed(_l("số ngày gia hạn phải từ 1 đến %(n)d ngày làm việc", n=max_days))
    touch(case, now=now)
    clock.extension_status = ExtensionStatus.REQUESTED
    clock.extension_requested_days = working_days
    clock.extension_reason = reason
    record_event(
        case, EventKind.REQUEST_EXTENSION, actor=actor, now=now, unit=case.lead_unit, note=reason,
        details={"working_days": working_days, "clock_id": clock.id},
    )  # fmt: skip


def decide_extension(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    approve: bool,
    calendar: WorkingCalendar | None = None,
    note: str | None = None,
) -> None:
    """The unit lead (or a supervisor) approves or refuses; approval moves the due date."""
    check_version(case, expected_version)
    clock = clocks.pending_extension(case)
    if clock is None:
        raise NotAllowed(_l("không có đề nghị gia hạn nào đang chờ"))
    calendar = calendar_or_loaded(calendar)
    touch(case, now=now)
    before = clock.due_at
    if approve:
        clock.extension_status = ExtensionStatus.APPROVED
        clock.extension_working_days += clock.extension_requested_days
        if clock.status in clocks.ACTIVE:
            clocks.apply_times(clock, calendar)
            clocks.sync_case(case)
    else:
        clock.extension_status = ExtensionStatus.REFUSED
    record_event(
        case, EventKind.DECIDE_EXTENSION, actor=actor, now=now, unit=case.lead_unit,
        note=nfc(note) or None,
        details={
            "approved": approve, "working_days": clock.extension_requested_days,
            "due_before": before.isoformat(), "due_after": clock.due_at.isoformat(),
        },
    )  # fmt: skip


def recompute_due_dates(
    *, now: datetime, calendar: WorkingCalendar, actor: Actor, source: str | None = None
) -> int:
    """After the calendar changed: every open clock's instants again, and an event on each
    case whose due date moved. Verdicts of ended clocks are history and stay as they were.
    ``source`` says what changed when it was not an override of the administrator's
    (``holidays_package``: an upgrade of the package; ``manual``: the command run by hand)."""
    moved = 0
    for clock in db.session.scalars(clocks.open_clocks_query().execution_options(yield_per=1000)):
        before = clock.due_at
        if clocks.apply_times(clock, calendar):
            moved += 1
            clocks.sync_case(clock.case)
            record_event(
                clock.case, EventKind.DUE_DATE_CHANGED, actor=actor, now=now,
                details={"step": str(clock.step), "due_before": before.isoformat(),
                         "due_after": clock.due_at.isoformat(),
                         **({"source": source} if source else {})},
            )  # fmt: skip
    return moved
