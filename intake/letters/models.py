"""Official letters once issued: the number an issuing unit gave a letter, and what it said.

A letter is issued the first time it is rendered (downloaded, or printed for the post); from
then on every copy carries the same number and the same text, even if the item is edited
later — an official document does not change once it has left the office.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.extensions import db
from intake.org.models import Unit
from intake.sqltypes import UTCDateTime, utcnow


class IssuedLetter(db.Model):
    """One letter to a citizen, for one event of the item's history (the receipt, a request
    for information, the refusal, the transfer, an answer, a reopening).

    Numbered per issuing unit and calendar year from 01 on (Decree 30/2020/NĐ-CP Art. 15);
    the unique keys make "one letter per event" and "no number twice" database facts, so two
    officers downloading at once cannot give one letter two numbers. ``content`` keeps the
    assembled text (personal data: anonymisation clears it with the item's)."""

    __tablename__ = "issued_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("case_events.id"), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    issuing_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    year: Mapped[int]
    number: Mapped[int]
    # "05/TB-VPUBND": the number and symbol as printed after "Số:".
    reference: Mapped[str] = mapped_column(sa.String(80))
    issued_on: Mapped[date] = mapped_column(sa.Date)
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    issuing_unit: Mapped[Unit] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("issuing_unit_id", "year", "number"),
        sa.CheckConstraint("number > 0", name="number_positive"),
    )
