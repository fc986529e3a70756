"""The response templates' table. A template belongs to the province (``unit_id`` empty:
written by an administrator) or to one unit (written by its lead, offered on that unit's items)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.extensions import db
from intake.org.models import Field, Unit
from intake.sqltypes import UTCDateTime


class Purpose(enum.StrEnum):
    ANSWER = "answer"  # inserted into the answer (public text and letter) of an item's field
    REFUSAL = "refusal"  # inserted into the message of a refusal with its reason


class ResponseTemplate(db.Model):
    __tablename__ = "response_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    legal_basis: Mapped[str] = mapped_column(sa.String(1000), default="")
    field_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fields.id"), index=True)
    reject_reason: Mapped[str | None] = mapped_column(sa.String(60))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    field: Mapped[Field | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("purpose IN ('answer', 'refusal')", name="known_purpose"),
        sa.CheckConstraint(
            "(purpose = 'refusal') = (reject_reason IS NOT NULL)", name="reason_for_refusals"
        ),
    )

    def text(self) -> str:
        """What is inserted: the body, then its legal basis."""
        if not self.legal_basis:
            return self.body
        return f"{self.body}\n\nCăn cứ: {self.legal_basis}"
