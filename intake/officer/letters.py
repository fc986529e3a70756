"""Officers' downloads of the official letters of a case: whoever may see the case page may
download its letters (404 otherwise, as for the page). The print queue links here too."""

from __future__ import annotations

from flask import abort, request

from intake.letters.download import find_letter_event, issue_for_download, letter_list, pdf_response
from intake.officer.blueprint import bp
from intake.officer.case_page import load_case, record_view
from intake.web.params import id_param


@bp.context_processor
def _letters():
    return {"case_letters": letter_list}


@bp.get("/cases/<id:case_id>/letters/<kind>.pdf")
def letter_pdf(case_id: int, kind: str):
    """The letter of ``kind`` (a notice name: receipt, info_requested, rejected, transferred,
    answered, reopened) for the latest event of that kind, or for ``?event=<id>``."""
    case = load_case(case_id)
    event_id = None
    if "event" in request.args:
        event_id = id_param(request.args["event"])
        if event_id is None:
            abort(404)
    event = find_letter_event(case, kind, event_id)
    record_view(case, "letter", f"{case.reference_code} {kind}")
    return pdf_response(case, issue_for_download(case, event))
