"""Items kept for further study (``deferred``, Art. 14.2b) are reviewed (DOMAIN §4): every
``DEFERRED_REVIEW_WORKING_DAYS`` working days since the deferral, the lead unit is reminded to
look at the item again. Once per period: the outbox's dedupe key names the period, so two
workers, or a worker that is restarted, never send the same review reminder twice."""

from __future__ import annotations

from datetime import datetime

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
