"""The officers' side: the intake office's queue and triage, the units' queues and answers,
cooperation, and the review before publication.

Thin views: load the case, check the predicate, validate the form, call one operation, commit,
flash, redirect. A case the officer may not see is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from pathlib import Path

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from intake.accounts.models import Role, User
from intake.cases import clocks, queries
from intake.cases import operations as ops
from intake.cases import permissions as perms
from intake.cases.attachments import RejectedUpload, Upload, check_upload
from intake.cases.labels import REJECT_REASON_TEMPLATES
from intake.cases.models import Attachment, Case, Channel, CooperationRequest
from intake.core import redaction
from intake.core.calendar import LOCAL_TZ
from intake.core.deadlines import Priority
from intake.core.reasons import RejectReason
from intake.core.reference import normalise_reference_code
from intake.core.states import InvalidTransition, State
from intake.extensions import db
from intake.officer import forms
from intake.org import choices
from intake.org.calendar import load_working_calendar
from intake.org.models import Unit
from intake.org.policies import extension_limits
from intake.org.routing import suggestion_for
from intake.public.views import read_uploads, submission_from
from intake.web.params import id_param

bp = Blueprint("officer", __name__)

TAB_LABELS = {
    "to_classify": _l("Chờ phân loại"),
    "returned": _l("Bị trả lại"),
    "needs_info": _l("Chờ bổ sung"),
    "review": _l("Chờ duyệt kết quả"),
    "all": _l("Tất cả"),
    "to_accept": _l("Chờ tiếp nhận"),
    "in_progress": _l("Đang xử lý"),
    "waiting_cooperation": _l("Chờ phối hợp"),
    "mine": _l("Của tôi"),
    "cooperation": _l("Được đề nghị phối hợp"),
    "done": _l("Đã trình, đã trả lời"),
}


@bp.before_request
@login_required
def _officers_only():
    if not current_user.is_authenticated:  # OPTIONS passes login_required unauthenticated
        abort(404)
    # An administrator has no queue; the home page alone sends them on to their own pages.
    if current_user.role is Role.ADMIN and request.endpoint == "officer.home":
        return None
    if current_user.role not in perms.OFFICER_ROLES:
        abort(404)


def _now() -> datetime:
    return datetime.now(UTC)


@bp.get("/")
def home():
    if current_user.role is Role.ADMIN:
        return redirect(url_for("admin.index"))
    if current_user.role is Role.SUPERVISOR:
        return redirect(url_for("supervision.dashboard"))
    if current_user.role in perms.UNIT_ROLES:
        return redirect(url_for("officer.unit_queue"))
    return redirect(url_for("officer.intake_queue"))


# --- queues ---------------------------------------------------------------------------------


@bp.get("/intake")
def intake_queue():
    if current_user.role not in perms.SEE_ALL_ROLES:
        abort(404)
    return _render_queue(queries.INTAKE_TABS, "officer.intake_queue", default_tab="to_classify")


@bp.get("/unit")
def unit_queue():
    if current_user.role not in perms.UNIT_ROLES:
        abort(404)
    return _render_queue(queries.UNIT_TABS, "officer.unit_queue", default_tab="to_accept")


def _render_queue(tabs, endpoint: str, default_tab: str):
    tab = request.args.get("tab", default_tab)
    if tab not in tabs:
        tab = default_tab
    locale = str(get_locale())
    form = forms.QueueFilterForm(request.args)
    form.field_id.choices = choices.field_choices(locale, blank=choices.ALL_LABEL)
    form.unit_id.choices = choices.unit_choices(locale, blank=choices.ALL_LABEL)
    form.validate()  # dates and length; bad values are dropped below, never an error page
    filters = queries.QueueFilters(
        q=(form.q.data or "")[:200],
        state=_known(form.state.data, State),
        field_id=id_param(form.field_id.data),
        unit_id=id_param(form.unit_id.data),
        channel=_known(form.channel.data, Channel),
        priority=_known(form.priority.data, Priority),
        received_from=None if form.received_from.errors else _plausible(form.received_from.data),
        received_to=None if form.received_to.errors else _plausible(form.received_to.data),
    )
    page = db.paginate(
        queries.queue(current_user, tab, filters), per_page=25, error_out=False, max_per_page=100
    )
    return render_template(
        "officer/queue.html",
        tabs=tabs,
        tab=tab,
        tab_labels=TAB_LABELS,
        counts=queries.tab_counts(current_user, tabs),
        endpoint=endpoint,
        form=form,
        page=page,
        now=_now(),
        bounce_threshold=current_app.config["BOUNCE_FLAG_THRESHOLD"],
    )


# --- recording items from other channels ------------------------------------------------------


@bp.route("/cases/new", methods=["GET", "POST"])
def record_case():
    if not perms.is_intake_officer(current_user):
        abort(404)
    locale = str(get_locale())
    form = forms.RecordCaseForm()
    form.field_id.choices = choices.field_choices(locale)
    form.concerned_unit_id.choices = choices.unit_choices(locale)
    if request.method == "GET":
        form.received_on.data = _now().astimezone(LOCAL_TZ).date()
    if form.validate_on_submit():
        uploads = read_uploads(form)
        procedure_id = choices.procedure_id_from_form(form)
        if not form.errors:
            submission = submission_from(form, uploads, procedure_id, form.language_value)
            submission.channel = Channel(form.channel.data)
            submission.national_code = form.national_code.data
            submission.received_at = _received_at(form.received_on.data)
            try:
                result = ops.submit_case(
                    submission,
                    actor=current_user._get_current_object(),
                    now=_now(),
                    calendar=load_working_calendar(),
                    secret_key=current_app.config["SECRET_KEY"],
                    upload_dir=current_app.config["UPLOAD_DIR"],
                    max_attachment_bytes=current_app.config["MAX_ATTACHMENT_BYTES"],
                )
            except ops.SubmissionError as exc:
                getattr(form, exc.field).errors.append(_("Vui lòng kiểm tra lại thông tin này."))
                return render_template(
                    "officer/record_case.html", form=form, procedures=choices.procedure_options()
                ), 422
            db.session.commit()
            flash(
                _(
                    "Đã vào sổ %(code)s. Mã tra cứu cho người gửi: %(key)s",
                    code=result.case.reference_code,
                    key=result.access_key,
                )
            )
            return redirect(url_for("officer.case_detail", case_id=result.case.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "officer/record_case.html", form=form, procedures=choices.procedure_options()
    ), status


def _received_at(day) -> datetime:
    """The original receipt date; today's receipt keeps the current time of day."""
    now = _now()
    if day == now.astimezone(LOCAL_TZ).date():
        return now
    return datetime.combine(day, time(8, 0), tzinfo=LOCAL_TZ).astimezone(UTC)


