"""Officers' accounts. Citizens have none: they follow their items with a code and a key."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

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

    unit: Mapped[Unit] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses disabled accounts through this
        return self.is_enabled

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)
