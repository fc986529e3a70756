"""Officers' downloads of the official letters of a case: whoever may see the case page may
download its letters (404 otherwise, as for the page). The print queue links here too."""

from __future__ import annotations

from intake.letters.download import find_letter_event, issue_for_download, letter_list, pdf_response
from intake.officer.blueprint import bp
from intake.officer.case_page import load_case


@bp.context_processor
def _letters():
    return {"case_letters": letter_list}


@bp.get("/cases/<id:case_id>/letters/<kind>.pdf", defaults={"event_id": None})
@bp.get("/cases/<id:case_id>/letters/<kind>/<id:event_id>.pdf")
def letter_pdf(case_id: int, kind: str, event_id: int | None):
    """The letter of ``kind`` (a notice name: receipt, info_requested, rejected, transferred,
    answered, reopened) for one event, or for the latest event of that kind."""
    case = load_case(case_id)
    event = find_letter_event(case, kind, event_id)
    return pdf_response(case, issue_for_download(case, event))
