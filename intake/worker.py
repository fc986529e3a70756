"""The deadline worker's round (`flask intake tick`, and every minute in `flask intake worker`).

A composition of two packages that do not know each other: the reports' nightly backlog
snapshot and counters first (so that "open at 00:00" is read as soon after midnight as
possible), then the cases' reminders, digests, closing and flagging (``intake.cases.tick``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from intake.cases.tick import TickReport, run_case_tick
from intake.core.calendar import local_date
from intake.extensions import db
from intake.reports.recording import take_backlog_snapshot
from intake.reports.rollups import roll_up_entries


def run_tick(now: datetime, *, batch_size: int = 2000) -> TickReport:
    report = TickReport()
    report.snapshot = _take_backlog_snapshot(now)
    report.rolled_up = roll_up_entries()
    db.session.commit()
    return run_case_tick(now, report, batch_size=batch_size)


def _take_backlog_snapshot(now: datetime) -> bool:
    """Today's stock of open items, once: the reports read it for "open at 00:00 of …"."""
    try:
        taken = take_backlog_snapshot(local_date(now), now=now)  # False: taken already
        db.session.commit()
    except IntegrityError:  # another worker took it a moment ago
        db.session.rollback()
        return False
    return taken
