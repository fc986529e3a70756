"""The deadline worker's round (`flask intake tick`, and every minute in `flask intake worker`).

A composition of two packages that do not know each other: the reports' nightly backlog
snapshot and counters first (so that "open at 00:00" is read as soon after midnight as
possible), then the cases' reminders, digests, closing and flagging (``intake.cases.tick``).
Last, the round's heartbeat, which readiness and the metrics read.
"""

from __future__ import annotations

import logging
import socket
import time
from datetime import datetime

from flask import current_app
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from intake import clock
from intake.cases.tick import TickReport, run_case_tick
from intake.core.calendar import local_date
from intake.extensions import db
from intake.monitoring.models import record_heartbeat
from intake.reports.recording import take_backlog_snapshot
from intake.reports.rollups import roll_up_entries

log = logging.getLogger("intake.worker")


def run_tick(now: datetime, *, batch_size: int = 2000) -> TickReport:
    started_at, started = clock.now(), time.monotonic()
    report = TickReport()
    report.snapshot = _take_backlog_snapshot(now)
    report.rolled_up = roll_up_entries()
    db.session.commit()
    report = run_case_tick(now, report, batch_size=batch_size)
    _record_heartbeat(started_at, time.monotonic() - started)
    return report


def _take_backlog_snapshot(now: datetime) -> bool:
    """Today's stock of open items, once: the reports read it for "open at 00:00 of …"."""
    try:
        taken = take_backlog_snapshot(local_date(now), now=now)  # False: taken already
        db.session.commit()
    except IntegrityError:  # another worker took it a moment ago
        db.session.rollback()
        return False
    return taken


def _record_heartbeat(started_at: datetime, seconds: float) -> None:
    """Only after a round that ran to its end, in a transaction of its own: a round that fails
    leaves the last good heartbeat to age, which readiness notices. The round's work is
    committed already, so a heartbeat that cannot be written (the table not migrated yet) is
    logged rather than raised. Wall-clock times (the one clock), whatever ``now`` the round
    was asked to act at."""
    worker = current_app.config.get("WORKER_NAME") or socket.gethostname()
    try:
        record_heartbeat(
            worker, started_at=started_at, finished_at=clock.now(), duration_seconds=seconds
        )
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.warning("worker heartbeat not recorded (%s)", type(exc).__name__)
