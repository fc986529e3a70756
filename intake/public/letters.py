"""The citizen's official letters: after code and key have opened the item on this browser
(the same proof as the tracking page), the letters its history calls for, as PDF."""

from __future__ import annotations

from intake.letters.download import find_letter_event, issue_for_download, letter_list, pdf_response
from intake.public.blueprint import bp
from intake.public.tracking import _tracked_case


@bp.context_processor
def _letters():
    return {"case_letters": letter_list}


@bp.get("/track/<code>/letters/<kind>/<id:event_id>.pdf")
def track_letter(code: str, kind: str, event_id: int):
    case = _tracked_case(code)  # back to /track, with no PDF, unless code and key opened it
    event = find_letter_event(case, kind, event_id)
    return pdf_response(case, issue_for_download(case, event))
