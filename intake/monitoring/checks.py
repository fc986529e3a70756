"""Readiness: can this process serve requests that touch the database, on the schema its code
expects, with a worker keeping the deadlines? Each check reports facts, never personal data
and never an exception's text (a driver's message may name the database host or user)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from intake.extensions import db
from intake.monitoring.models import WorkerHeartbeat

log = logging.getLogger("intake.monitoring")


@dataclass
class Check:
    name: str
    ok: bool
    detail: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"ok": self.ok, **self.detail}


def readiness(now: datetime) -> list[Check]:
    """The three checks in order; when the database cannot be reached the other two say so
    instead of being attempted."""
    started = time.perf_counter()
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
            checks = [Check("database", True, {"ms": elapsed_ms})]
            checks.append(_migrations(connection))
            checks.append(_worker(connection, now))
            return checks
    except SQLAlchemyError as exc:
        log.warning("readiness: database unreachable (%s)", type(exc).__name__)
        unknown = {"error": "database unreachable"}
        return [
            Check("database", False, {"error": "unreachable"}),
            Check("migrations", False, dict(unknown)),
            Check("worker", False, dict(unknown)),
        ]


def script_heads() -> tuple[str, ...]:
    """The head revision(s) of the migrations shipped with this code, read once per app."""
    state = current_app.extensions["intake.monitoring"]
    if state.get("heads") is None:
        directory = current_app.extensions["migrate"].directory
        state["heads"] = tuple(sorted(ScriptDirectory(directory).get_heads()))
    return state["heads"]


def _migrations(connection) -> Check:
    """The database's alembic_version against the scripts' head. A database without the table
    was not built by the migrations (create_all in tests, or nobody ran `db upgrade`): it is
    reported as not migrated; READY_REQUIRE_MIGRATIONS=false reports it and stays ready."""
    heads = script_heads()
    required = current_app.config["READY_REQUIRE_MIGRATIONS"]
    try:
        current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    except SQLAlchemyError as exc:
        connection.rollback()
        log.warning("readiness: alembic_version unreadable (%s)", type(exc).__name__)
        return Check("migrations", not required, {"error": "alembic_version unreadable"})
    detail: dict = {"current": list(current), "head": list(heads)}
    if not current:
        detail["error"] = "not stamped: no alembic_version"
    elif current != heads:
        detail["error"] = "database not at head"
    if not required:
        detail["required"] = False
    return Check("migrations", current == heads or not required, detail)


def _worker(connection, now: datetime) -> Check:
    """Seen recently: some worker finished a round within READY_WORKER_MAX_AGE_SECONDS."""
    max_age = current_app.config["READY_WORKER_MAX_AGE_SECONDS"]
    required = current_app.config["READY_REQUIRE_WORKER"]
    detail: dict = {"max_age_seconds": max_age}
    if not required:
        detail["required"] = False
    try:
        last = connection.scalar(sa.select(sa.func.max(WorkerHeartbeat.finished_at)))
    except SQLAlchemyError as exc:
        connection.rollback()
        log.warning("readiness: worker_heartbeats unreadable (%s)", type(exc).__name__)
        return Check("worker", not required, {**detail, "error": "worker_heartbeats unreadable"})
    if last is None:
        return Check("worker", not required, {**detail, "error": "never seen"})
    age = max(0.0, (now - last).total_seconds())  # a worker's clock a little ahead is fine
    detail["last_seen_seconds_ago"] = round(age)
    fresh = age <= max_age
    if not fresh:
        detail["error"] = "not seen recently"
    return Check("worker", fresh or not required, detail)
