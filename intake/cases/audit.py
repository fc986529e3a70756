"""Checking the hash chain of the event log: an edited, inserted or deleted event breaks it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from intake.cases.events import GENESIS_HASH, event_hash
from intake.cases.models import Case, CaseEvent
from intake.extensions import db


@dataclass(frozen=True)
class BrokenLink:
    reference_code: str
    seq: int
    problem: str


def verify_event_chains(batch_size: int = 1000) -> Iterator[BrokenLink]:
    """Yield the first broken link of every case whose chain does not verify.

    Events are streamed in (case, seq) order, so memory stays flat however long the log is."""
    query = (
        sa.select(CaseEvent, Case.reference_code)
        .join(Case, Case.id == CaseEvent.case_id)
        .order_by(CaseEvent.case_id, CaseEvent.seq)
        # populate_existing: compare what is stored now, not what this session loaded earlier.
        .execution_options(yield_per=batch_size, populate_existing=True)
    )
    current_case, expected_prev, expected_seq, broken = None, GENESIS_HASH, 1, False
    for event, code in db.session.execute(query):
        if event.case_id != current_case:
            current_case, expected_prev, expected_seq, broken = (
                event.case_id,
                GENESIS_HASH,
                1,
                False,
            )
        if broken:
            continue
        problem = None
        if event.seq != expected_seq:
            problem = f"expected event {expected_seq}, found {event.seq} (an event is missing)"
        elif event.prev_hash != expected_prev:
            problem = "does not follow the previous event (prev_hash differs)"
        elif event_hash(event) != event.hash:
            problem = "content does not match its hash (the event was edited)"
        if problem:
            broken = True
            yield BrokenLink(code, event.seq, problem)
        expected_prev, expected_seq = event.hash, event.seq + 1
