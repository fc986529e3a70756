"""Appending to a case's history, with the hash chain that makes tampering visible."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from intake.accounts.models import User
from intake.cases.anchors import move_anchor
from intake.cases.models import Case, CaseEvent
from intake.core.states import EventKind, State
from intake.extensions import db
from intake.org.models import Unit

GENESIS_HASH = "0" * 64

#: One line per recorded event — and every verb records exactly one — so the log shows what
#: each operation did. Key=value, no personal data: ids, kinds and states only.
log = logging.getLogger("intake.cases")

Actor = User | str  # a signed-in officer, or "citizen" / "system"


def record_event(
    case: Case,
    kind: EventKind,
    *,
    actor: Actor,
    now: datetime,
    from_state: State | None = None,
    to_state: State | None = None,
    unit: Unit | None = None,
    reason_code: str | None = None,
    note: str | None = None,
    details: dict[str, Any] | None = None,
    is_public: bool = False,
    opens_history: bool = False,
) -> CaseEvent:
    """Append one event to ``case`` (which must be flushed) and chain it to the previous one.

    The case row is locked first (on PostgreSQL; SQLite writes one at a time anyway), so that
    two requests adding events to the same case at once take turns instead of both choosing
    the same sequence number. ``opens_history`` is the first event of a case inserted in this
    transaction: no other transaction can see the row yet, and there is nothing to chain to,
    so the lock and the two look-ups are skipped."""
    previous = None
    if not opens_history:
        db.session.execute(sa.select(Case.id).where(Case.id == case.id).with_for_update())
        previous = db.session.execute(
            sa.select(CaseEvent.seq, CaseEvent.hash)
            .where(CaseEvent.case_id == case.id)
            .order_by(CaseEvent.seq.desc())
            .limit(1)
        ).first()
    seq, prev_hash = (previous.seq + 1, previous.hash) if previous else (1, GENESIS_HASH)
    event = CaseEvent(
        case_id=case.id,
        seq=seq,
        kind=str(EventKind(kind)),  # an unknown kind fails here, not in a report later
        at=now,
        actor_id=actor.id if isinstance(actor, User) else None,
        actor_label="" if isinstance(actor, User) else actor,
        from_state=from_state,
        to_state=to_state,
        unit_id=unit.id if unit is not None else None,
        reason_code=reason_code,
        note=note,
        details=details or {},
        is_public=is_public,
        prev_hash=prev_hash,
    )
    event.hash = event_hash(event)
    db.session.add(event)
    move_anchor(case.id, seq, event.hash, first=opens_history)
    log.info(
        "case_event kind=%s case_id=%s seq=%s actor=%s from=%s to=%s unit_id=%s reason=%s",
        event.kind, case.id, seq, event.actor_id or event.actor_label, from_state or "-",
        to_state or "-", event.unit_id or "-", reason_code or "-",
    )  # fmt: skip
    return event


def event_payload(event: CaseEvent) -> dict[str, Any]:
    """Everything the event says, in plain values: what its hash covers."""
    return {
        "case_id": event.case_id,
        "seq": event.seq,
        "kind": event.kind,
        "at": event.at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "from_state": str(event.from_state) if event.from_state else None,
        "to_state": str(event.to_state) if event.to_state else None,
        "unit_id": event.unit_id,
        "reason_code": event.reason_code,
        "note": event.note,
        "details": event.details or {},
        "is_public": bool(event.is_public),
        "prev_hash": event.prev_hash,
    }


def canonical_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(event: CaseEvent) -> str:
    """SHA-256 over a canonical JSON of everything the event says, plus the previous hash."""
    return hashlib.sha256(canonical_json(event_payload(event)).encode()).hexdigest()
