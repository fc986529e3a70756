"""``GET /officer/cases/{code}``: a case as the case page shows this officer — its history,
clocks and due dates, attachments (their metadata), cooperation requests, and the verbs
they may do now. Like the page, the view is written in the processing log (Decree 13/2023)
before anything personal is sent, and nothing is sent when it cannot be written (503)."""

from __future__ import annotations

from flask_babel import gettext as _

from intake.api.officers import blp, documented, me
from intake.api.officers.schemas import CaseDetailSchema
from intake.api.officers.views import detail, load_case
from intake.api.problems import ProblemError
from intake.audit.recording import record_personal_data_view
from intake.web.lifecycle import perform

#: The processing log's ``detail`` for a view through the API (the page writes "case_page").
VIEW_DETAIL = "api_case"


@blp.route("/cases/<string:code>")
@blp.response(200, CaseDetailSchema)
@documented(404, 503)
def show_case(code: str):
    """Một hồ sơ, như trang hồ sơ. A case as its page shows it.

    To this officer only (404 when they may not see it); the view is recorded in the processing
    log first (503 when it cannot be)."""
    user = me()
    case = load_case(code, user)
    if not perform(lambda: record_personal_data_view(case, VIEW_DETAIL)).ok:
        raise ProblemError(503, _("Không ghi được nhật ký xử lý dữ liệu; vui lòng thử lại sau."))
    return detail(case, user)
