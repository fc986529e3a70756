"""The case page, and the one door through which an officer does every verb of
``intake.cases.verbs``: load the case (404 if the officer may not see it) → check the verb is
available to them now → validate its form → ``perform`` the operation (commit once) → flash
and redirect; or show the page again with the form as it was filled in and the reason."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from intake import clock
from intake.audit.recording import record_personal_data_view
from intake.cases import operations as ops
from intake.cases import permissions as perms
from intake.cases import queries
from intake.cases.labels import REJECT_REASON_TEMPLATES
from intake.cases.models import Attachment, Case, CooperationRequest
from intake.cases.verbs import VERBS, Door, available_actions, verbs_for
from intake.extensions import db
from intake.officer.action_forms import ACTION_FORMS, CooperationReplyForm
from intake.officer.blueprint import bp, me
from intake.officer.triage import routing_map
from intake.org.models import Unit
from intake.org.routing import suggestion_for
from intake.web.lifecycle import perform, stale_message, verb_view
from intake.web.params import id_param

#: Verbs whose form is not on the case page: publishing has the review page, and a reply to a
#: cooperation request has one form per open request.
OWN_PAGE_VERBS = frozenset({"publish", "reply_cooperation"})
#: Verbs whose form is on the case page but whose answer is a page of its own, not a redirect:
#: a re-issued access key is shown once, there (``intake.officer.access_keys``).
OWN_ANSWER_VERBS = frozenset({"reissue_key"})

#: What the officer is told after each verb succeeded.
DONE_MESSAGES = {
    "classify": _l("Đã lưu phân loại."),
    "triage": _l("Đã phân loại và chuyển đơn vị xử lý."),
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
    "reissue_key": _l("Đã cấp lại mã tra cứu."),
}

#: The path of each verb under /officer/cases/<id>/ (kept from the first version's URLs).
VERB_PATHS = {
    "request_info": "request-info",
    "return_case": "return",
    "assign_handler": "assign-handler",
    "request_extension": "extension",
    "decide_extension": "extension/decision",
    "reissue_key": "reissue-key",
}


#: The action bar's links to the forms of the page, in the order of a day's work.
ACTION_LINKS = (
    ("triage", _l("Phân loại, chuyển xử lý")),
    ("answer", _l("Trả lời")),
    ("rework", _l("Trả lại để hoàn thiện")),
    ("assign_handler", _l("Giao cán bộ")),
    ("cooperate", _l("Đề nghị phối hợp")),
    ("request_info", _l("Đề nghị bổ sung")),
    ("request_extension", _l("Xin gia hạn")),
    ("decide_extension", _l("Quyết định gia hạn")),
    ("defer", _l("Tiếp tục nghiên cứu")),
    ("return_case", _l("Trả lại bộ phận tiếp nhận")),
    ("transfer", _l("Chuyển ngoài tỉnh")),
    ("duplicate", _l("Trùng lặp")),
    ("reject", _l("Không tiếp nhận")),
)

#: Verbs after which the item leaves the intake officer's desk: they go on to the next item
#: of their queue (the message names the item they just finished).
TO_QUEUE_VERBS = frozenset({"triage", "assign", "reject", "transfer", "duplicate", "request_info"})

#: Verbs whose fields live in the triage form on the page: a refusal shows that form again.
TRIAGE_PARTS = frozenset({"classify", "assign"})


def load_case(case_id: int) -> Case:
    """The case, or 404 when it does not exist or this officer may not see it."""
    case = db.session.get(Case, case_id)
    if case is None or not perms.can_view(current_user, case):
        abort(404)
    return case


@bp.get("/cases/<id:case_id>")
def case_detail(case_id: int):
    case = load_case(case_id)
    record_view(case, "case_page")
    return render_case_page(case)


def record_view(case: Case, detail: str, label: str = "") -> None:
    """The processing log's line for what this officer is about to see (Decree 13/2023);
    nothing personal is shown when it cannot be written."""
    if not perform(lambda: record_personal_data_view(case, detail, label=label)).ok:
        abort(503)


def render_case_page(case: Case, status: int = 200, **bound_forms):
    """The case page with a form for every verb available to this officer now; a form that
    was just posted and refused is shown as it was filled in."""
    user = current_user
    actions = available_actions(user, case)
    action_forms = {
        name: ACTION_FORMS[name].for_case(case) for name in actions if name not in OWN_PAGE_VERBS
    }
    action_forms.update(bound_forms)
    triage = action_forms.get("triage")
    units_by_id = {u.id: u for u in db.session.scalars(sa.select(Unit))}
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
        suggestion=_suggestion(case, triage),
        routing_map=routing_map() if triage is not None else None,
        units_by_id=units_by_id,
        unit_names={str(i): u.display_name(str(get_locale())) for i, u in units_by_id.items()}
        if triage is not None
        else {},
        action_links=ACTION_LINKS,
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
    if verb_name == "triage" and request.form.get("suggest"):
        form.suggest()  # the no-JavaScript path: the suggestion follows the posted field
        return render_case_page(case, 200, triage=form)
    if verb_name in ("answer", "reject") and request.form.get("insert_template"):
        form.insert_template()  # the no-JavaScript path: the page again, the text inserted
        return render_case_page(case, 200, **{verb_name: form})
    if not form.validate_on_submit():
        return render_case_page(case, 422, **_bound(case, verb_name, form))
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


def _bound(case: Case, verb_name: str, form) -> dict:
    """The posted form to show again; classify and assign are parts of the triage form."""
    if verb_name not in TRIAGE_PARTS or "triage" not in available_actions(current_user, case):
        return {verb_name: form}
    triage = ACTION_FORMS["triage"].for_case(case, posted=True)
    triage.form_errors.extend(form.form_errors)
    for name, messages in form.errors.items():
        if name in triage and name != "csrf_token":
            triage[name].errors = list(triage[name].errors) + list(messages)
    return {verb_name: form, "triage": triage}


def _suggestion(case: Case, triage):
    """The routing suggestion for the field and procedure on the form (as posted, after a
    "suggest" submit), else as classified."""
    if triage is not None and triage.is_submitted():
        return suggestion_for(id_param(triage.field_id.data), id_param(triage.procedure_id.data))
    return suggestion_for(case.field_id, case.procedure_id)


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
        case = db.session.get(Case, case_id)
        if verb_name in TO_QUEUE_VERBS and case is not None:
            flash(f"{case.reference_code}: {message}")
            return redirect(url_for("officer.intake_queue"), code=303)
        flash(str(message))
        return _back_to(case_id)
    refusal = outcome.refusal
    if not refusal.keeps_form:
        flash(refusal.message, "warning")
        return redirect(url_for("officer.case_detail", case_id=case_id), code=303)
    # Shown with the form as it was filled in, so that nothing typed is lost.
    flash(_("Không thực hiện được: %(reason)s", reason=refusal.message), "warning")
    refusal.attach_to(form)
    case = db.session.get(Case, case_id)
    return render(case, 422, **_bound(case, verb_name, form))


def _back_to(case_id: int):
    """The case page, or the officer's queue when the case has left their sight (a unit that
    returned an item to the intake office no longer sees it)."""
    case = db.session.get(Case, case_id)
    if case is None or not perms.can_view(current_user, case):
        return redirect(url_for("officer.home"), code=303)
    return redirect(url_for("officer.case_detail", case_id=case_id), code=303)


for _name in verbs_for(Door.OFFICER):
    if _name not in OWN_PAGE_VERBS | OWN_ANSWER_VERBS:
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
    record_view(item.case, "attachment", f"{item.case.reference_code} {item.original_name}")
    return send_file(
        path, mimetype=item.content_type, as_attachment=True, download_name=item.original_name
    )
