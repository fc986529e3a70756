"""Starting, pausing, resuming, stopping and ending the clocks of a case (DOMAIN.md §4).

Called only from ``intake.cases.operations``, inside the operation's transaction. The case
keeps denormalised copies of the due dates that queues sort on (``triage_due_at``,
``step_due_at``, ``overall_due_at``); this module keeps them in step with the clocks.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from intake.cases.models import (
    ACTIVE_CLOCK_STATUSES,
    Case,
    CaseClock,
    ClockStatus,
    CooperationRequest,
    ExtensionStatus,
)
from intake.core.calendar import WorkingCalendar, local_date
from intake.core.clocks import (
    DEFAULT_SCHEDULE,
    ReminderLevel,
    ReminderSchedule,
    clock_times,
    is_on_time,
    paused_working_days,
)
from intake.core.deadlines import Step
from intake.extensions import db
from intake.org.models import Unit
from intake.org.policies import ClockPolicy, clock_policies, working_days_for

ACTIVE = ACTIVE_CLOCK_STATUSES
#: The step clocks (all but the overall clock and cooperation requests' own clocks).
STEP_CLOCKS = (Step.TRIAGE, Step.ACCEPTANCE, Step.HANDLING, Step.REVIEW)


def start_clock(
    case: Case,
    step: Step,
    *,
    now: datetime,
    calendar: WorkingCalendar,
    unit: Unit | None = None,
    cooperation: CooperationRequest | None = None,
    started_at: datetime | None = None,
    policy: ClockPolicy | None = None,
) -> CaseClock:
    """Start ``step``'s clock under ``policy`` (read now unless the caller read it already,
    with ``clock_policies``, for several clocks at once)."""
    started_at = started_at or now
    # Read before the new clock exists: a query would flush it half-built.
    if policy is None:
        policy = clock_policies((step,), case.priority, case.field_id)[step]
    schedule, working_days = policy.schedule, policy.working_days
    clock = CaseClock(
        case=case,
        step=step,
        unit=unit,
        cooperation_request_id=cooperation.id if cooperation is not None else None,
        status=ClockStatus.RUNNING,
        started_at=started_at,
        started_on=local_date(started_at),
        working_days=working_days,
        paused_working_days=0,
        extension_working_days=0,
        remind_half_percent=schedule.half_percent,
        remind_late_percent=schedule.late_percent,
        escalation_working_days=schedule.escalation_working_days,
    )
    apply_times(clock, calendar)
    db.session.add(clock)
    sync_case(case)
    return clock


def apply_times(clock: CaseClock, calendar: WorkingCalendar) -> bool:
    """Recompute the clock's instants from its counts; True when the due date moved."""
    times = clock_times(
        calendar,
        clock.started_on,
        clock.working_days,
        clock.paused_working_days,
        clock.extension_working_days,
        schedule_of(clock),
    )
    moved = clock.due_at is not None and clock.due_at != times.due_at
    clock.due_at = times.due_at
    clock.remind_half_at = times.reminders.get(ReminderLevel.HALF)
    clock.remind_late_at = times.reminders.get(ReminderLevel.LATE)
    clock.remind_due_at = times.reminders[ReminderLevel.DUE]
    clock.escalate_at = times.reminders[ReminderLevel.ESCALATION]
    return moved


def schedule_of(clock: CaseClock) -> ReminderSchedule:
    """The clock's own reminder schedule; DOMAIN's defaults for clocks started before it was
    policy data."""
    if clock.remind_half_percent is None:
        return DEFAULT_SCHEDULE
    return ReminderSchedule(
        clock.remind_half_percent, clock.remind_late_percent, clock.escalation_working_days
    )


def reapply_policy(case: Case, steps, *, calendar: WorkingCalendar) -> None:
    """The priority or the field changed: the running clocks take the new policy's length."""
    for clock in active_clocks(case):
        if clock.step in steps and clock.cooperation_request_id is None:
            clock.working_days = working_days_for(clock.step, case.priority, case.field_id)
            apply_times(clock, calendar)
    sync_case(case)


