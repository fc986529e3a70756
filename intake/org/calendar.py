"""The working calendar in force: the `holidays` package plus the administrator's overrides."""

from __future__ import annotations

import sqlalchemy as sa

from intake.core.calendar import WorkingCalendar
from intake.extensions import db
from intake.org.models import CalendarOverride


def load_working_calendar() -> WorkingCalendar:
    rows = db.session.execute(sa.select(CalendarOverride.day, CalendarOverride.is_working_day))
    return WorkingCalendar({day: is_working for day, is_working in rows})
