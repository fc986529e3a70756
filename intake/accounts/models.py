"""Officers' accounts. Citizens have none: they follow their items with a code and a key."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash

from intake.accounts import passwords
from intake.extensions import db
from intake.org.models import Unit
from intake.sqltypes import UTCDateTime, enum_column, utcnow


class Role(enum.StrEnum):
    INTAKE_OFFICER = "intake_officer"
    HANDLER = "handler"
    UNIT_LEAD = "unit_lead"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(255), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(255))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by an administrator: the next sign-in leads to the password form and nowhere else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Wrong passwords since the last successful sign-in (the notice to the user is sent once,
    # when this reaches LOGIN_NOTICE_AFTER_FAILURES).
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    # Two-factor sign-in (TOTP, RFC 6238): the secret is kept from the first step of the
    # enrolment; it counts only once ``totp_enabled_at`` is set (a code was confirmed).
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The time step of the last code accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    unit: Mapped[Unit] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses disabled accounts through this
        return self.is_enabled

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    def set_password(self, password: str) -> None:
        self.password_hash = passwords.hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)
