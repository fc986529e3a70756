"""Issuing letters: which letters an item's history calls for, the number a letter gets the
first time it is issued, and its PDF.

Nothing here commits: a download runs ``issued_letter`` through the request's one commit
(``intake.web.lifecycle.perform``), the print queue in its own transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from intake.cases.models import Case, CaseEvent
from intake.core.calendar import local_date
from intake.extensions import db
from intake.letters.content import (
    DOCUMENT_TYPE,
    EVENT_KINDS,
    KIND_OF_EVENT,
    LetterContent,
    LetterKind,
    assemble,
    issuing_unit,
    unit_symbol,
)
from intake.letters.models import IssuedLetter

#: Tries at a number when another request took the same one at the same moment.
ATTEMPTS = 5


def letter_events(case: Case, *, public_only: bool = True) -> list[CaseEvent]:
    """The history entries of ``case`` that have a letter, oldest first. An answer replaced
    after a reconsideration keeps its letter only if it was issued before (its text is gone)."""
    query = (
        sa.select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind.in_(list(KIND_OF_EVENT)))
        .order_by(CaseEvent.seq)
    )
    if public_only:
        query = query.where(CaseEvent.is_public)
    events = db.session.scalars(query).all()
    answers = [e for e in events if KIND_OF_EVENT[e.kind] is LetterKind.ANSWER]
    issued = set(
        db.session.scalars(
            sa.select(IssuedLetter.event_id).where(IssuedLetter.case_id == case.id)
        ).all()
    )
    stale = {e.id for e in answers[:-1] if e.id not in issued}
    return [e for e in events if e.id not in stale]


def latest_event(case: Case, kind: LetterKind) -> CaseEvent | None:
    return db.session.scalar(
        sa.select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind.in_(list(EVENT_KINDS[kind])))
        .order_by(CaseEvent.seq.desc())
        .limit(1)
    )


def issued_letter(case: Case, event: CaseEvent) -> IssuedLetter:
    """The letter for ``event``, issued now if it never was: numbered after the last number
    of its issuing unit in the year of its date, its text kept as issued."""
    existing = _existing(event)
    if existing is not None:
        return existing
    kind = KIND_OF_EVENT[event.kind]
    unit = issuing_unit(case, event, kind)
    day = local_date(event.at)
    for _attempt in range(ATTEMPTS):
        last = db.session.scalar(
            sa.select(sa.func.max(IssuedLetter.number)).where(
                IssuedLetter.issuing_unit_id == unit.id, IssuedLetter.year == day.year
            )
        )
        number = (last or 0) + 1
        reference = f"{number:02d}/{DOCUMENT_TYPE[kind]}-{unit_symbol(unit)}"
        content = assemble(case, event, kind, unit=unit, reference=reference)
        letter = IssuedLetter(
            case_id=case.id,
            event_id=event.id,
            kind=str(kind),
            issuing_unit_id=unit.id,
            year=day.year,
            number=number,
            reference=reference,
            issued_on=day,
            content=content.to_stored(),
        )
        try:
            with db.session.begin_nested():
                db.session.add(letter)
        except IntegrityError:
            # The same letter issued by another request, or its number taken: look again.
            existing = _existing(event)
            if existing is not None:
                return existing
            continue
        return letter
    raise RuntimeError(f"no free letter number for unit {unit.id} in {day.year}")


def _existing(event: CaseEvent) -> IssuedLetter | None:
    return db.session.scalar(sa.select(IssuedLetter).where(IssuedLetter.event_id == event.id))


def letter_pdf(letter: IssuedLetter, *, access_key: str | None = None) -> bytes:
    # Imported at the first letter drawn, not with the app: fpdf2 brings Pillow and fontTools,
    # 20 MB in every gunicorn worker, most of which never draws a letter.
    from intake.letters.render import render_letter_pdf

    content = LetterContent.from_stored(letter.content)
    content.access_key = access_key
    return render_letter_pdf(content)


def render_notice_pdf(
    case: Case,
    kind: LetterKind | str,
    *,
    event: CaseEvent | None = None,
    access_key: str | None = None,
) -> bytes:
    """The PDF of the letter for notice ``kind`` (a ``LetterKind`` or the e-mail template's
    name: "receipt", "info_requested", "rejected", "transferred", "answered", "reopened") —
    for ``event``, or the latest event of that kind. Issues it (number, stored text) the first
    time, in the caller's transaction, which the caller commits. ``access_key`` is printed on
    a receipt when given (the print queue has it at receipt time); it is never stored."""
    kind = LetterKind(kind)
    event = event or latest_event(case, kind)
    if event is None or KIND_OF_EVENT.get(event.kind) is not kind:
        raise LookupError(f"case {case.id} has no {kind} to write a letter about")
    return letter_pdf(issued_letter(case, event), access_key=access_key)


def download_name(case: Case, letter: IssuedLetter) -> str:
    """A file name that says what it is without personal data: code, kind and number."""
    number = letter.reference.split("/")[0]
    return f"{case.reference_code}-{letter.kind}-{number}.pdf"