# --- the case page --------------------------------------------------------------------------


def _load_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or not perms.can_view(current_user, case):
        abort(404)
    return case


@bp.get("/cases/<id:case_id>")
def case_detail(case_id: int):
    return _render_detail(_load_case(case_id))


def _render_detail(case: Case, status: int = 200, **bound_forms):
    locale = str(get_locale())
    user = current_user
    action_forms = {}
    if perms.can_triage(user, case) and case.state is State.RECEIVED:
        action_forms["classify"] = _classify_form(case, locale)
        action_forms["assign"] = _assign_form(case, locale)
        action_forms["reject"] = forms.RejectForm(version=case.version)
        action_forms["transfer"] = forms.TransferForm(version=case.version)
        action_forms["request_info"] = forms.RequestInfoForm(version=case.version)
        action_forms["duplicate"] = forms.DuplicateForm(version=case.version)
    if perms.can_handle(user, case):
        if case.state is State.ASSIGNED:
            action_forms["accept"] = forms.ActionForm(version=case.version)
        if case.state in (State.ASSIGNED, State.IN_PROGRESS):
            action_forms["return"] = forms.ReturnForm(version=case.version)
        if case.state is State.IN_PROGRESS:
            action_forms["answer"] = forms.AnswerForm(
                version=case.version,
                public_text=case.answer_public_text,
                letter=case.answer_letter,
            )
            action_forms["cooperate"] = _cooperation_form(case, locale)
            action_forms["request_info"] = forms.RequestInfoForm(version=case.version)
            if case.content_class and case.content_class.value == "regulation":
                action_forms["defer"] = forms.DeferForm(version=case.version)
        if case.state is State.DEFERRED:
            action_forms["resume"] = forms.ActionForm(version=case.version)
    if perms.can_assign_handler(user, case) and case.state in (
        State.ASSIGNED,
        State.IN_PROGRESS,
        State.DEFERRED,
    ):
        action_forms["assign_handler"] = _handler_form(case)
    if perms.can_review(user, case):
        action_forms["rework"] = forms.ReworkForm(version=case.version)
    pending_extension = clocks.pending_extension(case) is not None
    may_extend = clocks.extensions_granted(case) < extension_limits(case.priority, case.field_id)[0]
    if (
        perms.can_handle(user, case)
        and case.state is State.IN_PROGRESS
        and not pending_extension
        and may_extend
    ):
        action_forms["extension"] = forms.ExtensionRequestForm(version=case.version)
    if pending_extension and _can_decide_extension(user, case):
        action_forms["extension_decision"] = forms.ExtensionDecisionForm(version=case.version)
    if perms.can_add_note(user, case):
        action_forms["note"] = forms.NoteForm()
    replies = {
        r.id: forms.CooperationReplyForm(prefix=f"coop{r.id}")
        for r in perms.open_cooperation_for(user, case)
    }
    action_forms.update(bound_forms)
    return render_template(
        "officer/case_detail.html",
        case=case,
        history=db.session.scalars(queries.full_history(case)).all(),
        forms=action_forms,
        reply_forms=replies,
        reject_templates={str(k): str(v) for k, v in REJECT_REASON_TEMPLATES.items()},
        suggestion=suggestion_for(case.field_id, case.procedure_id),
        units_by_id={u.id: u for u in db.session.scalars(sa.select(Unit))},
        now=_now(),
        can_review=perms.can_review(user, case),
        bounce_threshold=current_app.config["BOUNCE_FLAG_THRESHOLD"],
    ), status


