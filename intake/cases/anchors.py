"""What keeps the event log honest at its ends: the anchor of each case's chain, the
checkpoints of the whole log, and the seal of an event whose personal data was erased.

The hash chain alone shows an edited or removed event in the middle of a case's history, but
not the removal of the newest events (what is left is a shorter, valid chain), nor of a whole
case with its events. So every appended event also moves its case's **anchor** — the sequence
number and hash of the newest event, under an HMAC keyed by the secret key — and the worker
writes **checkpoints** (how many events there were up to which id), each sealed and chained to
the one before. Someone who can write to the database but does not hold the key can delete
rows, but cannot make the anchors and checkpoints agree with what is left.

Retention erases the personal data of old events (their notes); the hash then cannot be
recomputed, so the erasure **seals** what remains of the event, with the hash it had, under
the same key: the chain stays verifiable, the erased text is gone.

Rotating ``SECRET_KEY`` invalidates anchors, checkpoints and seals as it invalidates the
access keys: ``flask intake audit-verify`` then reports every case.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from intake.extensions import db
from intake.sqltypes import UTCDateTime

_LABEL = b"intake.audit-anchor.v1"


def _mac(*parts: object) -> str:
    """HMAC-SHA256 under a key derived from the secret key for this purpose only."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    key = hmac.new(secret, _LABEL, hashlib.sha256).digest()
    message = "\x1f".join("" if p is None else str(p) for p in parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def macs_match(stored: str | None, *parts: object) -> bool:
    return stored is not None and hmac.compare_digest(stored, _mac(*parts))


class CaseAnchor(db.Model):
    """The newest event of one case's chain; written in the transaction that appends it."""

    __tablename__ = "case_event_anchors"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(sa.String(64))
    mac: Mapped[str] = mapped_column(sa.String(64))


def anchor_values(case_id: int, seq: int, event_hash: str) -> dict:
    """The anchor row of a chain whose newest event is (``seq``, ``event_hash``)."""
    return {
        "case_id": case_id,
        "seq": seq,
        "hash": event_hash,
        "mac": _mac("anchor", case_id, seq, event_hash),
    }


def move_anchor(case_id: int, seq: int, event_hash: str, *, first: bool = False) -> None:
    """Point ``case_id``'s anchor at its new newest event. The caller holds the case's lock;
    ``first`` is a new case's first event, whose anchor cannot exist yet."""
    values = anchor_values(case_id, seq, event_hash)
    anchor = None if first else db.session.get(CaseAnchor, case_id)
    if anchor is None:
        db.session.add(CaseAnchor(**values))
    else:
        anchor.seq, anchor.hash, anchor.mac = values["seq"], values["hash"], values["mac"]


def anchor_is_genuine(anchor: CaseAnchor) -> bool:
    return macs_match(anchor.mac, "anchor", anchor.case_id, anchor.seq, anchor.hash)


class AuditCheckpoint(db.Model):
    """How many events the log held up to ``max_event_id`` at ``taken_at``, sealed and chained
    to the previous checkpoint: removing a whole case with its events and its anchor still
    leaves fewer events below that id than the checkpoint counted."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    max_event_id: Mapped[int]
    event_count: Mapped[int]
    case_count: Mapped[int]
    # Unique: two workers sealing a checkpoint at once cannot fork the chain; the second one's
    # insert fails and it tries again at its next round.
    prev_mac: Mapped[str] = mapped_column(sa.String(64), unique=True)
    mac: Mapped[str] = mapped_column(sa.String(64))

    def expected_mac(self) -> str:
        return _mac(
            "checkpoint",
            self.taken_at.isoformat(timespec="microseconds"),
            self.max_event_id,
            self.event_count,
            self.case_count,
            self.prev_mac,
        )


def take_checkpoint(now: datetime) -> AuditCheckpoint | None:
    """A new checkpoint when events were added since the last one; ``None`` otherwise.
    Does not commit."""
    from intake.cases.models import CaseEvent

    last = db.session.scalar(sa.select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()))
    max_id = db.session.scalar(sa.select(sa.func.max(CaseEvent.id))) or 0
    if max_id == 0 or (last is not None and last.max_event_id == max_id):
        return None
    counts = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(sa.distinct(CaseEvent.case_id))).where(
            CaseEvent.id <= max_id
        )
    ).one()
    checkpoint = AuditCheckpoint(
        taken_at=now,
        max_event_id=max_id,
        event_count=counts[0],
        case_count=counts[1],
        prev_mac=last.mac if last is not None else "",
    )
    checkpoint.mac = checkpoint.expected_mac()
    db.session.add(checkpoint)
    return checkpoint


class EventErasure(db.Model):
    """The seal of an event whose note was erased by retention: the event's hash from before
    the erasure and what is left of it, under the key. ``audit-verify`` checks the seal in
    place of the hash for such an event; the link to the previous and next event is checked
    as for any other."""

    __tablename__ = "case_event_erasures"

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("case_events.id"), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mac: Mapped[str] = mapped_column(sa.String(64))


def _remaining(event) -> str:
    """What an erased event still says, canonically: all it said but its note, and its hash."""
    # Imported here: appending an event (intake.cases.events) moves the anchor defined above.
    from intake.cases.events import canonical_json, event_payload

    payload = event_payload(event)
    del payload["note"]
    return canonical_json({**payload, "hash": event.hash})


def seal_erasure(event, now: datetime) -> EventErasure:
    """Seal ``event`` as it is about to lose its note (its hash verified by the caller)."""
    seal = EventErasure(event_id=event.id, erased_at=now, mac=_mac("erasure", _remaining(event)))
    db.session.add(seal)
    return seal


def erasure_is_genuine(event, seal: EventErasure) -> bool:
    return macs_match(seal.mac, "erasure", _remaining(event))
