"""The working calendar in force: the `holidays` package plus the administrator's overrides."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from intake.core.calendar import WorkingCalendar
from intake.core.text import nfc
from intake.extensions import db
from intake.org.models import CalendarOverride


def load_working_calendar() -> WorkingCalendar:
    rows = db.session.execute(sa.select(CalendarOverride.day, CalendarOverride.is_working_day))
    return WorkingCalendar({day: is_working for day, is_working in rows})


def set_override(day: date, *, is_working_day: bool, reason: str, now: datetime) -> None:
    """Record a provincial decision about one day (a day off, or a working Saturday)."""
    override = db.session.scalar(sa.select(CalendarOverride).where(CalendarOverride.day == day))
    if override is None:
        override = CalendarOverride(day=day, created_at=now)
        db.session.add(override)
    override.is_working_day = is_working_day
    override.reason = nfc(reason)
    db.session.flush()


def remove_override(day: date) -> bool:
    override = db.session.scalar(sa.select(CalendarOverride).where(CalendarOverride.day == day))
    if override is None:
        return False
    db.session.delete(override)
    db.session.flush()
    return True
