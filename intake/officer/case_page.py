"""The case page, and the one door through which an officer does every verb of
``intake.cases.verbs``: load the case (404 if the officer may not see it) → check the verb is
available to them now → validate its form → ``perform`` the operation (commit once) → flash
and redirect; or show the page again with the form as it was filled in and the reason."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from intake import clock
from intake.cases import operations as ops
from intake.cases import permissions as perms
from intake.cases import queries
from intake.cases.labels import REJECT_REASON_TEMPLATES
from intake.cases.models import Attachment, Case, CooperationRequest
from intake.cases.verbs import VERBS, Door, available_actions, verbs_for
from intake.extensions import db
from intake.officer.action_forms import ACTION_FORMS, CooperationReplyForm
from intake.officer.blueprint import bp, me
from intake.org.models import Unit
from intake.org.routing import suggestion_for
from intake.web.lifecycle import perform, stale_message, verb_view

#: Verbs whose form is not on the case page: publishing has the review page, and a reply to a
#: cooperation request has one form per open request.
OWN_PAGE_VERBS = frozenset({"publish", "reply_cooperation"})

#: What the officer is told after each verb succeeded.
DONE_MESSAGES = {
    "classify": _l("Đã lưu phân loại."),
    "assign": _l("Đã chuyển đơn vị xử lý."),
    "reject": _l("Đã từ chối tiếp nhận và thông báo cho người gửi."),
    "transfer": _l("Đã chuyển cơ quan có thẩm quyền."),
    "request_info": _l("Đã gửi đề nghị bổ sung thông tin cho người gửi."),
    "duplicate": _l("Đã xác định trùng lặp và thông báo cho người gửi."),
    "accept": _l("Đơn vị đã tiếp nhận xử lý."),
    "return_case": _l("Đã trả lại bộ phận tiếp nhận."),
    "assign_handler": _l("Đã giao cán bộ xử lý."),
    "note": _l("Đã thêm ghi chú nội bộ."),
    "cooperate": _l("Đã gửi đề nghị phối hợp."),
    "defer": _l("Đã chuyển sang tiếp tục nghiên cứu."),
    "resume": _l("Đã tiếp tục xử lý."),
    "answer": _l("Đã lưu dự thảo trả lời."),
    "rework": _l("Đã trả lại đơn vị để hoàn thiện."),
    "request_extension": _l("Đã gửi đề nghị gia hạn cho lãnh đạo đơn vị."),
    "decide_extension": _l("Đã ghi nhận quyết định gia hạn."),
    "publish": _l("Đã duyệt, gửi kết quả cho người gửi và công khai."),
    "reply_cooperation": _l("Đã gửi ý kiến phối hợp."),
}

#: The path of each verb under /officer/cases/<id>/ (kept from the first version's URLs).
VERB_PATHS = {
    "request_info": "request-info",
    "return_case": "return",
    "assign_handler": "assign-handler",
    "request_extension": "extension",
    "decide_extension": "extension/decision",
}


def load_case(case_id: int) -> Case:
    """The case, or 404 when it does not exist or this officer may not see it."""
    case = db.session.get(Case, case_id)
    if case is None or not perms.can_view(current_user, case):
        abort(404)
    return case


@bp.get("/cases/<id:case_id>")
def case_detail(case_id: int):
    return render_case_page(load_case(case_id))


def render_case_page(case: Case, status: int = 200, **bound_forms):
    """The case page with a form for every verb available to this officer now; a form that
    was just posted and refused is shown as it was filled in."""
    user = current_user
    actions = available_actions(user, case)
    action_forms = {
        name: ACTION_FORMS[name].for_case(case) for name in actions if name not in OWN_PAGE_VERBS
    }
    action_forms.update(bound_forms)
    replies = {
        r.id: CooperationReplyForm(formdata=None, prefix=f"coop{r.id}")
        for r in perms.open_cooperation_for(user, case)
    }
    return render_template(
        "officer/case_detail.html",
        case=case,
        history=db.session.scalars(queries.full_history(case)).all(),
        forms=action_forms,
        reply_forms=replies,
        reject_templates={str(k): str(v) for k, v in REJECT_REASON_TEMPLATES.items()},
        suggestion=suggestion_for(case.field_id, case.procedure_id),
        units_by_id={u.id: u for u in db.session.scalars(sa.select(Unit))},
        now=clock.now(),
        can_review="publish" in actions,
        bounce_threshold=current_app.config["BOUNCE_FLAG_THRESHOLD"],
        duplicates=queries.duplicate_candidates(case, now=clock.now())
        if "duplicate" in actions
        else [],
    ), status


def act(verb_name: str, case_id: int):
    """The one door of every verb on the case page (registered below, one URL per verb)."""
    verb = VERBS[verb_name]
    case = load_case(case_id)
    if not verb.is_available(current_user, case):
        return _not_available(case)
    form = ACTION_FORMS[verb_name].for_case(case, posted=True)
    if not form.validate_on_submit():
        return render_case_page(case, 422, **{verb_name: form})
    outcome = perform(
        lambda: verb.operation(
            case,
            actor=me(),
            now=clock.now(),
            expected_version=form.expected_version,
            **form.inputs(),
        )
    )
    return after_action(case_id, verb_name, form, outcome, render_case_page)


def _not_available(case: Case):
    """Offered on the page the officer saw but not any more: say so and show the item now.
    Never offered to this officer: 403 (they can see the case, so it exists for them)."""
    if request.form.get("version") not in (None, "", str(case.version)):
        flash(stale_message(), "warning")
        return redirect(url_for("officer.case_detail", case_id=case.id), code=303)
    abort(403)


def after_action(case_id: int, verb_name: str, form, outcome, render):
    if outcome.ok:
        message = DONE_MESSAGES[verb_name]
        if verb_name == "answer" and request.form.get("submit_for_review"):
            message = _("Đã trình kết quả để duyệt.")
        flash(str(message))
        return _back_to(case_id)
    refusal = outcome.refusal
    if not refusal.keeps_form:
        flash(refusal.message, "warning")
        return redirect(url_for("officer.case_detail", case_id=case_id), code=303)
    # Shown with the form as it was filled in, so that nothing typed is lost.
    flash(_("Không thực hiện được: %(reason)s", reason=refusal.message), "warning")
    refusal.attach_to(form)
    return render(db.session.get(Case, case_id), 422, **{verb_name: form})


def _back_to(case_id: int):
    """The case page, or the officer's queue when the case has left their sight (a unit that
    returned an item to the intake office no longer sees it)."""
    case = db.session.get(Case, case_id)
    if case is None or not perms.can_view(current_user, case):
        return redirect(url_for("officer.home"), code=303)
    return redirect(url_for("officer.case_detail", case_id=case_id), code=303)


for _name in verbs_for(Door.OFFICER):
    if _name not in OWN_PAGE_VERBS:
        bp.add_url_rule(
            f"/cases/<id:case_id>/{VERB_PATHS.get(_name, _name)}",
            endpoint=_name,
            view_func=verb_view(_name, act),
            methods=["POST"],
        )


@bp.post("/cases/<id:case_id>/cooperation/<id:request_id>/reply")
def reply_cooperation(case_id: int, request_id: int):
    """The cooperating unit's reply: the verb acts on one request of the case."""
    case = load_case(case_id)
    cooperation = db.session.get(CooperationRequest, request_id)
    if cooperation is None or cooperation.case_id != case_id:
        abort(404)
    if cooperation not in perms.open_cooperation_for(current_user, case):
        return _not_available(case)
    name = f"reply_{request_id}"
    form = CooperationReplyForm(prefix=f"coop{request_id}")
    if not form.validate_on_submit():
        return render_case_page(case, 422, **{name: form})
    outcome = perform(
        lambda: ops.reply_cooperation(
            cooperation, actor=me(), now=clock.now(), reply=form.reply.data
        )
    )
    if outcome.ok:
        flash(str(DONE_MESSAGES["reply_cooperation"]))
        return _back_to(case_id)
    flash(outcome.refusal.message, "warning")
    return redirect(url_for("officer.case_detail", case_id=case_id), code=303)


@bp.get("/attachments/<id:attachment_id>")
def attachment(attachment_id: int):
    item = db.session.get(Attachment, attachment_id)
    if item is None or not perms.can_download_attachments(current_user, item.case):
        abort(404)
    path = Path(current_app.config["UPLOAD_DIR"]) / item.storage_key
    if not path.is_file():
        abort(404)
    return send_file(
        path, mimetype=item.content_type, as_attachment=True, download_name=item.original_name
    )
