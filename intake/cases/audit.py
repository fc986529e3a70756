"""Checking the event log: an edited, inserted or deleted event breaks it — the newest ones and
whole cases included, through the anchors and checkpoints of ``intake.cases.anchors``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from intake.cases.anchors import (
    AuditCheckpoint,
    CaseAnchor,
    EventErasure,
    anchor_is_genuine,
    erasure_is_genuine,
)
from intake.cases.events import GENESIS_HASH, event_hash
from intake.cases.models import Case, CaseEvent
from intake.extensions import db


@dataclass(frozen=True)
class BrokenLink:
    reference_code: str
    seq: int
    problem: str


def verify_event_chains(
    batch_size: int = 1000, *, require_anchor: bool = True
) -> Iterator[BrokenLink]:
    """Yield the first broken link of every case whose chain does not verify, then what the
    checkpoints of the whole log find missing.

    Events are streamed in (case, seq) order, so memory stays flat however long the log is."""
    query = (
        sa.select(Case.id, Case.reference_code, CaseEvent, EventErasure, CaseAnchor)
        .select_from(Case)
        .outerjoin(CaseEvent, CaseEvent.case_id == Case.id)
        .outerjoin(EventErasure, EventErasure.event_id == CaseEvent.id)
        .outerjoin(CaseAnchor, CaseAnchor.case_id == Case.id)
        .order_by(Case.id, CaseEvent.seq)
        # populate_existing: compare what is stored now, not what this session loaded earlier.
        .execution_options(yield_per=batch_size, populate_existing=True)
    )
    chain = _Chain(None, "", None, require_anchor)
    for case_id, code, event, seal, anchor in db.session.execute(query):
        if case_id != chain.case_id:
            yield from chain.end()
            chain = _Chain(case_id, code, anchor, require_anchor)
        if event is not None:
            yield from chain.follow(event, seal)
    yield from chain.end()
    yield from _verify_checkpoints()


class _Chain:
    """One case's chain as it is read, event by event."""

    def __init__(self, case_id, code, anchor, require_anchor):
        self.case_id, self.code, self.anchor = case_id, code, anchor
        self.require_anchor = require_anchor
        self.expected_prev, self.expected_seq, self.broken = GENESIS_HASH, 1, False

    def follow(self, event, seal) -> Iterator[BrokenLink]:
        if self.broken:
            return
        problem = None
        if event.seq != self.expected_seq:
            problem = f"expected event {self.expected_seq}, found {event.seq} (an event is missing)"
        elif event.prev_hash != self.expected_prev:
            problem = "does not follow the previous event (prev_hash differs)"
        elif seal is not None:
            if not erasure_is_genuine(event, seal):
                problem = "what is left of an erased event does not match its seal"
        elif event_hash(event) != event.hash:
            problem = "content does not match its hash (the event was edited)"
        if problem:
            self.broken = True
            yield BrokenLink(self.code, event.seq, problem)
        self.expected_prev, self.expected_seq = event.hash, event.seq + 1

    def end(self) -> Iterator[BrokenLink]:
        """At the end of the chain: it must stop where the case's anchor says it does."""
        if self.case_id is None or self.broken:
            return
        last_seq = self.expected_seq - 1
        if self.anchor is None:
            if last_seq and self.require_anchor:
                yield BrokenLink(self.code, last_seq, "the chain has no anchor (it was removed)")
        elif not anchor_is_genuine(self.anchor):
            yield BrokenLink(self.code, last_seq, "the anchor is not genuine (it was altered)")
        elif (self.anchor.seq, self.anchor.hash) != (last_seq, self.expected_prev):
            yield BrokenLink(
                self.code,
                last_seq,
                f"the chain ends at event {last_seq} but its anchor names event "
                f"{self.anchor.seq} (the newest events were removed or replaced)",
            )


def _verify_checkpoints() -> Iterator[BrokenLink]:
    """Every checkpoint genuine and chained; the newest one's events all still there."""
    previous_mac, newest = "", None
    for checkpoint in db.session.scalars(
        sa.select(AuditCheckpoint)
        .order_by(AuditCheckpoint.id)
        .execution_options(populate_existing=True)
    ):
        if checkpoint.prev_mac != previous_mac or checkpoint.mac != checkpoint.expected_mac():
            yield BrokenLink("(log)", checkpoint.id, "a checkpoint was altered or removed")
            return
        previous_mac, newest = checkpoint.mac, checkpoint
    if newest is None:
        return
    count = db.session.scalar(sa.select(sa.func.count()).where(CaseEvent.id <= newest.max_event_id))
    if count != newest.event_count:
        yield BrokenLink(
            "(log)",
            newest.id,
            f"the checkpoint of {newest.taken_at:%Y-%m-%d %H:%M} counted {newest.event_count} "
            f"events, {count} are left (events or whole cases were removed)",
        )


def anchor_unanchored_chains() -> int:
    """Anchor every chain that verifies and has no anchor yet (written before anchors existed).
    A broken chain is left unanchored, for ``verify_event_chains`` to report. Does not commit."""
    from intake.cases.anchors import move_anchor

    unanchored = sa.select(Case.id).where(~Case.id.in_(sa.select(CaseAnchor.case_id)))
    broken_codes = {link.reference_code for link in verify_event_chains(require_anchor=False)}
    anchored = 0
    for case_id, code in db.session.execute(
        sa.select(Case.id, Case.reference_code).where(Case.id.in_(unanchored))
    ):
        if code in broken_codes:
            continue
        last = db.session.execute(
            sa.select(CaseEvent.seq, CaseEvent.hash)
            .where(CaseEvent.case_id == case_id)
            .order_by(CaseEvent.seq.desc())
            .limit(1)
        ).first()
        if last is not None:
            move_anchor(case_id, last.seq, last.hash)
            anchored += 1
    return anchored
