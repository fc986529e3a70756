"""Folding report entries into day and month counters, and reading them back with the rest.

Roll-up marks the entries it takes with a batch number in one UPDATE, then adds exactly those
rows to the counters (INSERT … SELECT … ON CONFLICT DO UPDATE), all in one transaction: an
entry is counted once, even with two workers, and an entry written by a transaction still in
flight is simply left for the next round. Readers add the counters of the period (whole months
from the month grain, the days at either end from the day grain) to the entries not folded yet,
in one UNION ALL statement, so that a roll-up committing meanwhile never counts an entry twice
or drops it.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from intake.core.periods import Period
from intake.extensions import db
from intake.reports.models import (
    NO_CLASS,
    NO_DAYS,
    NO_FIELD,
    NO_REASON,
    NO_SCORE,
    NO_UNIT,
    NO_VERDICT,
    Measure,
    ReceivedRollup,
    ReportEntry,
    ReportRollup,
    RollupGrain,
)

E = ReportEntry
#: What the intake breakdowns count: arrivals (channel, kind) and first triage (field, class).
INTAKE_MEASURES = (Measure.RECEIVED, Measure.TRIAGED)


def _keys():
    """The entry columns as counter keys (NULL → the "none" value of each key)."""
    return (
        sa.func.coalesce(E.unit_id, NO_UNIT),
        sa.func.coalesce(E.field_id, NO_FIELD),
        sa.func.coalesce(E.reason_code, NO_REASON),
        sa.case((E.on_time.is_(True), 1), (E.on_time.is_(False), 0), else_=NO_VERDICT),
        sa.func.coalesce(E.working_days, NO_DAYS),
        sa.func.coalesce(E.score, NO_SCORE),
    )


def _intake_keys():
    """Content class and field as keys of the intake counters ("none" for an item without)."""
    return (
        sa.func.coalesce(sa.type_coerce(E.content_class, sa.String), NO_CLASS),
        sa.func.coalesce(E.field_id, NO_FIELD),
    )


def _upsert(table, columns: list[str], select: sa.Select, key: list[str]):
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(table).from_select(columns, select)
    return insert.on_conflict_do_update(
        index_elements=key, set_={"n": table.c.n + insert.excluded.n}
    )


def roll_up_entries() -> int:
    """Fold the entries not counted yet into the counters; returns how many were folded.
    The caller commits."""
    batch = secrets.randbits(62)
    marked = db.session.execute(
        sa.update(E)
        .where(E.rollup_batch.is_(None))
        .values(rollup_batch=batch)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not marked:
        return 0
    mine = E.rollup_batch == batch
    report_key = ["grain", "starts_on", "measure", "unit_key", "field_key", "reason_key",
                  "on_time_key", "days_key", "score_key"]  # fmt: skip
    received_key = ["grain", "starts_on", "measure", "channel", "kind", "class_key", "field_key"]
    for grain, column in ((RollupGrain.DAY, E.occurred_on), (RollupGrain.MONTH, E.occurred_month)):
        keys = _keys()
        counts = (
            sa.select(sa.literal(grain.value), column, E.measure, *keys, sa.func.count())
            .where(mine)
            .group_by(column, E.measure, *keys)
        )
        db.session.execute(_upsert(ReportRollup.__table__, [*report_key, "n"], counts, report_key))
        class_key, field_key = _intake_keys()
        received = (
            sa.select(
                sa.literal(grain.value), column, E.measure, E.channel, E.kind, class_key,
                field_key, sa.func.count(),
            )
            .where(mine, E.measure.in_(INTAKE_MEASURES))
            .group_by(column, E.measure, E.channel, E.kind, class_key, field_key)
        )  # fmt: skip
        db.session.execute(
            _upsert(ReceivedRollup.__table__, [*received_key, "n"], received, received_key)
        )
    return marked


# --- reading ----------------------------------------------------------------------------------


def split_period(period: Period) -> tuple[list[date], list[tuple[date, date]]]:
    """The whole months inside ``period`` (their first days), and the day ranges left over."""
    months: list[date] = []
    first, last = period.first_day, period.last_day
    month = first if first.day == 1 else _next_month(first)
    while _next_month(month) - timedelta(days=1) <= last:
        months.append(month)
        month = _next_month(month)
    if not months:
        return [], [(first, last)]
    ranges = []
    if first < months[0]:
        ranges.append((first, months[0] - timedelta(days=1)))
    after = _next_month(months[-1])
    if after <= last:
        ranges.append((after, last))
    return months, ranges


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _rollup_where(table, period: Period):
    months, ranges = split_period(period)
    parts = []
    if months:
        parts.append(sa.and_(table.grain == RollupGrain.MONTH, table.starts_on.in_(months)))
    for first, last in ranges:
        parts.append(sa.and_(table.grain == RollupGrain.DAY, table.starts_on.between(first, last)))
    return sa.or_(*parts)


def counted(period: Period, unit_id: int | None = None, field_id: int | None = None) -> sa.Subquery:
    """(bucket, unit, field, measure, reason, on_time, days, score, n) for the period: the
    counters plus the entries not folded yet. Keys keep their "none" values; ``decode``
    restores None."""
    R = ReportRollup
    rolled = sa.select(
        R.starts_on.label("bucket"),
        R.unit_key.label("unit"),
        R.field_key.label("field"),
        R.measure.label("measure"),
        R.reason_key.label("reason"),
        R.on_time_key.label("on_time"),
        R.days_key.label("days"),
        R.score_key.label("score"),
        R.n.label("n"),
    ).where(_rollup_where(R, period))
    unit, field, reason, on_time, days, score = _keys()
    pending = sa.select(
        E.occurred_on, unit, field, E.measure, reason, on_time, days, score, sa.literal(1)
    ).where(E.rollup_batch.is_(None), E.occurred_on.between(period.first_day, period.last_day))
    if unit_id is not None:
        rolled = rolled.where(R.unit_key == unit_id)
        pending = pending.where(E.unit_id == unit_id)
    if field_id is not None:
        rolled = rolled.where(R.field_key == field_id)
        pending = pending.where(E.field_id == field_id)
    return sa.union_all(rolled, pending).subquery("counted")


def decode(reason, on_time, days, score):
    """Counter keys back to entry values (None where the entry had none)."""
    return (
        None if reason == NO_REASON else reason,
        None if on_time == NO_VERDICT else bool(on_time),
        None if days == NO_DAYS else days,
        None if score == NO_SCORE else score,
    )


def received_counted(period: Period, field_id: int | None, channel) -> sa.Subquery:
    """(measure, channel, kind, class, field, n) of the items received or triaged in the
    period."""
    R = ReceivedRollup
    rolled = sa.select(
        R.measure.label("measure"),
        R.channel.label("channel"),
        R.kind.label("kind"),
        R.class_key.label("class_key"),
        R.field_key.label("field_key"),
        R.n.label("n"),
    ).where(_rollup_where(R, period))
    pending = sa.select(E.measure, E.channel, E.kind, *_intake_keys(), sa.literal(1)).where(
        E.rollup_batch.is_(None),
        E.measure.in_(INTAKE_MEASURES),
        E.occurred_on.between(period.first_day, period.last_day),
    )
    if field_id is not None:
        rolled = rolled.where(R.field_key == field_id)
        pending = pending.where(E.field_id == field_id)
    if channel is not None:
        rolled = rolled.where(R.channel == channel)
        pending = pending.where(E.channel == channel)
    return sa.union_all(rolled, pending).subquery("received")
