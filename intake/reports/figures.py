"""The figures of DOMAIN.md §7 for a period, from the report entries and backlog snapshots.

Every figure is a GROUP BY in SQL over the entries of the period (or one day's snapshot); the
few hundred grouped rows that come back are folded into ``Figures`` here. A past period reads
only rows that never change afterwards, so its report is the same whenever it is run. A period
that has not ended yet reads its closing stock from the live items ("as of now").
"""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from intake.cases.models import Case, Channel
from intake.core import stats
from intake.core.calendar import local_date
from intake.core.periods import Period
from intake.core.states import SATISFIED_SCORES
from intake.extensions import db
from intake.reports.models import (
    NO_CLASS,
    NO_FIELD,
    NO_UNIT,
    BacklogSnapshot,
    Measure,
    ReportEntry,
    SnapshotDay,
)
from intake.reports.recording import backlog_query
from intake.reports.rollups import counted, decode, received_counted


class Breakdown(enum.StrEnum):
    """What the rows of a report are: one for the province, or one per unit, field or channel."""

    PROVINCE = "province"
    UNIT = "unit"
    FIELD = "field"
    CHANNEL = "channel"


@dataclass(frozen=True)
class Filters:
    unit_id: int | None = None
    field_id: int | None = None
    channel: Channel | None = None

    def apply(self, statement: sa.Select, columns) -> sa.Select:
        """``columns`` maps "unit", "field" and "channel" to the table's columns."""
        for name, value in (
            ("unit", self.unit_id),
            ("field", self.field_id),
            ("channel", self.channel),
        ):
            if value is not None:
                statement = statement.where(columns[name] == value)
        return statement


@dataclass
class Figures:
    """One row of a report. Stocks are None when the day's snapshot does not exist."""

    carried_over: int | None = 0
    received: int = 0
    assigned: int = 0
    refused: int = 0
    refused_by_reason: Counter = field(default_factory=Counter)
    transferred_out: int = 0
    withdrawn: int = 0
    answered_on_time: int = 0
    answered_late: int = 0
    published: int = 0
    reconsiderations: int = 0
    bounced: int = 0
    deferred_in_period: int = 0
    open_at_end: int | None = 0
    overdue_at_end: int | None = 0
    deferred_at_end: int | None = 0
    handling_days: Counter = field(default_factory=Counter)
    ratings: Counter = field(default_factory=Counter)

    @property
    def answered(self) -> int:
        return self.answered_on_time + self.answered_late

    @property
    def on_time_rate(self) -> float | None:
        return stats.share(self.answered_on_time, self.answered)

    @property
    def within_deadline_at_end(self) -> int | None:
        if self.open_at_end is None or self.overdue_at_end is None:
            return None
        return self.open_at_end - self.overdue_at_end - (self.deferred_at_end or 0)

    @property
    def handling_mean(self) -> float | None:
        return stats.mean(self.handling_days)

    @property
    def handling_median(self) -> float | None:
        return stats.percentile(self.handling_days, 50)

    @property
    def handling_p90(self) -> float | None:
        return stats.percentile(self.handling_days, 90)

    @property
    def ratings_count(self) -> int:
        return stats.total(self.ratings)

    @property
    def rating_mean(self) -> float | None:
        return stats.mean(self.ratings)

    @property
    def satisfied_share(self) -> float | None:
        satisfied = sum(c for s, c in self.ratings.items() if s in SATISFIED_SCORES)
        return stats.share(satisfied, self.ratings_count)

    def add_entries(self, measure: Measure, reason, on_time, working_days, score, n: int):
        if measure is Measure.RECEIVED:
            self.received += n
        elif measure is Measure.ASSIGNED:
            self.assigned += n
        elif measure is Measure.REFUSED:
            self.refused += n
            self.refused_by_reason[reason or ""] += n
        elif measure is Measure.TRANSFERRED_OUT:
            self.transferred_out += n
        elif measure is Measure.WITHDRAWN:
            self.withdrawn += n
        elif measure is Measure.ANSWERED:
            # An answer without a verdict (none recorded) is not credited as on time.
            if on_time:
                self.answered_on_time += n
            else:
                self.answered_late += n
            if working_days is not None:
                self.handling_days[working_days] += n
        elif measure is Measure.PUBLISHED:
            self.published += n
        elif measure is Measure.RATED and score is not None:
            self.ratings[score] += n
        elif measure is Measure.REOPENED:
            self.reconsiderations += n
        elif measure is Measure.BOUNCED:
            self.bounced += n
        elif measure is Measure.DEFERRED:
            self.deferred_in_period += n


