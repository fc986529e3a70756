"""Importing a batch of the national system: each item becomes an ordinary case through
``submit_case`` — routed, answered, reported and acknowledged like any other — once per
national code. A batch with problems writes nothing but the record of the attempt.

Like every operation it never commits: the door runs it through ``perform``, so the whole
batch is one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from intake.accounts.models import User
from intake.cases.events import Actor
from intake.cases.models import Case
from intake.cases.operations import submit_case
from intake.core.calendar import WorkingCalendar
from intake.exchange.batch import Batch
from intake.exchange.models import ExchangeRun, RunKind, RunOutcome
from intake.extensions import db

#: A lock number of our own, so that two imports at once take turns (PostgreSQL; SQLite
#: writes one transaction at a time anyway): the second then sees what the first created.
_IMPORT_LOCK = 0x50414B4E  # "PAKN"


@dataclass
class ImportResult:
    run: ExchangeRun
    problems: list[str] = field(default_factory=list)
    imported: list[tuple[str, str]] = field(default_factory=list)  # (national code, our code)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (national code, our code)

    @property
    def ok(self) -> bool:
        return not self.problems


def import_batch(
    batch: Batch,
    *,
    actor: Actor,
    now: datetime,
    calendar: WorkingCalendar | None = None,
) -> ImportResult:
    """Create a case for each item whose national code is new; skip the others. A batch
    that ``read_batch`` found problems in is only recorded, as refused."""
    run = ExchangeRun(
        kind=RunKind.IMPORT,
        started_at=now,
        outcome=RunOutcome.INVALID if batch.problems else RunOutcome.DONE,
        file_name=batch.name,
        items=batch.count,
        problems=len(batch.problems),
        **actor_columns(actor),
    )
    result = ImportResult(run, problems=list(batch.problems))
    if batch.problems:
        run.details = {"problems": batch.problems[:20]}
        db.session.add(run)
        db.session.flush()
        return result
    _take_turns()
    known = _known_codes([item.national_code for item in batch.items])
    for item in batch.items:
        if item.national_code in known:
            result.skipped.append((item.national_code, known[item.national_code]))
            continue
        submitted = submit_case(
            item.submission,
            actor=actor,
            now=now,
            calendar=calendar,
        )
        result.imported.append((item.national_code, submitted.case.reference_code))
    run.imported = len(result.imported)
    run.skipped = len(result.skipped)
    run.details = {
        "imported": dict(result.imported),
        "source_channels": {i.national_code: i.source_channel for i in batch.items
                            if i.source_channel},
    }  # fmt: skip
    db.session.add(run)
    db.session.flush()
    return result


def actor_columns(actor: Actor) -> dict:
    if isinstance(actor, User):
        return {"actor_id": actor.id, "actor_label": ""}
    return {"actor_id": None, "actor_label": str(actor)[:40]}


def _known_codes(codes: list[str]) -> dict[str, str]:
    """National code → our reference code, for the codes already in the register (imported
    before, or typed by an officer who recorded the item by hand)."""
    known: dict[str, str] = {}
    for start in range(0, len(codes), 500):  # well under every database's parameter limit
        rows = db.session.execute(
            sa.select(Case.national_code, Case.reference_code)
            .where(Case.national_code.in_(codes[start : start + 500]))
            .order_by(Case.id)
        )
        for national_code, reference_code in rows:
            known.setdefault(national_code, reference_code)
    return known


def _take_turns() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(_IMPORT_LOCK)))
