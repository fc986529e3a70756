"""The dashboard's other questions: trends by month, where items are overdue now.

Trends read the report entries (stable, like the reports); "overdue now" reads the live items,
because a supervisor acts on today's list, not on last night's snapshot.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from intake.cases.models import Case
from intake.core.periods import Period
from intake.core.states import State
from intake.extensions import db
from intake.reports.figures import CASE_COLUMNS, ENTRY_COLUMNS, Filters
from intake.reports.models import NO_FIELD, Measure, ReportEntry
from intake.reports.recording import overdue_condition, unit_group_key
from intake.reports.rollups import counted


def month_start(day: date) -> date:
    return day.replace(day=1)


def trend_end(period: Period, today: date) -> date:
    """The last day the monthly trend shows: today while the period runs (this month so far);
    else the end of the last whole month of the period, so that a period ending on the 14th
    does not end its trend with half a month that looks like a drop."""
    if period.last_day >= today:
        return today
    following = period.last_day + timedelta(days=1)
    return period.last_day if following.day == 1 else following.replace(day=1) - timedelta(days=1)


def months_back(last_day: date, count: int) -> list[date]:
    """The first days of the ``count`` calendar months ending with ``last_day``'s month."""
    year, month = last_day.year, last_day.month
    months = []
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def monthly_flow(months: list[date], last_day: date, filters: Filters) -> dict[date, Counter]:
    """Per month: received, routed, answered, answered on time (calendar months)."""
    result = {m: Counter() for m in months}
    for day, measure, on_time, n in _flow_rows(Period(months[0], last_day), filters):
        counter = result.get(month_start(day))
        if counter is None:
            continue
        counter[str(measure)] += n
        if measure is Measure.ANSWERED and on_time:
            counter["on_time"] += n
    return result


def _flow_rows(period: Period, filters: Filters):
    """(day or month, measure, on_time, n) of received and answered entries."""
    measures = [Measure.RECEIVED, Measure.ASSIGNED, Measure.ANSWERED]
    if filters.channel is None:
        c = counted(period, filters.unit_id, filters.field_id).c
        statement = (
            sa.select(c.bucket, c.measure, c.on_time, sa.func.sum(c.n))
            .where(c.measure.in_(measures))
            .group_by(c.bucket, c.measure, c.on_time)
        )
        for bucket, measure, on_time, n in db.session.execute(statement):
            yield bucket, measure, on_time == 1, int(n)
        return
    statement = (
        sa.select(
            ReportEntry.occurred_on, ReportEntry.measure, ReportEntry.on_time, sa.func.count()
        )
        .where(
            ReportEntry.occurred_on.between(period.first_day, period.last_day),
            ReportEntry.measure.in_(measures),
        )
        .group_by(ReportEntry.occurred_on, ReportEntry.measure, ReportEntry.on_time)
    )
    yield from db.session.execute(filters.apply(statement, ENTRY_COLUMNS))


def assigned_by_field(period: Period, filters: Filters) -> Counter:
    """Items routed to a unit in the period, by the field they were classified in."""
    if filters.channel is None:
        c = counted(period, filters.unit_id, filters.field_id).c
        statement = (
            sa.select(c.field, sa.func.sum(c.n))
            .where(c.measure == Measure.ASSIGNED)
            .group_by(c.field)
        )
        return Counter(
            {(None if f == NO_FIELD else f): int(n) for f, n in db.session.execute(statement)}
        )
    statement = (
        sa.select(ReportEntry.field_id, sa.func.count())
        .where(
            ReportEntry.occurred_on.between(period.first_day, period.last_day),
            ReportEntry.measure == Measure.ASSIGNED,
        )
        .group_by(ReportEntry.field_id)
    )
    return Counter(dict(db.session.execute(filters.apply(statement, ENTRY_COLUMNS)).all()))


def overdue_due_at():
    """The due date an overdue item is late against: triage's while in triage (always before
    the overall one), else the earlier of the running step's and the overall one."""
    return sa.case(
        (Case.state == State.RECEIVED, Case.triage_due_at),
        (
            sa.and_(
                Case.step_due_at.is_not(None),
                sa.or_(Case.overall_due_at.is_(None), Case.step_due_at < Case.overall_due_at),
            ),
            Case.step_due_at,
        ),
        else_=Case.overall_due_at,
    )


def overdue_items(now: datetime, filters: Filters) -> sa.Select:
    """Items overdue now, the longest overdue first."""
    due = overdue_due_at()
    statement = sa.select(Case, due.label("due_at")).where(overdue_condition(now)).order_by(due)
    return filters.apply(statement, CASE_COLUMNS)


def overdue_by_unit(now: datetime, filters: Filters) -> list[tuple[int | None, int]]:
    unit = unit_group_key()
    statement = (
        sa.select(unit, sa.func.count())
        .where(overdue_condition(now))
        .group_by(unit)
        .order_by(sa.func.count().desc())
    )
    return list(db.session.execute(filters.apply(statement, CASE_COLUMNS)).all())
