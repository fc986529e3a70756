"""The item (case) and what hangs off it: attachments and the append-only event log.

Only ``intake.cases.operations`` changes a case's state; the CHECK constraints below repeat the
invariants that matter most so that a bug elsewhere cannot store an impossible item.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.accounts.models import User
from intake.core.contact import mobile_e164
from intake.core.deadlines import Priority, Step
from intake.core.states import ANSWERED_STATES, ENDED_AT_TRIAGE_STATES, FINAL_STATES, State
from intake.extensions import db
from intake.org.models import Field, Procedure, Unit
from intake.sqltypes import UTCDateTime, enum_column, utcnow


class Channel(enum.StrEnum):
    WEB = "web"
    NATIONAL_PORTAL = "national_portal"
    EMAIL = "email"
    PHONE = "phone"
    PAPER = "paper"
    COUNTER = "counter"
    QUESTIONNAIRE = "questionnaire"
    APP = "app"  # a connected application (super-app, kiosk, Open311 client), by API key


class CaseKind(enum.StrEnum):
    FEEDBACK = "phan_anh"  # phản ánh
    PETITION = "kien_nghi"  # kiến nghị: carries a proposed solution


class ContentClass(enum.StrEnum):
    BEHAVIOUR = "behaviour"  # hành vi hành chính
    REGULATION = "regulation"  # nội dung quy định hành chính
    INITIATIVE = "initiative"  # sáng kiến


class SubmitterType(enum.StrEnum):
    INDIVIDUAL = "individual"
    ORGANISATION = "organisation"


class AttachmentPurpose(enum.StrEnum):
    SUBMISSION = "submission"
    ADDITIONAL_INFO = "additional_info"
    ANSWER = "answer"


_FINAL_SQL = ", ".join(f"'{s.value}'" for s in sorted(FINAL_STATES))


class Case(db.Model):
    """One phản ánh or kiến nghị, from receipt to its final state."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference_code: Mapped[str] = mapped_column(sa.String(24), unique=True)
    access_key_hash: Mapped[str] = mapped_column(sa.String(255))
    # One-time token of the web form: a resubmitted form finds its case instead of making another.
    submission_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    national_code: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    # The application that sent it (channel "app"): its key, kept when the key is revoked.
    client_key_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_keys.id"))

    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "channel"))
    kind: Mapped[CaseKind] = mapped_column(enum_column(CaseKind, "case_kind"))
    content_class: Mapped[ContentClass | None] = mapped_column(
        enum_column(ContentClass, "content_class")
    )
    state: Mapped[State] = mapped_column(enum_column(State, "case_state"), index=True)
    # While in needs_info: the state the item returns to when the citizen answers.
    state_before_info: Mapped[State | None] = mapped_column(
        enum_column(State, "case_state_before_info")
    )
    priority: Mapped[Priority] = mapped_column(
        enum_column(Priority, "case_priority"), default=Priority.NORMAL
    )
    language: Mapped[str] = mapped_column(sa.String(5), default="vi")

    # The submitter (Art. 7). Organisations also give the person acting for them in full_name.
    submitter_type: Mapped[SubmitterType] = mapped_column(
        enum_column(SubmitterType, "submitter_type")
    )
    full_name: Mapped[str] = mapped_column(sa.String(255))
    organisation_name: Mapped[str | None] = mapped_column(sa.String(255))
    tax_code: Mapped[str | None] = mapped_column(sa.String(20))
    address: Mapped[str] = mapped_column(sa.String(500))
    # Where letters reach the submitter (Art. 7 "địa chỉ thư tín"), when they gave one.
    postal_address: Mapped[str | None] = mapped_column(sa.String(500))
    phone: Mapped[str | None] = mapped_column(sa.String(30), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(255))
    id_number: Mapped[str | None] = mapped_column(sa.String(20))
    # The citizen asked for no more SMS (on /track); later notices go by another channel.
    sms_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    title: Mapped[str] = mapped_column(sa.String(300))
    content: Mapped[str] = mapped_column(sa.Text)
    proposed_solution: Mapped[str | None] = mapped_column(sa.Text)
    consent_to_publish: Mapped[bool] = mapped_column(default=False)
    declared_truthful: Mapped[bool] = mapped_column(default=False)
    # Folded (diacritics-free) code, title, content, name and phone for accent-insensitive search.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    # Folded code and title: ranked above the rest (intake.cases.search).
    search_title: Mapped[str] = mapped_column(sa.Text, default="")

    field_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fields.id"), index=True)
    procedure_id: Mapped[int | None] = mapped_column(sa.ForeignKey("procedures.id"), index=True)
    concerned_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    lead_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))
    # Times a unit returned the item to intake; more than two is flagged for the intake office.
    bounce_count: Mapped[int] = mapped_column(default=0)

    # The answer: a public text (published after redaction) and a letter to the citizen.
    answer_public_text: Mapped[str | None] = mapped_column(sa.Text)
    answer_letter: Mapped[str | None] = mapped_column(sa.Text)
    answer_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answer_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What /published shows: set only by the reviewer, after the redaction check.
    published_title: Mapped[str | None] = mapped_column(sa.String(300))
    published_content: Mapped[str | None] = mapped_column(sa.Text)
    published_answer: Mapped[str | None] = mapped_column(sa.Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # indexed below
    # Folded copy of the published texts only: public search never looks at personal data.
    published_search_text: Mapped[str | None] = mapped_column(sa.Text)
    published_search_title: Mapped[str | None] = mapped_column(sa.Text)
    # The citizen's verdict on the answer.
    rating_score: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(sa.Text)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reconsideration_count: Mapped[int] = mapped_column(default=0)
    # Set by the deadline worker when the citizen has not answered a request for information
    # within the window; the intake office decides what to do (usually refuse, with reason).
    info_overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When retention anonymised the submitter's personal data (intake.retention).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    triage_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    step_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    overall_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Optimistic locking: an UPDATE that finds another version raises StaleDataError, so two
    # officers acting at once cannot both win.
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    field: Mapped[Field | None] = relationship()
    procedure: Mapped[Procedure | None] = relationship()
    concerned_unit: Mapped[Unit | None] = relationship(foreign_keys=[concerned_unit_id])
    lead_unit: Mapped[Unit | None] = relationship(foreign_keys=[lead_unit_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    # The client app that sent the item (channel "app"); named on the officers' case page.
    client_key = relationship("ApiKey", foreign_keys=[client_key_id], viewonly=True)
    answer_by: Mapped[User | None] = relationship(foreign_keys=[answer_by_id])
    duplicate_of: Mapped[Case | None] = relationship(remote_side=[id])
    cooperation_requests: Mapped[list[CooperationRequest]] = relationship(
        back_populates="case", order_by="CooperationRequest.id"
    )
    clocks: Mapped[list[CaseClock]] = relationship(back_populates="case", order_by="CaseClock.id")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="case", order_by="Attachment.id"
    )
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.seq")

    __table_args__ = (
        sa.CheckConstraint(
            f"(state IN ({_FINAL_SQL}) AND closed_at IS NOT NULL)"
            f" OR (state NOT IN ({_FINAL_SQL}) AND closed_at IS NULL)",
            name="final_iff_closed_at",
        ),
        sa.CheckConstraint(
            "submitter_type <> 'organisation' OR organisation_name IS NOT NULL",
            name="organisation_named",
        ),
        sa.CheckConstraint(
            "kind <> 'kien_nghi' OR proposed_solution IS NOT NULL", name="petition_has_solution"
        ),
        sa.CheckConstraint(
            "(state = 'needs_info') = (state_before_info IS NOT NULL)",
            name="needs_info_has_origin",
        ),
        sa.CheckConstraint(
            "rating_score IS NULL OR (rating_score >= 1 AND rating_score <= 5)",
            name="rating_range",
        ),
        # Every column a queue's order reads, and the id: a tab of every item sorts this
        # index, not the rows (intake.web.pagination). Not led by the state: SQLite would
        # then prefer it to ix_cases_state for "state IN (…)", before ANALYZE has seen it,
        # and /published went from a backward scan of its date's index to sorting 500,000
        # rows (measured at 1 M items).
        sa.Index(
            "ix_cases_queue_order",
            "received_at",
            "id",
            "state",
            "priority",
            "step_due_at",
            "triage_due_at",
            "overall_due_at",
        ),  # fmt: skip
        # /published lists answered items with a publication, newest first, and counts them
        # for its pages. Its page walks this index backwards (its order, then the state it
        # filters on: no row is read but the twenty shown, and page 200 is as quick as page
        # 1); it replaces the index of published_at alone, which it also serves.
        sa.Index("ix_cases_published_order", "published_at", "id", "state"),
        # Its count reads this one alone: led by the state, so that "state IN (answered,
        # closed) AND published_at IS NOT NULL" is a range of it. Through ix_cases_state the
        # count read every answered row, 81 ms at 100,000 items (3 ms now), ten times that
        # at a million.
        sa.Index("ix_cases_published_count", "state", "published_at"),
    )

    @property
    def is_open(self) -> bool:
        return self.state not in FINAL_STATES

    # Predicates for templates and views, so that no page compares state names as strings.
    @property
    def is_awaiting_triage(self) -> bool:
        return self.state is State.RECEIVED

    @property
    def is_answered(self) -> bool:
        return self.state in ANSWERED_STATES

    @property
    def mobile_number(self) -> str | None:
        """The mobile number SMS go to (E.164 without "+"), or None for none or a landline."""
        return mobile_e164(self.phone)

    @property
    def receives_sms(self) -> bool:
        return self.mobile_number is not None and self.sms_stopped_at is None

    @property
    def mailing_address(self) -> str:
        """Where a letter goes: the postal address given, else the address every item has."""
        return self.postal_address or self.address

    @property
    def is_ended_at_triage(self) -> bool:
        """Refused or transferred out: the citizen is told why and where to go."""
        return self.state in ENDED_AT_TRIAGE_STATES

    @property
    def is_urgent(self) -> bool:
        return self.priority is Priority.URGENT


class CooperationStatus(enum.StrEnum):
    OPEN = "open"
    REPLIED = "replied"
    CANCELLED = "cancelled"


class CooperationRequest(db.Model):
    """A sub-task to another unit (phối hợp), with its own deadline. The lead unit sees the
    reply and stays responsible for the single answer."""

    __tablename__ = "cooperation_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    status: Mapped[CooperationStatus] = mapped_column(
        enum_column(CooperationStatus, "cooperation_status"), default=CooperationStatus.OPEN
    )
    question: Mapped[str] = mapped_column(sa.Text)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reply: Mapped[str | None] = mapped_column(sa.Text)
    replied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="cooperation_requests")
    unit: Mapped[Unit] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    replied_by: Mapped[User | None] = relationship(foreign_keys=[replied_by_id])

    @property
    def is_open(self) -> bool:
        return self.status is CooperationStatus.OPEN

    @property
    def is_replied(self) -> bool:
        return self.status is CooperationStatus.REPLIED

    __table_args__ = (
        sa.CheckConstraint(
            "(status = 'replied') = (replied_at IS NOT NULL AND reply IS NOT NULL)",
            name="replied_iff_reply",
        ),
    )


