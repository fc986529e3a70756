"""Serving a letter: issue it if it never was (one commit, through the request lifecycle),
then the PDF with headers fit for a document full of personal data."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort

from intake.cases.models import Case, CaseEvent
from intake.extensions import db
from intake.letters.content import KIND_OF_EVENT, LETTER_LABELS, LetterKind
from intake.letters.issue import download_name, issued_letter, letter_events, letter_pdf
from intake.letters.models import IssuedLetter
from intake.web.lifecycle import perform


def letter_list(case: Case) -> list[dict]:
    """What the download lists show: one row per letter the history calls for."""
    issued = {letter.event_id: letter for letter in case_letters(case)}
    rows = []
    for event in letter_events(case):
        kind = KIND_OF_EVENT[event.kind]
        letter = issued.get(event.id)
        rows.append(
            {
                "kind": str(kind),
                "label": LETTER_LABELS[kind],
                "event": event,
                "reference": letter.reference if letter else None,
            }
        )
    return rows


def case_letters(case: Case) -> list[IssuedLetter]:
    return list(db.session.scalars(sa.select(IssuedLetter).where(IssuedLetter.case_id == case.id)))


def find_letter_event(case: Case, kind: str, event_id: int | None) -> CaseEvent:
    """The event of ``case`` whose letter of ``kind`` is asked for (the latest of that kind
    when no event is named), or 404."""
    try:
        wanted = LetterKind(kind)
    except ValueError:
        abort(404)
    events = [e for e in letter_events(case) if KIND_OF_EVENT[e.kind] is wanted]
    if event_id is not None:
        events = [e for e in events if e.id == event_id]
    if not events:
        abort(404)
    return events[-1]


def issue_for_download(case: Case, event: CaseEvent) -> IssuedLetter:
    """Issue through ``perform`` (commit once, or roll back and refuse), then reload."""
    outcome = perform(lambda: issued_letter(case, event).id)
    if not outcome.ok:
        abort(409)
    return db.session.get(IssuedLetter, outcome.value)


def pdf_response(case: Case, letter: IssuedLetter) -> Response:
    response = Response(letter_pdf(letter), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{download_name(case, letter)}"'
    )
    # A letter carries the citizen's name and address: no cache, shared or private, keeps it.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
