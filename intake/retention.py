"""Retention (DOMAIN §6, Decree 13/2023): the personal data of an item that ended long enough
ago is anonymised and its attachments deleted, by the worker, a batch per round.

What stays: the item's code, dates, states, field, procedure, units, deadlines and rating
score — everything the reports, the statistics and the published answer are made of — and
every event, so that ``audit-verify`` still verifies the history: an event whose note is erased
is sealed first (``anchors.seal_erasure``). What goes: the submitter's name (for an
organisation, the name of the person acting for it), an individual's tax code, the address,
phone, e-mail and ID number; the content and proposed solution (replaced by the published,
redacted text where there is one); the letter to the citizen; the rating comment; the notes of
events; the recipients and bodies of the notices sent; the attachments.
An item is anonymised once: ``anonymised_at`` says when.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from intake.cases.anchors import EventErasure, seal_erasure
from intake.cases.events import event_hash, record_event
from intake.cases.models import Attachment, Case, CaseEvent, SubmitterType
from intake.cases.sources import SubmissionSource
from intake.core.states import FINAL_STATES, EventKind
from intake.extensions import db
from intake.letters.models import IssuedLetter
from intake.notifications.models import OutboxMessage, OutboxStatus
from intake.transaction import after_commit

#: What the anonymised submitter is called on every page that still shows the item.
ANONYMOUS = "—"
ANONYMISED_LETTER_BODY = "(Nội dung đã được ẩn danh khi hết thời hạn lưu trữ.)"
DEFAULT_RETENTION_YEARS = 5


@dataclass
class RetentionReport:
    anonymised: list[str] = field(default_factory=list)  # reference codes
    attachments_deleted: int = 0
    notes_erased: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.anonymised)} item(s) anonymised, {self.notes_erased} note(s) erased, "
            f"{self.attachments_deleted} attachment(s) deleted"
        )


def retention_cutoff(now: datetime) -> datetime:
    """Items that ended before this instant are anonymised. Years of 365.25 days: the exact
    calendar day does not matter for a five-year period."""
    years = float(current_app.config.get("RETENTION_YEARS", DEFAULT_RETENTION_YEARS))
    return now - timedelta(days=365.25 * years)


def due_for_anonymisation(now: datetime, *, limit: int | None = None) -> list[Case]:
    """Ended items past the retention period that still hold personal data, oldest first."""
    query = (
        sa.select(Case)
        .where(
            Case.state.in_(FINAL_STATES),
            Case.closed_at < retention_cutoff(now),
            Case.anonymised_at.is_(None),
        )
        .order_by(Case.closed_at, Case.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def anonymise_due(now: datetime, *, limit: int = 200) -> RetentionReport:
    """Anonymise up to ``limit`` items that are due. Does not commit: the caller commits once,
    and the attachment files are deleted only after that commit."""
    report = RetentionReport()
    for case in due_for_anonymisation(now, limit=limit):
        anonymise_case(case, now, report)
    return report


def anonymise_case(case: Case, now: datetime, report: RetentionReport) -> None:
    # Lock the item, as every writer of its history does, so that no event is appended while
    # its notes are sealed and erased.
    db.session.execute(sa.select(Case.id).where(Case.id == case.id).with_for_update())
    db.session.refresh(case)
    if case.anonymised_at is not None:  # another worker was first
        return
    # An organisation's name and tax code are not personal data (Decree 13 protects natural
    # persons) and the reports count by them; the person acting for it is.
    if case.submitter_type is not SubmitterType.ORGANISATION:
        case.tax_code = None
    for name in ("phone", "email", "id_number"):
        setattr(case, name, None)
    case.full_name = ANONYMOUS
    case.address = ANONYMOUS
    case.content = case.published_content or ANONYMOUS
    case.proposed_solution = None
    case.answer_letter = None
    case.rating_comment = None
    case.search_text = ""  # nothing personal left to find it by; the code is still its name
    case.anonymised_at = now
    report.notes_erased += _erase_event_notes(case, now)
    report.attachments_deleted += _delete_attachments(case)
    _anonymise_notices(case)
    _anonymise_letters(case)
    # Where the submission came from (a keyed digest of the address) is personal data too.
    db.session.execute(sa.delete(SubmissionSource).where(SubmissionSource.case_id == case.id))
    record_event(case, EventKind.ANONYMISED, actor="system", now=now)
    report.anonymised.append(case.reference_code)


def _erase_event_notes(case: Case, now: datetime) -> int:
    sealed = sa.select(EventErasure.event_id)
    events = db.session.scalars(
        sa.select(CaseEvent).where(
            CaseEvent.case_id == case.id,
            CaseEvent.note.is_not(None),
            CaseEvent.id.not_in(sealed),
        )
    )
    erased = 0
    for event in events:
        if event_hash(event) != event.hash:
            # Sealing an edited event would vouch for the edit: leave it for audit-verify.
            continue
        seal_erasure(event, now)
        event.note = None
        erased += 1
    return erased


def _delete_attachments(case: Case) -> int:
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    attachments = list(
        db.session.scalars(sa.select(Attachment).where(Attachment.case_id == case.id))
    )
    paths = [upload_dir / a.storage_key for a in attachments]
    for attachment in attachments:
        db.session.delete(attachment)

    def delete_files() -> None:
        for path in paths:
            with contextlib.suppress(FileNotFoundError):  # gone already: that is the aim
                os.remove(path)

    after_commit(db.session, delete_files)
    return len(attachments)


def _anonymise_letters(case: Case) -> None:
    """Official letters keep their number, date, issuer and summary (the register of outgoing
    documents); the addressee and the body go."""
    for letter in db.session.scalars(
        sa.select(IssuedLetter).where(IssuedLetter.case_id == case.id)
    ):
        letter.content = {
            **letter.content,
            "salutation": None,
            "paragraphs": [ANONYMISED_LETTER_BODY],
            "recipients": [ANONYMOUS],
        }


def _anonymise_notices(case: Case) -> None:
    """Notices already sent keep their date and kind, not their recipient or text. Notices
    still to be sent are left alone: an item ended five years ago has none."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.case_id == case.id, OutboxMessage.status != OutboxStatus.PENDING)
        .values(recipient=ANONYMOUS, subject=ANONYMOUS, body_text=ANONYMOUS, body_html=None)
    )
