"""The organisation as data (DOMAIN.md §8): units with validity dates, fields, procedures,
routing rules, deadline policies and calendar overrides. Nothing here is hard-coded per province."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.core.deadlines import (
    DEFAULT_ESCALATION_WORKING_DAYS,
    DEFAULT_REMIND_HALF_PERCENT,
    DEFAULT_REMIND_LATE_PERCENT,
    Priority,
    Step,
)
from intake.extensions import db
from intake.sqltypes import UTCDateTime, enum_column, utcnow


class UnitKind(enum.StrEnum):
    PROVINCE = "province"
    DEPARTMENT = "department"
    DISTRICT = "district"
    COMMUNE = "commune"
    EXTERNAL = "external"


class ProcedureLevel(enum.StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


def needs_notification_email(kind: UnitKind, valid_to: date | None, today: date) -> bool:
    """A unit that receives work (not an external agency) and has not ended before ``today``
    (an ended unit receives none) must have a notification e-mail (DOMAIN §8)."""
    return kind is not UnitKind.EXTERNAL and (valid_to is None or valid_to >= today)


class Unit(db.Model):
    """A unit that receives, handles or is sent items. Units are never deleted, only ended
    (``valid_to``), so that history and reports keep naming them."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    name_en: Mapped[str] = mapped_column(sa.String(255), default="")
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind, "unit_kind"))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(255))
    receives_intake: Mapped[bool] = mapped_column(default=False)
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")

    __table_args__ = (
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from", name="valid_range"
        ),
    )

    def is_active_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def display_name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name

    @property
    def receives_work(self) -> bool:
        """Can lead or cooperate on items, and so must have a notification e-mail (DOMAIN §8):
        every unit of the province's tree. External agencies are sent items only by transfer
        out, an official letter."""
        return self.kind is not UnitKind.EXTERNAL

    def needs_email(self, today: date) -> bool:
        return needs_notification_email(self.kind, self.valid_to, today)

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class Field(db.Model):
    """A field (lĩnh vực) of administrative procedures, e.g. đất đai, hộ tịch."""

    __tablename__ = "fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    name_en: Mapped[str] = mapped_column(sa.String(255), default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    def display_name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name


class Procedure(db.Model):
    """An administrative procedure (TTHC) with its national code from the national database."""

    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    national_code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.Text)
    # Diacritics-free copy of code and name, so that search ignores accents in SQL on both DBs.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    field_id: Mapped[int] = mapped_column(sa.ForeignKey("fields.id"), index=True)
    level: Mapped[ProcedureLevel] = mapped_column(enum_column(ProcedureLevel, "procedure_level"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)

    field: Mapped[Field] = relationship()
    unit: Mapped[Unit | None] = relationship()


class RoutingRule(db.Model):
    """Suggests the lead unit for a procedure or a field; the intake officer confirms it."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fields.id"), unique=True)
    procedure_id: Mapped[int | None] = mapped_column(sa.ForeignKey("procedures.id"), unique=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))

    unit: Mapped[Unit] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "(field_id IS NULL) <> (procedure_id IS NULL)", name="exactly_one_target"
        ),
    )


class DeadlinePolicy(db.Model):
    """Working days allowed for one step, for one field (or every field when ``field_id`` is
    null) and one priority. Seeded with DOMAIN.md's defaults; edited by the administrator."""

    __tablename__ = "deadline_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fields.id"))
    priority: Mapped[Priority] = mapped_column(enum_column(Priority, "priority"))
    step: Mapped[Step] = mapped_column(enum_column(Step, "deadline_step"))
    working_days: Mapped[int]
    # For the handling step: how many extensions, of how many working days at most.
    max_extensions: Mapped[int] = mapped_column(default=1)
    max_extension_working_days: Mapped[int] = mapped_column(default=10)
    # The reminder schedule (DOMAIN §4), policy data like the lengths. Edited on the
    # province-wide row of each step; clocks copy it when they start.
    remind_half_percent: Mapped[int] = mapped_column(
        default=DEFAULT_REMIND_HALF_PERCENT, server_default=str(DEFAULT_REMIND_HALF_PERCENT)
    )
    remind_late_percent: Mapped[int] = mapped_column(
        default=DEFAULT_REMIND_LATE_PERCENT, server_default=str(DEFAULT_REMIND_LATE_PERCENT)
    )
    escalation_working_days: Mapped[int] = mapped_column(
        default=DEFAULT_ESCALATION_WORKING_DAYS,
        server_default=str(DEFAULT_ESCALATION_WORKING_DAYS),
    )

    __table_args__ = (
        sa.UniqueConstraint("field_id", "priority", "step"),
        sa.CheckConstraint("working_days > 0 AND working_days <= 365", name="working_days_range"),
    )


class CalendarOverride(db.Model):
    """A day the `holidays` package gets wrong or does not know yet, e.g. a provincial decision."""

    __tablename__ = "calendar_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, unique=True)
    is_working_day: Mapped[bool]
    reason: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarFingerprint(db.Model):
    """What the `holidays` package said about one year when open due dates were last computed
    (``intake.core.calendar.package_fingerprint``): when the installed package says something
    else, the worker recomputes the open due dates (DOMAIN §4) and stores the new value."""

    __tablename__ = "calendar_fingerprints"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    package_version: Mapped[str] = mapped_column(sa.String(40), default="")
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