def _classify_form(case: Case, locale: str, formdata=None) -> forms.ClassifyForm:
    form = forms.ClassifyForm(
        formdata=formdata,
        version=case.version,
        kind=case.kind.value,
        content_class=case.content_class.value if case.content_class else "",
        field_id=str(case.field_id or ""),
        procedure_id=str(case.procedure_id or ""),
        priority=case.priority.value,
    )
    form.field_id.choices = choices.field_choices(locale)
    form.procedure_id.choices = choices.procedure_choices()
    return form


def _assign_form(case: Case, locale: str, formdata=None) -> forms.AssignForm:
    suggestion = suggestion_for(case.field_id, case.procedure_id)
    form = forms.AssignForm(
        formdata=formdata, version=case.version, lead_unit_id=str(suggestion.unit_id or "")
    )
    form.lead_unit_id.choices = choices.unit_choices(locale, include_blank=False)
    form.cooperating_unit_ids.choices = choices.unit_choices(locale, include_blank=False)
    return form


def _cooperation_form(case: Case, locale: str, formdata=None) -> forms.CooperationForm:
    form = forms.CooperationForm(formdata=formdata)
    form.unit_ids.choices = [
        c
        for c in choices.unit_choices(locale, include_blank=False)
        if c.value != str(case.lead_unit_id)
    ]
    return form


def _handler_form(case: Case, formdata=None) -> forms.AssignHandlerForm:
    form = forms.AssignHandlerForm(
        formdata=formdata, version=case.version, handler_id=str(case.handler_id or "")
    )
    officers = db.session.scalars(
        sa.select(User)
        .where(
            User.unit_id == case.lead_unit_id,
            User.role.in_([Role.HANDLER, Role.UNIT_LEAD]),
            User.is_enabled,
        )
        .order_by(User.full_name)
    ).all()
    form.handler_id.choices = [forms.SelectChoice(str(u.id), u.full_name) for u in officers]
    return form


# --- actions ----------------------------------------------------------------------------------