class ClockStatus(enum.StrEnum):
    RUNNING = "running"
    PAUSED = "paused"  # waiting for the citizen (needs_info)
    STOPPED = "stopped"  # deferred or withdrawn: no on-time verdict
    ENDED = "ended"  # the step ended; on_time says how


#: A clock whose due date still matters.
ACTIVE_CLOCK_STATUSES = (ClockStatus.RUNNING, ClockStatus.PAUSED)


class ExtensionStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"


class CaseClock(db.Model):
    """One run of one step's clock (DOMAIN.md §4). Its instants are derived from the start
    date and three counts of working days, and stored so that queues and the reminder worker
    select on them in SQL. The on-time verdict is kept when the step ends, so reports never
    recompute history from today's calendar."""

    __tablename__ = "case_clocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    step: Mapped[Step] = mapped_column(enum_column(Step, "clock_step"))
    cooperation_request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cooperation_requests.id")
    )
    # The unit answerable for this clock (for reminders); None for the intake office's steps.
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    status: Mapped[ClockStatus] = mapped_column(
        enum_column(ClockStatus, "clock_status"), default=ClockStatus.RUNNING
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_on: Mapped[date] = mapped_column(sa.Date)
    working_days: Mapped[int]
    paused_working_days: Mapped[int] = mapped_column(default=0)
    extension_working_days: Mapped[int] = mapped_column(default=0)
    # The reminder schedule of the policy when the clock started (null: DOMAIN's defaults).
    remind_half_percent: Mapped[int | None]
    remind_late_percent: Mapped[int | None]
    escalation_working_days: Mapped[int | None]
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    remind_half_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remind_late_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remind_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    escalate_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    on_time: Mapped[bool | None]
    # An extension (gia hạn) of the handling clock: asked by the handler, decided by the lead.
    extension_status: Mapped[ExtensionStatus | None] = mapped_column(
        enum_column(ExtensionStatus, "extension_status")
    )
    extension_requested_days: Mapped[int | None]
    extension_reason: Mapped[str | None] = mapped_column(sa.Text)

    case: Mapped[Case] = relationship(back_populates="clocks")
    unit: Mapped[Unit | None] = relationship()

    @property
    def is_active(self) -> bool:
        """Running or paused: its due date still matters."""
        return self.status in ACTIVE_CLOCK_STATUSES

    @property
    def has_extension_request(self) -> bool:
        return self.extension_status is ExtensionStatus.REQUESTED

    __table_args__ = (
        # The reminder worker asks, per level, "running clocks whose instant has passed".
        sa.Index("ix_case_clocks_status_remind_half_at", "status", "remind_half_at"),
        sa.Index("ix_case_clocks_status_remind_late_at", "status", "remind_late_at"),
        sa.Index("ix_case_clocks_status_remind_due_at", "status", "remind_due_at"),
        sa.Index("ix_case_clocks_status_escalate_at", "status", "escalate_at"),
        sa.CheckConstraint(
            "(status = 'ended') = (ended_at IS NOT NULL AND on_time IS NOT NULL)",
            name="ended_has_verdict",
        ),
        sa.CheckConstraint("(status = 'paused') = (paused_at IS NOT NULL)", name="paused_since"),
        sa.CheckConstraint(
            "working_days > 0 AND paused_working_days >= 0 AND extension_working_days >= 0",
            name="day_counts",
        ),
    )


class ClockReminder(db.Model):
    """That a reminder of a clock went out: unique per (clock, level), so that two workers
    running at once cannot both send it."""

    __tablename__ = "clock_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(sa.ForeignKey("case_clocks.id"))
    level: Mapped[str] = mapped_column(sa.String(20))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The tick run that recorded it: that run, and only it, sends the message.
    claim: Mapped[str] = mapped_column(sa.String(36), index=True)

    __table_args__ = (sa.UniqueConstraint("clock_id", "level"),)


class Attachment(db.Model):
    """A file kept outside the web root under ``storage_key``; never served to the public."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    purpose: Mapped[AttachmentPurpose] = mapped_column(
        enum_column(AttachmentPurpose, "attachment_purpose")
    )
    original_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="attachments")

    @property
    def is_answer_file(self) -> bool:
        return self.purpose is AttachmentPurpose.ANSWER

    @property
    def is_additional_info(self) -> bool:
        return self.purpose is AttachmentPurpose.ADDITIONAL_INFO


class CaseEvent(db.Model):
    """One entry of the append-only history; rows are inserted, never updated or deleted.

    ``hash`` covers the entry's content and the previous entry's hash of the same case, so that
    an edited or removed row breaks the chain and ``flask intake audit-verify`` finds it.
    Reason codes and details are stored untranslated and rendered in the reader's language.
    """

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Who acted when there is no account: "citizen" or "system".
    actor_label: Mapped[str] = mapped_column(sa.String(40), default="")
    from_state: Mapped[State | None] = mapped_column(enum_column(State, "event_from_state"))
    to_state: Mapped[State | None] = mapped_column(enum_column(State, "event_to_state"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    reason_code: Mapped[str | None] = mapped_column(sa.String(60))
    note: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # Shown on the citizen's tracking page; internal notes and routing chatter are not.
    is_public: Mapped[bool] = mapped_column(default=False)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("case_id", "seq"),
        sa.Index("ix_case_events_kind_at", "kind", "at"),
    )
