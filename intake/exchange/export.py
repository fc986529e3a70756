"""What goes back to the national system, format ``pakn-national-export/1`` (README): for the
items that carry a national code, each change of status and each published answer after a
given time, oldest first.

Only what the national system needs to show the citizen where their item stands: the codes, the
status in a small vocabulary of its own, the time, the unit, and the answer's public text. No
personal data, no internal notes, no names of officers.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from intake.cases.events import Actor
from intake.cases.models import Case, CaseEvent
from intake.core.calendar import LOCAL_TZ
from intake.core.states import EventKind, State
from intake.exchange.importing import actor_columns
from intake.exchange.models import ExchangeRun, RunKind, RunOutcome
from intake.extensions import db

FORMAT = "pakn-national-export/1"

#: Our states → the vocabulary of the export. Several of ours are one step for the citizen.
STATUS = {
    State.RECEIVED: "received",
    State.NEEDS_INFO: "waiting_for_citizen",
    State.ASSIGNED: "in_progress",
    State.IN_PROGRESS: "in_progress",
    State.ANSWER_REVIEW: "in_progress",
    State.DEFERRED: "kept_for_study",
    State.ANSWERED: "answered",
    State.CLOSED: "closed",
    State.REJECTED: "rejected",
    State.TRANSFERRED_OUT: "transferred",
    State.WITHDRAWN: "withdrawn",
}


def export_since(
    since: datetime, *, actor: Actor, now: datetime, file_name: str = ""
) -> dict[str, Any]:
    """The export document of the events after ``since`` up to ``now``, and its record.

    ``until`` in the document is the ``since`` of the next export: run back to back, exports
    carry every event exactly once."""
    events = []
    for event in db.session.scalars(events_between(since, now)):
        entry = _entry(event)
        if entry is not None:
            events.append(entry)
    db.session.add(
        ExchangeRun(
            kind=RunKind.EXPORT,
            started_at=now,
            outcome=RunOutcome.DONE,
            file_name=file_name[:255],
            items=len(events),
            since=since,
            until=now,
            **actor_columns(actor),
        )
    )
    db.session.flush()
    return {
        "format": FORMAT,
        "generated_at": local_iso(now),
        "since": local_iso(since),
        "until": local_iso(now),
        "events": events,
    }


def events_between(since: datetime, until: datetime) -> sa.Select:
    """The events that may change what the national system shows, of items it knows."""
    return (
        sa.select(CaseEvent)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(
            Case.national_code.is_not(None),
            CaseEvent.at > since,
            CaseEvent.at <= until,
            sa.or_(CaseEvent.to_state.is_not(None), CaseEvent.kind == EventKind.PUBLISH_ANSWER),
        )
        .options(joinedload(CaseEvent.case), joinedload(CaseEvent.unit))
        .order_by(CaseEvent.at, CaseEvent.case_id, CaseEvent.seq)
    )


def _entry(event: CaseEvent) -> dict[str, Any] | None:
    case = event.case
    status = STATUS.get(event.to_state) if event.to_state else None
    is_answer = event.kind == EventKind.PUBLISH_ANSWER
    # A move between two of our states that are one status for the citizen is no change.
    if not is_answer and (status is None or STATUS.get(event.from_state) == status):
        return None
    entry: dict[str, Any] = {
        "national_code": case.national_code,
        "reference_code": case.reference_code,
        "at": local_iso(event.at),
        "status": status or STATUS[case.state],
        "unit": {"code": event.unit.code, "name": event.unit.name} if event.unit else None,
    }
    if is_answer:
        entry["answer"] = {
            "published_at": local_iso(case.published_at or event.at),
            "text": case.published_answer or "",
        }
    return entry


def local_iso(moment: datetime) -> str:
    """ISO 8601 in the province's time, with its offset (+07:00), to the second."""
    return moment.astimezone(LOCAL_TZ).replace(microsecond=0).isoformat()


def dumps(document: dict[str, Any]) -> bytes:
    """The file's bytes: UTF-8, Vietnamese kept readable, keys in a fixed order."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
