"""One row per administrative change or per view of personal data, never updated or deleted
(database triggers refuse it on both databases, see migration 0007_audit)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.accounts.models import User
from intake.extensions import db
from intake.sqltypes import UTCDateTime, enum_column


class AuditAction(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    VIEW = "view"  # an officer saw an item's personal data


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # Who acted when nobody is signed in: "cli" (a command) or "system" (the worker, the demo).
    actor_label: Mapped[str] = mapped_column(sa.String(40), default="")
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction, "audit_action"))
    # What was changed or seen: "user", "unit", … or "case"; and, for a view, which part
    # ("case_page", "attachment", …).
    target_type: Mapped[str] = mapped_column(sa.String(40))
    target_id: Mapped[int | None]
    # A name kept with the entry (an e-mail, a unit's name, an item's code): the log stays
    # readable after the target is renamed or deleted, and searchable by it.
    target_label: Mapped[str] = mapped_column(sa.String(300), default="")
    detail: Mapped[str] = mapped_column(sa.String(60), default="")
    # {column: [before, after]}; secrets appear as changed, never with their values.
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # Folded target label and actor (name, e-mail): what the log's search matches.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    remote_addr: Mapped[str | None] = mapped_column(sa.String(64))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))

    actor: Mapped[User | None] = relationship()

    __table_args__ = (sa.Index("ix_audit_log_target", "target_type", "target_id"),)


# Append-only in the database too, not only in the code: an UPDATE or DELETE of a log row is
# refused by a trigger (the migration creates the same ones). TRUNCATE, the owner's tool, is
# not guarded: whoever can run it can also drop the trigger.
_SQLITE_GUARDS = [
    f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
_POSTGRES_GUARDS = [
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
]
for _statement in _SQLITE_GUARDS:
    sa.event.listen(
        AuditEntry.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="sqlite")
    )
for _statement in _POSTGRES_GUARDS:
    sa.event.listen(
        AuditEntry.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="postgresql")
    )