@dataclass
class Report:
    period: Period
    filters: Filters
    breakdown: Breakdown
    generated_at: datetime
    total: Figures
    rows: dict = field(default_factory=dict)  # breakdown key (unit id, field id, channel) → Figures
    received_by: dict = field(default_factory=dict)  # "channel"/"kind"/"class"/"field" → Counter
    closing_is_live: bool = False  # the period has not ended: "open at end" means open now
    opening_missing: bool = False  # no snapshot for the first day (worker down, or before data)
    closing_missing: bool = False


ENTRY_COLUMNS = {
    "unit": ReportEntry.unit_id,
    "field": ReportEntry.field_id,
    "channel": ReportEntry.channel,
}
SNAPSHOT_COLUMNS = {
    "unit": BacklogSnapshot.unit_id,
    "field": BacklogSnapshot.field_id,
    "channel": BacklogSnapshot.channel,
}
CASE_COLUMNS = {
    "unit": Case.lead_unit_id,
    "field": Case.field_id,
    "channel": Case.channel,
}


def build_report(
    period: Period,
    *,
    now: datetime,
    filters: Filters | None = None,
    breakdown: Breakdown = Breakdown.PROVINCE,
) -> Report:
    filters = filters or Filters()
    report = Report(period, filters, breakdown, now, Figures())
    rows: dict = defaultdict(Figures)
    key_name = None if breakdown is Breakdown.PROVINCE else str(breakdown)

    for key, measure, reason, on_time, days, score, n in _entry_counts(period, filters, key_name):
        report.total.add_entries(measure, reason, on_time, days, score, n)
        if key_name:
            rows[key].add_entries(measure, reason, on_time, days, score, n)

    today = local_date(now)
    opening_day = period.first_day
    closing_day = period.last_day + timedelta(days=1)
    report.opening_missing = _apply_stock(
        report, rows, key_name, filters, opening_day, today, now, opening=True
    )
    report.closing_is_live = closing_day > today
    report.closing_missing = _apply_stock(
        report, rows, key_name, filters, closing_day, today, now, opening=False
    )
    report.received_by = _received_breakdown(period, filters)
    report.rows = dict(rows)
    return report


def _entry_counts(period: Period, filters: Filters, key_name: str | None):
    """(key, measure, reason, on_time, days, score, n) rows. By province, unit or field, from
    the day and month counters (fast at any size); by channel, from the entries."""
    if key_name == "channel" or filters.channel is not None:
        yield from db.session.execute(_entries_query(period, filters, key_name))
        return
    c = counted(period, filters.unit_id, filters.field_id).c
    key, none = {"unit": (c.unit, NO_UNIT), "field": (c.field, NO_FIELD)}.get(key_name, (None, 0))
    values = (c.measure, c.reason, c.on_time, c.days, c.score)
    grouped = values if key is None else (key, *values)
    statement = sa.select(*grouped, sa.func.sum(c.n)).group_by(*grouped)
    for row in db.session.execute(statement):
        key_value = None if key is None or row[0] == none else row[0]
        measure, reason, on_time, days, score, n = row[-6:]
        reason, on_time, days, score = decode(reason, on_time, days, score)
        yield key_value, measure, reason, on_time, days, score, int(n)


def _entries_query(period: Period, filters: Filters, key_name: str | None) -> sa.Select:
    key = ENTRY_COLUMNS[key_name] if key_name else sa.literal(None).label("key")
    columns = (
        key,
        ReportEntry.measure,
        ReportEntry.reason_code,
        ReportEntry.on_time,
        ReportEntry.working_days,
        ReportEntry.score,
    )
    statement = (
        sa.select(*columns, sa.func.count())
        .where(ReportEntry.occurred_on.between(period.first_day, period.last_day))
        .group_by(*columns[1:] if not key_name else columns)
    )
    return filters.apply(statement, ENTRY_COLUMNS)


