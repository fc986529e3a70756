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
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from intake import clock
from intake.cases.anchors import AuditCheckpoint, take_checkpoint
from intake.cases.tick import TickReport, run_case_tick
from intake.core.calendar import local_date
from intake.extensions import db
from intake.monitoring.models import record_heartbeat
from intake.reports.recording import take_backlog_snapshot
from intake.reports.rollups import roll_up_entries
from intake.retention import anonymise_due

log = logging.getLogger("intake.worker")


def run_tick(now: datetime, *, batch_size: int = 2000) -> TickReport:
    started_at, started = clock.now(), time.monotonic()
    report = TickReport()
    report.snapshot = _take_backlog_snapshot(now)
    report.rolled_up = roll_up_entries()
    db.session.commit()
    report = run_case_tick(now, report, batch_size=batch_size)
    _keep_the_audit_trail(now, report)
    _record_heartbeat(started_at, time.monotonic() - started)
    return report


#: How often the worker seals a checkpoint of the event log (intake.cases.anchors).
CHECKPOINT_EVERY = timedelta(hours=1)


def _keep_the_audit_trail(now: datetime, report: TickReport) -> None:
    """Retention (a batch of items past the period, anonymised) and the hourly checkpoint of
    the event log, in one transaction after the cases' round."""
    try:
        report.anonymised = len(anonymise_due(now).anonymised)
        last = db.session.scalar(sa.select(sa.func.max(AuditCheckpoint.taken_at)))
        checkpoint = None
        if last is None or now - last >= CHECKPOINT_EVERY:
            checkpoint = take_checkpoint(now)
            db.session.flush()
        db.session.commit()
    except IntegrityError:  # another worker sealed the checkpoint a moment ago: next round
        db.session.rollback()
        report.anonymised = 0
        return
    if checkpoint is not None:
        report.checkpoint = True
        # Also outside the database: a copy of the seal in the log lets an operator tell that
        # the newest checkpoints themselves were not removed.
        log.info(
            "audit_checkpoint id=%s max_event_id=%s events=%s mac=%s",
            checkpoint.id, checkpoint.max_event_id, checkpoint.event_count, checkpoint.mac,
        )  # fmt: skip


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
