"""The record of every exchange with the national system: who ran it, on what, and how it
ended — an import refused for its problems included, so that a batch sent twice or a batch
with errors can be traced."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.accounts.models import User
from intake.extensions import db
from intake.sqltypes import UTCDateTime, enum_column


class RunKind(enum.StrEnum):
    IMPORT = "import"
    EXPORT = "export"


class RunOutcome(enum.StrEnum):
    DONE = "done"
    INVALID = "invalid"  # the batch had problems: nothing of it was written


class ExchangeRun(db.Model):
    __tablename__ = "exchange_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RunKind] = mapped_column(enum_column(RunKind, "exchange_run_kind"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Who ran it when there is no account: "cli".
    actor_label: Mapped[str] = mapped_column(sa.String(40), default="")
    file_name: Mapped[str] = mapped_column(sa.String(255), default="")
    outcome: Mapped[RunOutcome] = mapped_column(enum_column(RunOutcome, "exchange_run_outcome"))
    # Import: items in the batch, of which imported and skipped (national code already known).
    # Export: events written.
    items: Mapped[int] = mapped_column(default=0)
    imported: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    problems: Mapped[int] = mapped_column(default=0)
    # Export: the events after ``since`` and up to ``until`` (the next export's ``since``).
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The first problems of a refused batch; the reference codes given to imported items.
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (sa.CheckConstraint("imported + skipped <= items", name="counts_add_up"),)


def runs_newest_first(*, export: bool = False) -> sa.Select:
    query = sa.select(ExchangeRun).order_by(ExchangeRun.started_at.desc(), ExchangeRun.id.desc())
    return query.where(ExchangeRun.kind == RunKind.EXPORT) if export else query
