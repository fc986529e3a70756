"""The intake office's print queue: a notice that goes by letter waits in the outbox until an
officer has printed and posted it, then is marked posted, one or many at a time, and the
posting is recorded on each item's history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from intake.accounts.models import User
from intake.cases import permissions as perms
from intake.cases.events import record_event
from intake.cases.models import Case
from intake.core.errors import NotAllowed
from intake.core.states import EventKind
from intake.extensions import db
from intake.notifications.models import OutboxChannel, OutboxMessage, OutboxStatus


def letters_to_post() -> sa.Select:
    """Letters waiting to be posted, oldest first."""
    return (
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.channel == OutboxChannel.LETTER,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )


def mark_letters_posted(message_ids: Iterable[int], *, actor: User, now: datetime) -> int:
    """Mark the chosen letters posted; returns how many this call marked.

    Each is a conditional UPDATE from "pending", so two officers marking the same letter at
    once record it once; one already posted is skipped, not an error, unless none is left."""
    if not perms.is_intake_officer(actor):
        raise NotAllowed(_l("chỉ bộ phận tiếp nhận gửi văn bản qua bưu điện"))
    ids = sorted({i for i in message_ids if isinstance(i, int)})
    if not ids:
        raise NotAllowed(_l("chưa chọn văn bản nào"))
    letters = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.id.in_(ids), OutboxMessage.channel == OutboxChannel.LETTER
        )
    ).all()
    posted = 0
    for letter in letters:
        marked = db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == letter.id, OutboxMessage.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.SENT, sent_at=now, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        if marked != 1:
            continue
        posted += 1
        case = db.session.get(Case, letter.case_id)
        record_event(
            case,
            EventKind.LETTER_POSTED,
            actor=actor,
            now=now,
            details={"notice": letter.template, "outbox_id": letter.id},
            is_public=True,
        )
    if not posted:
        raise NotAllowed(_l("các văn bản đã chọn đã được đánh dấu gửi"))
    return posted
