"""What the reports count, kept apart from the live items so that a past period never changes.

``ReportEntry`` is a projection of the event log: one row per countable occurrence (an item
received, refused, answered, rated …), written in the same transaction as the event, with the
item's unit, field, channel and kind *as they were then* and the verdict (on time or late) and
handling time *as they were judged then*. Nothing updates an entry afterwards: an item arrives
without a unit, so a unit's intake is counted by ``assigned`` (routed to it), not ``received``.

``ReportRollup`` and ``ReceivedRollup`` are the same entries counted by day and by month, so
that a yearly report over a million items adds up a few thousand counters instead of reading a
million entries. The worker's tick folds new entries into them (``rollups.roll_up_entries``);
reports read the counters plus the entries not folded yet, in one statement.

``BacklogSnapshot`` is the stock side: how many items were open, overdue and deferred at
00:00 of a day, per unit, field and channel, taken by the worker's tick each night.
Figures "open at the start / end of the period" read it instead of replaying years of history.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from intake.cases.models import CaseKind, Channel, ContentClass
from intake.extensions import db
from intake.sqltypes import UTCDateTime, enum_column


class Measure(enum.StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"  # routed to a lead unit: what a unit "receives"
    TRIAGED = "triaged"  # first triage decision: the field and content class it was given
    REFUSED = "refused"
    TRANSFERRED_OUT = "transferred_out"
    WITHDRAWN = "withdrawn"
    ANSWERED = "answered"
    PUBLISHED = "published"
    RATED = "rated"
    REOPENED = "reopened"
    BOUNCED = "bounced"  # a unit returned the item to the intake office
    DEFERRED = "deferred"


class ReportEntry(db.Model):
    __tablename__ = "report_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    measure: Mapped[Measure] = mapped_column(enum_column(Measure, "report_measure"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    occurred_on: Mapped[date] = mapped_column(sa.Date)  # local date (Asia/Ho_Chi_Minh)
    occurred_month: Mapped[date] = mapped_column(sa.Date)  # the first day of that month
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    field_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fields.id"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "report_channel"))
    kind: Mapped[CaseKind] = mapped_column(enum_column(CaseKind, "report_case_kind"))
    content_class: Mapped[ContentClass | None] = mapped_column(
        enum_column(ContentClass, "report_content_class")
    )
    reason_code: Mapped[str | None] = mapped_column(sa.String(40))
    on_time: Mapped[bool | None]
    working_days: Mapped[int | None]  # handling time, for answers
    score: Mapped[int | None]  # rating, 1-5
    # Set by the roll-up that counted this entry; NULL while it waits to be folded in.
    rollup_batch: Mapped[int | None] = mapped_column(sa.BigInteger)

    __table_args__ = (
        sa.Index(
            "ix_report_entries_pending",
            "occurred_on",
            postgresql_where=sa.text("rollup_batch IS NULL"),
            sqlite_where=sa.text("rollup_batch IS NULL"),
        ),
        # Every report reads a date range of one or a few measures; the columns after the
        # date let PostgreSQL answer the common breakdowns from the index alone.
        sa.Index(
            "ix_report_entries_period",
            "occurred_on",
            "measure",
            "unit_id",
            "field_id",
            "channel",
            "kind",
            "on_time",
            "working_days",
        ),
        sa.CheckConstraint("score IS NULL OR (score >= 1 AND score <= 5)", name="score_range"),
        sa.CheckConstraint("working_days IS NULL OR working_days >= 0", name="working_days_sign"),
    )


class RollupGrain(enum.StrEnum):
    DAY = "day"
    MONTH = "month"


# The counters' keys hold no NULLs (a unique key with NULLs never conflicts on SQLite or
# PostgreSQL 15), so "none" is stored as a value no real key takes. ``rollups`` translates.
NO_UNIT = 0
NO_REASON = ""
NO_VERDICT = -1
NO_DAYS = -1
NO_SCORE = 0
NO_CLASS = ""
NO_FIELD = 0


class ReportRollup(db.Model):
    """Entries counted per day or month, by measure, unit, field and the values figures need.
    (Not by channel: that would multiply the counters by seven for one rarely used view.)"""

    __tablename__ = "report_rollups"

    id: Mapped[int] = mapped_column(primary_key=True)
    grain: Mapped[RollupGrain] = mapped_column(enum_column(RollupGrain, "rollup_grain"))
    starts_on: Mapped[date] = mapped_column(sa.Date)  # the day, or the month's first day
    measure: Mapped[Measure] = mapped_column(enum_column(Measure, "rollup_measure"))
    unit_key: Mapped[int]
    field_key: Mapped[int]
    reason_key: Mapped[str] = mapped_column(sa.String(40))
    on_time_key: Mapped[int] = mapped_column(sa.SmallInteger)
    days_key: Mapped[int]
    score_key: Mapped[int] = mapped_column(sa.SmallInteger)
    n: Mapped[int]

    __table_args__ = (
        sa.UniqueConstraint(
            "grain",
            "starts_on",
            "measure",
            "unit_key",
            "field_key",
            "reason_key",
            "on_time_key",
            "days_key",
            "score_key",
            name="uq_report_rollups_key",
        ),  # fmt: skip
    )


class ReceivedRollup(db.Model):
    """Received and triaged items counted per day or month by channel, kind, content class
    and field (an item gets its field and class at triage, not on arrival)."""

    __tablename__ = "received_rollups"

    id: Mapped[int] = mapped_column(primary_key=True)
    grain: Mapped[RollupGrain] = mapped_column(enum_column(RollupGrain, "received_rollup_grain"))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    measure: Mapped[Measure] = mapped_column(enum_column(Measure, "received_rollup_measure"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "received_rollup_channel"))
    kind: Mapped[CaseKind] = mapped_column(enum_column(CaseKind, "received_rollup_kind"))
    class_key: Mapped[str] = mapped_column(sa.String(20))
    field_key: Mapped[int]
    n: Mapped[int]

    __table_args__ = (
        sa.UniqueConstraint(
            "grain",
            "starts_on",
            "measure",
            "channel",
            "kind",
            "class_key",
            "field_key",
            name="uq_received_rollups_key",
        ),  # fmt: skip
    )


class BacklogSnapshot(db.Model):
    __tablename__ = "backlog_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    taken_on: Mapped[date] = mapped_column(sa.Date)  # the stock at 00:00 local of this day
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    field_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fields.id"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "snapshot_channel"))
    open_count: Mapped[int]
    overdue_count: Mapped[int]
    deferred_count: Mapped[int]

    __table_args__ = (sa.Index("ix_backlog_snapshots_taken_on", "taken_on", "unit_id"),)


class SnapshotDay(db.Model):
    """One row per day whose backlog was taken: the primary key makes a second worker's
    attempt fail instead of counting the day twice, and a day without a row is known to be
    missing rather than empty."""

    __tablename__ = "snapshot_days"

    taken_on: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
