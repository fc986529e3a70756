"""A step's clock in working days: its due instant and the instants its reminders fall due.

A clock is defined by the local date it started, the working days the policy allows, the
working days it spent paused (needs_info) and the working days granted by an extension. Every
instant is recomputed from those four numbers and the calendar, never shifted incrementally,
so that a calendar edited later gives the same answer as one that was right from the start.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from intake.core.calendar import WorkingCalendar, end_of_local_day, local_date
from intake.core.deadlines import (
    DEFAULT_ESCALATION_WORKING_DAYS,
    DEFAULT_REMIND_HALF_PERCENT,
    DEFAULT_REMIND_LATE_PERCENT,
)


class ReminderLevel(enum.StrEnum):
    HALF = "half"  # 50 % of the time used (by default): remind the responsible unit
    LATE = "late"  # 80 %: remind the unit again
    DUE = "due"  # the last day: tell the unit lead
    ESCALATION = "escalation"  # two working days past due: tell the supervisors


@dataclass(frozen=True)
class ReminderSchedule:
    """When the reminders fall (DOMAIN §4): percentages of the allowed working days for the two
    early ones, and working days after the due date for the escalation. Policy data."""

    half_percent: int = DEFAULT_REMIND_HALF_PERCENT
    late_percent: int = DEFAULT_REMIND_LATE_PERCENT
    escalation_working_days: int = DEFAULT_ESCALATION_WORKING_DAYS

    def shares(self) -> dict[ReminderLevel, float]:
        return {
            ReminderLevel.HALF: self.half_percent / 100,
            ReminderLevel.LATE: self.late_percent / 100,
        }


DEFAULT_SCHEDULE = ReminderSchedule()


@dataclass(frozen=True)
class ClockTimes:
    due_at: datetime
    reminders: dict[ReminderLevel, datetime]


def clock_times(
    calendar: WorkingCalendar,
    started_on: date,
    working_days: int,
    paused_working_days: int = 0,
    extension_working_days: int = 0,
    schedule: ReminderSchedule = DEFAULT_SCHEDULE,
) -> ClockTimes:
    """When the clock runs out and when each reminder is due.

    The early reminders fall at the end of the working day on which their share of the time is
    used (rounded down; none when that is day 0 or the last day, which the due reminder covers).
    The due reminder falls at the start of the last day; the escalation two working days after
    the end of it."""
    total = working_days + paused_working_days + extension_working_days
    last_day = calendar.add_working_days(started_on, total)
    due_at = end_of_local_day(last_day)
    reminders: dict[ReminderLevel, datetime] = {}
    for level, share in schedule.shares().items():
        elapsed = math.floor(working_days * share) + paused_working_days
        if 0 < elapsed - paused_working_days < working_days:
            at = end_of_local_day(calendar.add_working_days(started_on, elapsed))
            if at not in reminders.values():
                reminders[level] = at
    reminders[ReminderLevel.DUE] = end_of_local_day(last_day - timedelta(days=1))
    reminders[ReminderLevel.ESCALATION] = end_of_local_day(
        calendar.add_working_days(last_day, schedule.escalation_working_days)
    )
    return ClockTimes(due_at, reminders)


def paused_working_days(
    calendar: WorkingCalendar, paused_at: datetime, resumed_at: datetime
) -> int:
    """Working days a clock lost while waiting for the citizen: those in (pause day, resume day]."""
    return max(0, calendar.working_days_between(local_date(paused_at), local_date(resumed_at)))


def is_on_time(ended_at: datetime, due_at: datetime) -> bool:
    """DOMAIN.md §4: on time means no later than the due date (24:00 of the last day)."""
    return ended_at <= due_at
