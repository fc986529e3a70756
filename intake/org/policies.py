"""Deadline lengths from the policy table: the field's own row, else the all-fields row, else
DOMAIN.md's default."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from intake.core.clocks import DEFAULT_SCHEDULE, ReminderSchedule
from intake.core.deadlines import Priority, Step, default_working_days
from intake.extensions import db
from intake.org.models import DeadlinePolicy


def working_days_for(step: Step, priority: Priority, field_id: int | None = None) -> int:
    return clock_policies((step,), priority, field_id)[step].working_days


def extension_limits(priority: Priority, field_id: int | None = None) -> tuple[int, int]:
    """(how many extensions, how many working days each) the handling policy allows."""
    rows = db.session.execute(
        sa.select(
            DeadlinePolicy.field_id,
            DeadlinePolicy.max_extensions,
            DeadlinePolicy.max_extension_working_days,
        ).where(
            DeadlinePolicy.step == Step.HANDLING,
            DeadlinePolicy.priority == priority,
            sa.or_(DeadlinePolicy.field_id.is_(None), DeadlinePolicy.field_id == field_id),
        )
    ).all()
    by_field = {row.field_id: (row.max_extensions, row.max_extension_working_days) for row in rows}
    if field_id is not None and field_id in by_field:
        return by_field[field_id]
    return by_field.get(None, (1, 10))


@dataclass(frozen=True)
class ClockPolicy:
    """How long a step's clock runs and when it reminds: what starting the clock needs."""

    working_days: int
    schedule: ReminderSchedule


def clock_policies(
    steps: tuple[Step, ...], priority: Priority, field_id: int | None = None
) -> dict[Step, ClockPolicy]:
    """The policy of each of ``steps``, read in one query.

    The length is the field's own row, else the all-fields row, else DOMAIN's default; the
    reminder schedule is the all-fields row's (fields share it), else the default. A submission
    starts two clocks: reading each figure on its own cost it four round trips."""
    rows = db.session.execute(
        sa.select(
            DeadlinePolicy.step,
            DeadlinePolicy.field_id,
            DeadlinePolicy.working_days,
            DeadlinePolicy.remind_half_percent,
            DeadlinePolicy.remind_late_percent,
            DeadlinePolicy.escalation_working_days,
        )
        .where(
            DeadlinePolicy.step.in_(steps),
            DeadlinePolicy.priority == priority,
            sa.or_(DeadlinePolicy.field_id.is_(None), DeadlinePolicy.field_id == field_id),
        )
        .order_by(DeadlinePolicy.id)
    ).all()
    policies: dict[Step, ClockPolicy] = {}
    for step in steps:
        own = [row for row in rows if row.step == step]
        general = next((row for row in own if row.field_id is None), None)
        specific = next((row for row in own if row.field_id is not None), None)
        length = specific or general
        schedule = (
            ReminderSchedule(
                general.remind_half_percent,
                general.remind_late_percent,
                general.escalation_working_days,
            )
            if general is not None
            else DEFAULT_SCHEDULE
        )
        policies[step] = ClockPolicy(
            length.working_days if length is not None else default_working_days(step, priority),
            schedule,
        )
    return policies
