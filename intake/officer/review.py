"""The review of a unit's answer before it leaves (QĐ 31/2021 Art. 46): the texts with the
personal data the system found highlighted and masked, then publish — through the same
lifecycle as every verb — or return for rework (a verb of the case page)."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from intake import clock
from intake.cases.models import Case
from intake.cases.operations.review import known_personal_data
from intake.cases.verbs import VERBS
from intake.core import redaction
from intake.officer.action_forms import ReviewForm, ReworkForm
from intake.officer.blueprint import bp, me
from intake.officer.case_page import after_action, load_case
from intake.web.lifecycle import perform


@bp.get("/cases/<id:case_id>/review")
def review(case_id: int):
    case = load_case(case_id)
    if not VERBS["publish"].is_available(current_user, case):
        abort(403)
    return render_review(case)


def render_review(case: Case, status: int = 200, publish=None):
    known = known_personal_data(case)
    texts = {
        "title": case.title,
        "content": case.content,
        "answer": case.answer_public_text or "",
        "letter": case.answer_letter or "",
    }
    return render_template(
        "officer/review.html",
        case=case,
        form=publish or ReviewForm.for_case(case),
        rework_form=ReworkForm.for_case(case),
        segments={k: redaction.highlight_segments(v, known=known) for k, v in texts.items()},
        findings={k: redaction.find_personal_data(v, known) for k, v in texts.items()},
    ), status


@bp.post("/cases/<id:case_id>/publish")
def publish(case_id: int):
    verb = VERBS["publish"]
    case = load_case(case_id)
    if not verb.is_available(current_user, case):
        abort(403)
    form = ReviewForm.for_case(case, posted=True)
    if not form.validate_on_submit():
        return render_review(case, 422, publish=form)
    outcome = perform(
        lambda: verb.operation(
            case, actor=me(), now=clock.now(), expected_version=form.expected_version,
            **form.inputs(),
        )
    )  # fmt: skip
    return after_action(case_id, "publish", form, outcome, render_review)