def _act(
    case_id: int,
    form_name: str,
    make_form: Callable[[Case], object],
    allowed: Callable[[User, Case], bool],
    run: Callable[[Case, object, datetime], None],
    done: str,
):
    """The one shape of every action: load, check, validate, operate, commit, redirect.

    An invalid form re-renders the case page with the form's errors and what was typed. A
    conflict (someone acted first) or a state that no longer allows the action rolls back
    and shows the case as it is now, with a message."""
    case = _load_case(case_id)
    if not allowed(current_user, case):
        if request.form.get("version") not in (None, "", str(case.version)):
            # Allowed on the page the officer saw, not any more: say so, show the item now.
            flash(_stale_message(), "warning")
            return redirect(url_for("officer.case_detail", case_id=case_id), code=303)
        abort(403)
    form = make_form(case)
    if not form.validate_on_submit():
        return _render_detail(case, 422, **{form_name: form})
    try:
        run(case, form, _now())
        db.session.commit()
    except ops.StaleCase:
        db.session.rollback()
        flash(
            _stale_message(),
            "warning",
        )
    except InvalidTransition:
        db.session.rollback()
        flash(_("Không thể thực hiện thao tác này ở tình trạng hiện tại của hồ sơ."), "warning")
    except ops.NotAllowed as exc:
        # Shown with the form as it was filled in, so that nothing typed is lost.
        db.session.rollback()
        flash(_("Không thực hiện được: %(reason)s", reason=str(exc)), "warning")
        form.form_errors.append(str(exc))  # opens the form's panel, with what was typed
        return _render_detail(db.session.get(Case, case_id), 422, **{form_name: form})
    except RejectedUpload as exc:
        db.session.rollback()
        flash(_("Tệp “%(name)s” không được chấp nhận.", name=exc.filename), "warning")
    else:
        flash(done)
    return redirect(url_for("officer.case_detail", case_id=case_id), code=303)


def _stale_message() -> str:
    return _(
        "Hồ sơ vừa được người khác cập nhật. Vui lòng xem tình trạng hiện tại rồi thao tác lại."
    )


def _me() -> User:
    return current_user._get_current_object()


@bp.post("/cases/<id:case_id>/classify")
def classify(case_id: int):
    def run(case, form, now):
        ops.classify_case(
            case, actor=_me(), now=now, expected_version=form.expected_version,
            kind=form.kind_value, content_class=form.content_class_value,
            field_id=id_param(form.field_id.data), procedure_id=id_param(form.procedure_id.data),
            priority=form.priority_value, calendar=load_working_calendar(),
        )  # fmt: skip

    return _act(
        case_id, "classify", lambda c: _classify_form(c, str(get_locale()), request.form),
        perms.can_triage, run, _("Đã lưu phân loại."),
    )  # fmt: skip


@bp.post("/cases/<id:case_id>/assign")
def assign(case_id: int):
    def run(case, form, now):
        lead = _unit(form.lead_unit_id.data)
        cooperating = [_unit(i) for i in form.cooperating_unit_ids.data or []]
        ops.assign_case(
            case, actor=_me(), now=now, expected_version=form.expected_version,
            lead_unit=lead, cooperating_units=cooperating, note=form.note.data,
            calendar=load_working_calendar(),
        )  # fmt: skip

    return _act(
        case_id, "assign", lambda c: _assign_form(c, str(get_locale()), request.form),
        perms.can_triage, run, _("Đã chuyển đơn vị xử lý."),
    )  # fmt: skip


@bp.post("/cases/<id:case_id>/reject")
def reject(case_id: int):
    def run(case, form, now):
        reason = RejectReason(form.reason.data)
        if not form.message.data:
            # The citizen reads it: in the language they wrote in, not the officer's.
            with force_locale(case.language):
                message = str(REJECT_REASON_TEMPLATES[reason])
        else:
            message = form.message.data
        ops.reject_case(
            case, actor=_me(), now=now, expected_version=form.expected_version,
            reason=reason, message=message,
        )  # fmt: skip

    return _act(
        case_id, "reject", lambda c: forms.RejectForm(), perms.can_triage, run,
        _("Đã từ chối tiếp nhận và thông báo cho người gửi."),
    )  # fmt: skip


