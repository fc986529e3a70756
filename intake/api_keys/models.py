"""An API key: shown once when created, kept only as its SHA-256.

A key is 256 random bits, not a human password: a fast digest is as safe as a slow one for it
(there is nothing to guess from), and it keeps every API request one indexed lookup. Keys are
never deleted, only revoked, so that the items a client submitted keep naming it."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.accounts.models import User
from intake.extensions import db
from intake.sqltypes import UTCDateTime, enum_column


class KeyKind(enum.StrEnum):
    CLIENT = "client"  # an application: submits and follows items for citizens
    PERSONAL = "personal"  # an officer's own token: acts as that officer


#: What a client app may do by default, per key (Flask-Limiter's notation).
DEFAULT_CLIENT_LIMIT = "120/minute"
DEFAULT_PERSONAL_LIMIT = "300/minute"


class ApiKey(db.Model):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[KeyKind] = mapped_column(enum_column(KeyKind, "api_key_kind"))
    name: Mapped[str] = mapped_column(sa.String(120))
    # The first characters of the key, shown in lists so that an operator can tell keys apart.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    rate_limit: Mapped[str] = mapped_column(sa.String(40))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    __table_args__ = (
        # A personal token belongs to an officer; a client key to nobody.
        sa.CheckConstraint("(kind = 'personal') = (user_id IS NOT NULL)", name="personal_has_user"),
    )

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
