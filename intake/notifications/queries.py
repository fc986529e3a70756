"""Figures about what the outbox delivered, for the supervisors' pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa

from intake.core.calendar import LOCAL_TZ
from intake.extensions import db
from intake.notifications.models import OutboxChannel, OutboxMessage, OutboxStatus


@dataclass(frozen=True)
class SmsMonth:
    month: date  # the first day of the month, in Viet Nam's time
    messages: int
    segments: int  # what the gateway charges for


def _month_start(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def sms_sent_per_month(now: datetime, months: int = 6) -> list[SmsMonth]:
    """SMS sent in each of the last ``months`` months (this one first), counted in one query."""
    today = now.astimezone(LOCAL_TZ).date()
    starts = [_month_start(today, back) for back in range(months)]
    bounds = [datetime.combine(d, time(0), tzinfo=LOCAL_TZ) for d in [*starts]]
    ends = [datetime.combine(_month_start(today, -1), time(0), tzinfo=LOCAL_TZ), *bounds[:-1]]
    columns = []
    for start, end in zip(bounds, ends, strict=True):
        within = sa.and_(OutboxMessage.sent_at >= start, OutboxMessage.sent_at < end)
        columns += [
            sa.func.count(sa.case((within, 1))),
            sa.func.coalesce(sa.func.sum(sa.case((within, OutboxMessage.segments))), 0),
        ]
    row = db.session.execute(
        sa.select(*columns).where(
            OutboxMessage.channel == OutboxChannel.SMS,
            OutboxMessage.status == OutboxStatus.SENT,
            OutboxMessage.sent_at >= bounds[-1],
        )
    ).one()
    return [SmsMonth(start, int(row[2 * i]), int(row[2 * i + 1])) for i, start in enumerate(starts)]