@bp.post("/cases/<id:case_id>/transfer")
def transfer(case_id: int):
    def run(case, form, now):
        ops.transfer_out(
            case, actor=_me(), now=now, expected_version=form.expected_version,
            agency=form.agency.data, letter_number=form.letter_number.data,
        )  # fmt: skip

    return _act(
        case_id, "transfer", lambda c: forms.TransferForm(), perms.can_triage, run,
        _("Đã chuyển cơ quan có thẩm quyền."),
    )  # fmt: skip


@bp.post("/cases/<id:case_id>/request-info")
def request_info(case_id: int):
    def allowed(user, case):
        return (perms.can_triage(user, case) and case.state is State.RECEIVED) or (
            perms.can_handle(user, case) and case.state is State.IN_PROGRESS
        )

    def run(case, form, now):
        ops.request_info(
            case, actor=_me(), now=now, expected_version=form.expected_version,
            message=form.message.data,
        )  # fmt: skip

    return _act(
        case_id, "request_info", lambda c: forms.RequestInfoForm(), allowed, run,
        _("Đã gửi đề nghị bổ sung thông tin cho người gửi."),
    )  # fmt: skip


@bp.post("/cases/<id:case_id>/duplicate")
def duplicate(case_id: int):
    def run(case, form, now):
        code = normalise_reference_code(form.original_code.data)
        original = db.session.scalar(sa.select(Case).where(Case.reference_code == code))
        if original is None:
            raise ops.NotAllowed(_("không tìm thấy mã %(code)s", code=code))
        ops.mark_duplicate(
            case, actor=_me(), now=now, expected_version=form.expected_version, original=original
        )

    return _act(
        case_id, "duplicate", lambda c: forms.DuplicateForm(), perms.can_triage, run,
        _("Đã xác định trùng lặp và thông báo cho người gửi."),
    )  # fmt: skip


@bp.post("/cases/<id:case_id>/accept")
def accept(case_id: int):
    def run(case, form, now):
        ops.accept_case(
            case, actor=_me(), now=now, expected_version=form.expected_version,
            calendar=load_working_calendar(),
        )  # fmt: skip

    return _act(
        case_id, "accept", lambda c: forms.ActionForm(), perms.can_handle, run,
        _("Đơn vị đã tiếp nhận xử lý."),
    )  # fmt: skip


@bp.post("/cases/<id:case_id>/return")
def return_case(case_id: int):
    def run(case, form, now):
        ops.return_to_intake(
            case, actor=_me(), now=now, expected_version=form.expected_version,
            reason=form.reason_value, note=form.note.data,
        )  # fmt: skip

    return _act(
        case_id, "return", lambda c: forms.ReturnForm(), perms.can_handle, run,
        _("Đã trả lại bộ phận tiếp nhận."),
    )  # fmt: skip


@bp.post("/cases/<id:case_id>/assign-handler")
def assign_handler(case_id: int):
    def run(case, form, now):
        handler = db.session.get(User, id_param(form.handler_id.data) or 0)
        if handler is None:
            raise ops.NotAllowed(_("không có cán bộ này"))
        ops.assign_handler(
            case, actor=_me(), now=now, expected_version=form.expected_version, handler=handler
        )

    return _act(
        case_id, "assign_handler", lambda c: _handler_form(c, request.form),
        perms.can_assign_handler, run, _("Đã giao cán bộ xử lý."),
    )  # fmt: skip


@bp.post("/cases/<id:case_id>/note")
def note(case_id: int):
    def run(case, form, now):
        ops.add_note(case, actor=_me(), now=now, text=form.text.data)

    return _act(
        case_id, "note", lambda c: forms.NoteForm(), perms.can_add_note, run,
        _("Đã thêm ghi chú nội bộ."),
    )  # fmt: skip


