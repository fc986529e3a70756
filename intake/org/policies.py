"""Deadline lengths from the policy table: the field's own row, else the all-fields row, else
DOMAIN.md's default."""

from __future__ import annotations

import sqlalchemy as sa

from intake.core.clocks import DEFAULT_SCHEDULE, ReminderSchedule
from intake.core.deadlines import Priority, Step, default_working_days
from intake.extensions import db
from intake.org.models import DeadlinePolicy


def working_days_for(step: Step, priority: Priority, field_id: int | None = None) -> int:
    rows = db.session.execute(
        sa.select(DeadlinePolicy.field_id, DeadlinePolicy.working_days).where(
            DeadlinePolicy.step == step,
            DeadlinePolicy.priority == priority,
            sa.or_(DeadlinePolicy.field_id.is_(None), DeadlinePolicy.field_id == field_id),
        )
    ).all()
    by_field = {row.field_id: row.working_days for row in rows}
    if field_id is not None and field_id in by_field:
        return by_field[field_id]
    if None in by_field:
        return by_field[None]
    return default_working_days(step, priority)


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


def reminder_schedule_for(step: Step, priority: Priority) -> ReminderSchedule:
    """The reminder schedule of the step's province-wide policy (fields share it)."""
    row = db.session.execute(
        sa.select(
            DeadlinePolicy.remind_half_percent,
            DeadlinePolicy.remind_late_percent,
            DeadlinePolicy.escalation_working_days,
        )
        .where(
            DeadlinePolicy.step == step,
            DeadlinePolicy.priority == priority,
            DeadlinePolicy.field_id.is_(None),
        )
        .order_by(DeadlinePolicy.id)
        .limit(1)
    ).first()
    return ReminderSchedule(*row) if row is not None else DEFAULT_SCHEDULE
