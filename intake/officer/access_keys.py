"""A new access key for a citizen who lost theirs and called or came in (DOMAIN.md §5): the
``reissue_key`` verb, whose form is on the case page. Its answer is not a redirect with a
message, because the key would then travel in the session cookie's flash: the page that
answers the POST shows it once, and is never cached."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from intake import clock
from intake.cases.verbs import VERBS
from intake.officer.action_forms import ACTION_FORMS
from intake.officer.blueprint import bp, me
from intake.officer.case_page import VERB_PATHS, after_action, load_case, render_case_page
from intake.web.lifecycle import perform

NAME = "reissue_key"


@bp.post(f"/cases/<id:case_id>/{VERB_PATHS[NAME]}", endpoint=NAME)
def reissue_key(case_id: int):
    verb = VERBS[NAME]
    case = load_case(case_id)
    if not verb.is_available(current_user, case):
        abort(403)
    form = ACTION_FORMS[NAME].for_case(case, posted=True)
    if not form.validate_on_submit():
        return render_case_page(case, 422, **{NAME: form})
    outcome = perform(
        lambda: verb.operation(
            case, actor=me(), now=clock.now(), expected_version=form.expected_version,
            **form.inputs(),
        )
    )  # fmt: skip
    if not outcome.ok:
        return after_action(case_id, NAME, form, outcome, render_case_page)
    page = render_template("officer/access_key_reissued.html", case=case, access_key=outcome.value)
    return page, 200, {"Cache-Control": "no-store"}