@bp.post("/cases/<id:case_id>/cooperate")
def cooperate(case_id: int):
    def run(case, form, now):
        units = [_unit(i) for i in form.unit_ids.data]
        ops.request_cooperation(
            case, actor=_me(), now=now, units=units, question=form.question.data,
            calendar=load_working_calendar(),
        )  # fmt: skip

    return _act(
        case_id, "cooperate", lambda c: _cooperation_form(c, str(get_locale()), request.form),
        perms.can_handle, run, _("Đã gửi đề nghị phối hợp."),
    )  # fmt: skip


@bp.post("/cases/<id:case_id>/cooperation/<id:request_id>/reply")
def reply_cooperation(case_id: int, request_id: int):
    cooperation = db.session.get(CooperationRequest, request_id)
    if cooperation is None or cooperation.case_id != case_id:
        abort(404)

    def allowed(user, case):
        return cooperation in perms.open_cooperation_for(user, case)

    def run(case, form, now):
        ops.reply_cooperation(cooperation, actor=_me(), now=now, reply=form.reply.data)

    return _act(
        case_id, f"reply_{request_id}",
        lambda c: forms.CooperationReplyForm(prefix=f"coop{request_id}"),
        allowed, run, _("Đã gửi ý kiến phối hợp."),
    )  # fmt: skip


@bp.post("/cases/<id:case_id>/defer")
def defer(case_id: int):
    def run(case, form, now):
        ops.defer_case(
            case, actor=_me(), now=now, expected_version=form.expected_version,
            reason=form.reason.data,
        )  # fmt: skip

    return _act(
        case_id, "defer", lambda c: forms.DeferForm(), perms.can_handle, run,
        _("Đã chuyển sang tiếp tục nghiên cứu."),
    )  # fmt: skip


@bp.post("/cases/<id:case_id>/resume")
def resume(case_id: int):
    def run(case, form, now):
        ops.resume_case(
            case, actor=_me(), now=now, expected_version=form.expected_version,
            calendar=load_working_calendar(),
        )  # fmt: skip

    return _act(
        case_id, "resume", lambda c: forms.ActionForm(), perms.can_handle, run,
        _("Đã tiếp tục xử lý."),
    )  # fmt: skip


@bp.post("/cases/<id:case_id>/answer")
def answer(case_id: int):
    def run(case, form, now):
        upload = None
        file = form.attachment.data
        if file and file.filename:
            max_bytes = current_app.config["MAX_ATTACHMENT_BYTES"]
            upload = Upload(filename=file.filename, data=file.read(max_bytes + 1))
            check_upload(upload, max_bytes)
        ops.save_answer(
            case, actor=_me(), now=now, expected_version=form.expected_version,
            public_text=form.public_text.data, letter=form.letter.data, upload=upload,
            upload_dir=current_app.config["UPLOAD_DIR"],
            max_attachment_bytes=current_app.config["MAX_ATTACHMENT_BYTES"],
        )  # fmt: skip
        if form.submit_for_review.data:
            ops.submit_answer(
                case, actor=_me(), now=now, expected_version=None,
                calendar=load_working_calendar(),
            )  # fmt: skip

    submitting = bool(request.form.get("submit_for_review"))
    return _act(
        case_id, "answer", lambda c: forms.AnswerForm(), perms.can_handle, run,
        _("Đã trình kết quả để duyệt.") if submitting else _("Đã lưu dự thảo trả lời."),
    )  # fmt: skip


@bp.get("/cases/<id:case_id>/review")
def review(case_id: int):
    case = _load_case(case_id)
    if not perms.can_review(current_user, case):
        abort(403)
    form = forms.ReviewForm(
        version=case.version,
        published_title=redaction.mask(case.title),
        published_content=redaction.mask(case.content) if case.consent_to_publish else "",
        published_answer=redaction.mask(case.answer_public_text or ""),
    )
    return _render_review(case, form)


def _render_review(case: Case, form, status: int = 200):
    texts = {
        "title": case.title,
        "content": case.content,
        "answer": case.answer_public_text or "",
        "letter": case.answer_letter or "",
    }
    return render_template(
        "officer/review.html",
        case=case,
        form=form,
        rework_form=forms.ReworkForm(version=case.version),
        segments={k: redaction.highlight_segments(v) for k, v in texts.items()},
        findings={k: redaction.find_personal_data(v) for k, v in texts.items()},
    ), status