def _apply_stock(report, rows, key_name, filters, day: date, today: date, now, *, opening):
    """Set the opening or closing stock from the snapshot of ``day`` (live when ``day`` is
    still to come). Returns True when the snapshot is missing, leaving the figures as None."""
    if day > today:
        stocks = _live_stock(filters, key_name, now)
    elif db.session.get(SnapshotDay, day) is None:
        _set_stock(report.total, None, opening=opening)
        for figures in rows.values():
            _set_stock(figures, None, opening=opening)
        return True
    else:
        stocks = _snapshot_stock(filters, key_name, day)
    for key, open_count, overdue, deferred in stocks:
        values = (int(open_count or 0), int(overdue or 0), int(deferred or 0))
        _add_stock(report.total, values, opening=opening)
        if key_name:
            _add_stock(rows[key], values, opening=opening)
    return False


def _set_stock(figures: Figures, value, *, opening: bool) -> None:
    if opening:
        figures.carried_over = value
    else:
        figures.open_at_end = figures.overdue_at_end = figures.deferred_at_end = value


def _add_stock(figures: Figures, values, *, opening: bool) -> None:
    open_count, overdue, deferred = values
    if opening:
        figures.carried_over = (figures.carried_over or 0) + open_count
    else:
        figures.open_at_end = (figures.open_at_end or 0) + open_count
        figures.overdue_at_end = (figures.overdue_at_end or 0) + overdue
        figures.deferred_at_end = (figures.deferred_at_end or 0) + deferred


def _snapshot_stock(filters: Filters, key_name: str | None, day: date):
    key = SNAPSHOT_COLUMNS[key_name] if key_name else sa.literal(None).label("key")
    statement = sa.select(
        key,
        sa.func.sum(BacklogSnapshot.open_count),
        sa.func.sum(BacklogSnapshot.overdue_count),
        sa.func.sum(BacklogSnapshot.deferred_count),
    ).where(BacklogSnapshot.taken_on == day)
    if key_name:
        statement = statement.group_by(key)
    return db.session.execute(filters.apply(statement, SNAPSHOT_COLUMNS)).all()


def _live_stock(filters: Filters, key_name: str | None, now: datetime):
    live = filters.apply(backlog_query(now, live=True), CASE_COLUMNS).subquery()
    columns = {
        "unit": live.c.lead_unit_id,
        "field": live.c.field_id,
        "channel": live.c.channel,
    }
    key = columns[key_name] if key_name else sa.literal(None).label("key")
    open_count, overdue, deferred = list(live.c)[-3:]
    statement = sa.select(key, sa.func.sum(open_count), sa.func.sum(overdue), sa.func.sum(deferred))
    if key_name:
        statement = statement.group_by(key)
    return db.session.execute(statement).all()


def _received_breakdown(period: Period, filters: Filters) -> dict[str, Counter]:
    """Received in the period by channel and kind (known on arrival), and triaged in the
    period by content class and field (given at triage) — DOMAIN.md §7. An item arrives
    without a unit: filtered to a unit, nothing was "received" by it."""
    result = {name: Counter() for name in ("channel", "kind", "class", "field")}
    if filters.unit_id is not None:
        return result
    c = received_counted(period, filters.field_id, filters.channel).c
    columns = (c.measure, c.channel, c.kind, c.class_key, c.field_key)
    statement = sa.select(*columns, sa.func.sum(c.n)).group_by(*columns)
    for measure, channel, kind, class_key, field_key, n in db.session.execute(statement):
        n = int(n)
        if measure is Measure.RECEIVED:
            result["channel"][channel] += n
            result["kind"][kind] += n
        else:
            result["class"][None if class_key == NO_CLASS else class_key] += n
            result["field"][None if field_key == NO_FIELD else field_key] += n
    return result


def ranked(rows: dict, min_sample: int) -> list[tuple[object, Figures, int | None]]:
    """Rows by on-time rate, best first; a row with fewer answers than ``min_sample`` gets no
    rank (one late item must not make a unit the worst). Returns (key, figures, rank)."""
    eligible = sorted(
        ((k, f) for k, f in rows.items() if f.answered >= min_sample),
        key=lambda kf: (-(kf[1].on_time_rate or 0), -kf[1].answered),
    )
    result = []
    for position, (key, figures) in enumerate(eligible, start=1):
        tied = result and result[-1][1].on_time_rate == figures.on_time_rate
        result.append((key, figures, result[-1][2] if tied else position))  # 1, 1, 3 …
    result += [(k, f, None) for k, f in rows.items() if f.answered < min_sample]
    return result
