"""The outbox: a message is a row written in the same transaction as the change it
announces, and is delivered afterwards by the worker (e-mail, SMS) or posted by the intake
office (letters). A mail server or SMS gateway that is down delays the message; it never loses
it and never blocks the citizen's submission."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from intake.extensions import db
from intake.sqltypes import UTCDateTime, enum_column, utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for (another) attempt at next_attempt_at
    SENDING = "sending"  # claimed by a worker at claimed_at
    SENT = "sent"
    FAILED = "failed"  # permanent failure, or attempts exhausted: needs a person


class OutboxChannel(enum.StrEnum):
    """How a message reaches its recipient. E-mail and SMS are delivered by the worker; a
    letter waits in the intake office's print queue until a person marks it posted."""

    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"


#: The channels the worker delivers (a letter is posted by a person).
DELIVERED_CHANNELS = (OutboxChannel.EMAIL, OutboxChannel.SMS)


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[OutboxChannel] = mapped_column(
        enum_column(OutboxChannel, "outbox_channel"),
        default=OutboxChannel.EMAIL,
        server_default=OutboxChannel.EMAIL.value,
    )
    # E-mail: the address; SMS: the mobile number in E.164 without "+"; letter: the name (the
    # postal address is the case's).
    recipient: Mapped[str] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    template: Mapped[str] = mapped_column(sa.String(60))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    # Makes "send this once" a database fact (reminders per item, step and level).
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    # SMS only: the parts the gateway will charge for, counted when the text is queued.
    segments: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A fresh random value per claim. A worker writes the outcome of its attempt only where the
    # row still carries its token (and claimed_at), so a claim that stale-claim recovery took
    # back is never overwritten by the worker that lost it. Kept with the outcome, so that a
    # write retried after a failed commit recognises its own first write if that one landed.
    claim_token: Mapped[str | None] = mapped_column(sa.String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
        sa.Index("ix_outbox_messages_channel_status", "channel", "status"),
        sa.CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_iff_sent_at"),
    )