@bp.post("/cases/<id:case_id>/publish")
def publish(case_id: int):
    case = _load_case(case_id)
    if not perms.can_review(current_user, case):
        abort(403)
    form = forms.ReviewForm()
    if not form.validate_on_submit():
        return _render_review(case, form, 422)
    leftovers = [
        f.kind
        for text in (
            form.published_title.data,
            form.published_content.data,
            form.published_answer.data,
        )
        for f in redaction.find_personal_data(text or "")
    ]
    if leftovers:
        form.confirm_redaction.errors.append(
            _(
                "Nội dung công khai vẫn còn thông tin cá nhân (được đánh dấu). "
                "Vui lòng ẩn trước khi công khai."
            )
        )
        return _render_review(case, form, 422)
    if not form.published_title.data.strip():
        form.published_title.errors.append(_("Vui lòng nhập thông tin này."))
        return _render_review(case, form, 422)
    try:
        ops.publish_answer(
            case, actor=_me(), now=_now(), expected_version=form.expected_version,
            published_title=form.published_title.data,
            published_content=form.published_content.data or "",
            published_answer=form.published_answer.data,
        )  # fmt: skip
        db.session.commit()
    except (ops.StaleCase, InvalidTransition):
        db.session.rollback()
        flash(_stale_message(), "warning")
        return redirect(url_for("officer.case_detail", case_id=case_id), code=303)
    except ops.NotAllowed as exc:
        db.session.rollback()
        form.confirm_redaction.errors.append(str(exc))
        return _render_review(db.session.get(Case, case_id), form, 422)
    flash(_("Đã duyệt, gửi kết quả cho người gửi và công khai."))
    return redirect(url_for("officer.case_detail", case_id=case_id), code=303)


@bp.post("/cases/<id:case_id>/rework")
def rework(case_id: int):
    def run(case, form, now):
        ops.return_for_rework(
            case, actor=_me(), now=now, expected_version=form.expected_version,
            reason=form.reason.data, calendar=load_working_calendar(),
        )  # fmt: skip

    return _act(
        case_id, "rework", lambda c: forms.ReworkForm(), perms.can_review, run,
        _("Đã trả lại đơn vị để hoàn thiện."),
    )  # fmt: skip


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


def _unit(value) -> Unit:
    unit = db.session.get(Unit, id_param(value) or 0)
    if unit is None:
        raise ops.NotAllowed(_("không có đơn vị này"))
    return unit


def _known(value, enum_cls) -> str:
    """``value`` if it is one of the enum's values, else no filter."""
    return value if value in {member.value for member in enum_cls} else ""


def _plausible(day):
    """Dates outside 2000-2100 in a filter are typing errors, not a reason to fail."""
    return day if day is not None and 2000 <= day.year <= 2100 else None


# --- extensions (gia hạn) -------------------------------------------------------------------


def _can_decide_extension(user: User, case: Case) -> bool:
    return perms.can_assign_handler(user, case) or user.role is Role.SUPERVISOR


@bp.post("/cases/<id:case_id>/extension")
def request_extension(case_id: int):
    def run(case, form, now):
        ops.request_extension(
            case, actor=_me(), now=now, expected_version=form.expected_version,
            working_days=form.working_days.data, reason=form.reason.data,
        )  # fmt: skip

    return _act(
        case_id, "extension", lambda c: forms.ExtensionRequestForm(), perms.can_handle, run,
        _("Đã gửi đề nghị gia hạn cho lãnh đạo đơn vị."),
    )  # fmt: skip


@bp.post("/cases/<id:case_id>/extension/decision")
def decide_extension(case_id: int):
    def run(case, form, now):
        ops.decide_extension(
            case, actor=_me(), now=now, expected_version=form.expected_version,
            approve=form.decision.data == "approve", calendar=load_working_calendar(),
            note=form.note.data,
        )  # fmt: skip

    return _act(
        case_id, "extension_decision", lambda c: forms.ExtensionDecisionForm(),
        _can_decide_extension, run, _("Đã ghi nhận quyết định gia hạn."),
    )  # fmt: skip
