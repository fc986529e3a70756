"""Items kept for further study (``deferred``, Art. 14.2b) are reviewed (DOMAIN §4): every
``DEFERRED_REVIEW_WORKING_DAYS`` working days since the deferral, the lead unit is reminded to
look at the item again. Once per period: the outbox's dedupe key names the period, so two
workers, or a worker that is restarted, never send the same review reminder twice."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from intake.cases.models import Case, CaseEvent
from intake.core.calendar import WorkingCalendar, local_date
from intake.core.states import EventKind, State
from intake.extensions import db
from intake.notifications.models import OutboxMessage
from intake.notifications.outbox import queue_email
from intake.org.models import Unit


def deferred_since() -> sa.Select:
    """(case, the instant of its newest deferral) for every item kept for study."""
    return (
        sa.select(Case, sa.func.max(CaseEvent.at).label("since"))
        .join(CaseEvent, CaseEvent.case_id == Case.id)
        .where(Case.state == State.DEFERRED, CaseEvent.kind == str(EventKind.DEFER))
        .group_by(Case.id)
        .order_by(Case.id)
    )


def remind_deferred(now: datetime, calendar: WorkingCalendar) -> int:
    """Queue the review reminders that are due; returns how many. Does not commit."""
    period = int(current_app.config["DEFERRED_REVIEW_WORKING_DAYS"])
    queued = 0
    for case, since in db.session.execute(deferred_since()).all():
        elapsed = calendar.working_days_between(local_date(since), local_date(now))
        reviews_due = elapsed // period
        unit = db.session.get(Unit, case.lead_unit_id) if case.lead_unit_id else None
        if reviews_due < 1 or unit is None or not unit.email:
            continue
        key = f"deferred-review:{case.id}:{since.isoformat()}:{reviews_due}"
        if db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
            continue
        queue_email(
            "unit_deferred_review",
            recipient=unit.email,
            language="vi",
            now=now,
            context={"case": case, "unit": unit, "working_days": elapsed},
            case_id=case.id,
            dedupe_key=key,
        )
        queued += 1
    return queued


@dataclass(frozen=True)
class DeferredItem:
    """One item kept for study, as a supervisor sees it now (DOMAIN §4)."""

    case: Case
    since: datetime  # the newest deferral
    working_days: int  # deferred for, up to today
    next_review: date  # the day the unit is next reminded to look again


@dataclass(frozen=True)
class DeferredUnit:
    unit_id: int | None
    count: int
    mean_working_days: float
    longest_working_days: int


def deferred_now(
    now: datetime, calendar: WorkingCalendar, statement: sa.Select | None = None
) -> list[DeferredItem]:
    """Every item deferred now, the longest deferred first. ``statement`` is
    :func:`deferred_since` narrowed by the caller (a unit, a field); figures of "now", not of
    a period: they change every day."""
    period = int(current_app.config["DEFERRED_REVIEW_WORKING_DAYS"])
    today = local_date(now)
    items = []
    for case, since in db.session.execute(statement if statement is not None else deferred_since()):
        start = local_date(since)
        elapsed = max(0, calendar.working_days_between(start, today))
        next_review = calendar.add_working_days(start, (elapsed // period + 1) * period)
        items.append(DeferredItem(case, since, elapsed, next_review))
    items.sort(key=lambda i: (-i.working_days, i.case.id))
    return items


def deferred_by_unit(items: list[DeferredItem]) -> list[DeferredUnit]:
    """Per lead unit: how many items are deferred now and for how long on average."""
    days: dict[int | None, list[int]] = defaultdict(list)
    for item in items:
        days[item.case.lead_unit_id].append(item.working_days)
    rows = [
        DeferredUnit(unit_id, len(values), sum(values) / len(values), max(values))
        for unit_id, values in days.items()
    ]
    rows.sort(key=lambda r: (-r.count, -r.mean_working_days, r.unit_id or 0))
    return rows