def end_clocks(
    case: Case,
    steps,
    *,
    now: datetime,
    cooperation_id: int | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[CaseClock]:
    """The steps are done: keep the verdict (on time or late) with the clock. Returns the
    clocks it ended, so that the event recording the step can carry their verdicts too."""
    ended = []
    for clock in active_clocks(case):
        if clock.step in steps and (
            cooperation_id is None or clock.cooperation_request_id == cooperation_id
        ):
            if clock.status is ClockStatus.PAUSED and calendar is not None:
                # Time spent waiting for the citizen never counts against the office.
                clock.paused_working_days += paused_working_days(calendar, clock.paused_at, now)
                apply_times(clock, calendar)
            clock.status = ClockStatus.ENDED
            clock.ended_at = now
            clock.on_time = is_on_time(now, clock.due_at)
            clock.paused_at = None
            _lapse_extension(clock)
            ended.append(clock)
    sync_case(case)
    return ended


def verdicts(ended: list[CaseClock]) -> list[dict]:
    """The verdicts as event details: plain values, fixed when the step ended."""
    return [
        {"step": str(c.step), "due_at": c.due_at.isoformat(), "on_time": c.on_time} for c in ended
    ]


def stop_clocks(case: Case, steps, *, now: datetime) -> None:
    """Deferred or withdrawn: the clocks stop without a verdict."""
    for clock in active_clocks(case):
        if clock.step in steps:
            clock.status = ClockStatus.STOPPED
            clock.ended_at = now
            clock.paused_at = None
            _lapse_extension(clock)
    sync_case(case)


def pending_extension(case: Case) -> CaseClock | None:
    """The clock whose extension request waits for the unit lead's decision, if any."""
    return next((c for c in case.clocks if c.extension_status is ExtensionStatus.REQUESTED), None)


def extensions_granted(case: Case) -> int:
    return sum(1 for c in case.clocks if c.extension_status is ExtensionStatus.APPROVED)


def _lapse_extension(clock: CaseClock) -> None:
    """A request for more time on a clock that no longer runs is moot: close it as refused."""
    if clock.extension_status is ExtensionStatus.REQUESTED:
        clock.extension_status = ExtensionStatus.REFUSED


def pause_clocks(case: Case, *, now: datetime) -> None:
    for clock in active_clocks(case):
        if clock.status is ClockStatus.RUNNING and clock.cooperation_request_id is None:
            clock.status = ClockStatus.PAUSED
            clock.paused_at = now


def resume_clocks(case: Case, *, now: datetime, calendar: WorkingCalendar) -> None:
    """Each paused due date moves by the working days spent paused."""
    for clock in active_clocks(case):
        if clock.status is ClockStatus.PAUSED:
            clock.paused_working_days += paused_working_days(calendar, clock.paused_at, now)
            clock.status = ClockStatus.RUNNING
            clock.paused_at = None
            apply_times(clock, calendar)
    sync_case(case)


def active_clocks(case: Case) -> list[CaseClock]:
    return [c for c in case.clocks if c.status in ACTIVE]


def current_clock(case: Case, step: Step) -> CaseClock | None:
    for clock in reversed(case.clocks):
        if clock.step is step and clock.status in ACTIVE and clock.cooperation_request_id is None:
            return clock
    return None


def sync_case(case: Case) -> None:
    """Copy the current due dates onto the case, where queues sort and filter on them."""
    step_clocks = [
        c for c in active_clocks(case) if c.step in STEP_CLOCKS and c.step is not Step.TRIAGE
    ]
    triage = current_clock(case, Step.TRIAGE)
    overall = current_clock(case, Step.OVERALL)
    case.triage_due_at = triage.due_at if triage else case.triage_due_at
    case.step_due_at = min((c.due_at for c in step_clocks), default=None)
    # No running overall clock (answered, deferred, reopened): no expected answer date.
    case.overall_due_at = overall.due_at if overall else None


def open_clocks_query() -> sa.Select:
    """Active clocks, for recomputation after the calendar changes."""
    return sa.select(CaseClock).where(CaseClock.status.in_(ACTIVE)).order_by(CaseClock.id)
