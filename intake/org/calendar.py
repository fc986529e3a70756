"""The working calendar in force: the `holidays` package plus the administrator's overrides."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from intake.core.calendar import WorkingCalendar
from intake.core.text import nfc
from intake.extensions import db
from intake.org.models import CalendarOverride

#: The last calendar built in this process and the overrides it was built from. Building one
#: (the ``holidays`` package's tables) and its answers per day cost far more than reading the
#: few override rows, so the rows are read every time, and the calendar is built anew only when
#: they differ: an administrator's edit shows at once, in every process, with no cache to drop.
_built: tuple[frozenset, WorkingCalendar] | None = None


def load_working_calendar() -> WorkingCalendar:
    global _built
    rows = db.session.execute(
        sa.select(CalendarOverride.day, CalendarOverride.is_working_day)
    ).all()
    overrides = frozenset((day, bool(is_working)) for day, is_working in rows)
    built = _built
    if built is None or built[0] != overrides:
        built = _built = (overrides, WorkingCalendar(dict(overrides)))
    return built[1]


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
