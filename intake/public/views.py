"""The citizen's side: what PAKN is, the submission form, the receipt, and tracking.

Thin views: parse the form, call one operation, commit, redirect. Works without JavaScript.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from intake.cases import operations as ops
from intake.cases import queries
from intake.cases.attachments import RejectedUpload, Upload, check_upload
from intake.cases.models import Case, CaseKind, SubmitterType
from intake.cases.operations import (
    CaseSubmission,
    NotAllowed,
    StaleCase,
    SubmissionError,
    find_tracked_case,
    submit_case,
)
from intake.core.calendar import last_local_day, local_date
from intake.core.deadlines import Priority, Step
from intake.core.periods import PeriodKind, report_period, reporting_year
from intake.core.reference import normalise_access_key, normalise_reference_code
from intake.core.states import ANSWERED_STATES, OPEN_STATES, InvalidTransition, State
from intake.extensions import db, limiter
from intake.org import choices
from intake.org.calendar import load_working_calendar
from intake.org.policies import working_days_for
from intake.public.forms import (
    ProvideInfoForm,
    PublishedSearchForm,
    RatingForm,
    ReconsiderationForm,
    SubmissionForm,
    TrackForm,
    WithdrawForm,
)
from intake.reports.figures import Breakdown, build_report, ranked
from intake.reports.labels import ReportLabels
from intake.reports.models import ReportEntry
from intake.web.params import id_param

bp = Blueprint("public", __name__)

# Case ids this browser has proven it may follow (code + key), kept in the signed session.
_TRACKED = "tracked_case_ids"
_RECEIPT = "receipt"


@bp.get("/")
def index():
    triage_days = working_days_for(Step.TRIAGE, Priority.NORMAL)
    return render_template("public/index.html", triage_days=triage_days)


@bp.route("/submit", methods=["GET", "POST"])
def submit():
    form = SubmissionForm()
    locale = str(get_locale())
    form.field_id.choices = choices.field_choices(locale)
    form.concerned_unit_id.choices = choices.unit_choices(locale)
    procedures = choices.procedure_options()
    if not form.is_submitted():
        form.submission_token.data = secrets.token_urlsafe(32)

    if form.validate_on_submit():
        uploads, procedure_id = read_uploads(form), choices.procedure_id_from_form(form)
        if not form.errors:
            try:
                result = submit_case(
                    submission_from(form, uploads, procedure_id, locale),
                    actor="citizen",
                    now=datetime.now(UTC),
                    calendar=load_working_calendar(),
                    secret_key=current_app.config["SECRET_KEY"],
                    upload_dir=current_app.config["UPLOAD_DIR"],
                    max_attachment_bytes=current_app.config["MAX_ATTACHMENT_BYTES"],
                    submission_token=form.submission_token.data or None,
                )
            except SubmissionError as exc:
                getattr(form, exc.field).errors.append(_("Vui lòng kiểm tra lại thông tin này."))
            else:
                db.session.commit()
                session[_RECEIPT] = {"case_id": result.case.id, "access_key": result.access_key}
                _remember_tracked(result.case.id)
                return redirect(url_for("public.receipt"), code=303)
    elif form.is_submitted() and not form.submission_token.data:
        form.submission_token.data = secrets.token_urlsafe(32)
    chose_files = any(f and f.filename for f in form.attachments.data or [])
    if form.is_submitted() and form.errors and chose_files and not form.attachments.errors:
        # Browsers never re-send chosen files with a form shown again: say so, next to them.
        form.attachments.errors.append(_("Vui lòng chọn lại các tệp đính kèm."))

    status = 422 if form.is_submitted() else 200
    return render_template("public/submit.html", form=form, procedures=procedures), status


@bp.get("/receipt")
def receipt():
    data = session.get(_RECEIPT)
    case = db.session.get(Case, data["case_id"]) if data else None
    if case is None:
        flash(_("Không còn phiếu tiếp nhận để hiển thị. Hãy tra cứu bằng mã và mã tra cứu."))
        return redirect(url_for("public.track"))
    return render_template(
        "public/receipt.html",
        case=case,
        access_key=data["access_key"],
        triage_by=last_local_day(case.triage_due_at),
        triage_days=working_days_for(Step.TRIAGE, case.priority, case.field_id),
    )


def _track_failed(response) -> bool:
    return bool(g.get("track_failed"))


def _tracked_code() -> str:
    return "code:" + normalise_reference_code(request.form.get("reference_code", ""))[:40]


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["TRACK_FAILURE_LIMIT"],
    methods=["POST"],
    deduct_when=_track_failed,
    scope="track-failures",
)
@limiter.limit(
    lambda: current_app.config["TRACK_CODE_FAILURE_LIMIT"],
    key_func=_tracked_code,
    methods=["POST"],
    deduct_when=_track_failed,
    scope="track-code-failures",
)
def track():
    form = TrackForm()
    if form.validate_on_submit():
        case = find_tracked_case(
            normalise_reference_code(form.reference_code.data),
            normalise_access_key(form.access_key.data),
        )
        if case is not None:
            _remember_tracked(case.id)
            return redirect(url_for("public.track_case", code=case.reference_code), code=303)
        g.track_failed = True
        form.form_errors.append(
            _(
                "Không tìm thấy phản ánh, kiến nghị với mã và mã tra cứu đã nhập. Vui lòng kiểm "
                "tra lại cả hai mã trong phiếu tiếp nhận hoặc thư điện tử đã nhận."
            )
        )
    status = 422 if form.is_submitted() else 200
    return render_template("public/track.html", form=form), status


@bp.get("/track/<code>")
def track_case(code: str):
    return _render_track_case(_tracked_case(code))


def _render_track_case(case: Case, bound: dict | None = None, status: int = 200):
    return render_template(
        "public/track_case.html",
        case=case,
        history=db.session.scalars(queries.public_history(case)).all(),
        forms={**_citizen_forms(case), **(bound or {})},
    ), status


def _tracked_case(code: str) -> Case:
    """The case this browser has opened with its code and key; otherwise back to /track,
    with the same answer whether the code exists or not: only code + key open an item."""
    code = normalise_reference_code(code)
    case = db.session.scalar(sa.select(Case).where(Case.reference_code == code))
    if case is None or case.id not in session.get(_TRACKED, []):
        flash(_("Vui lòng nhập mã và mã tra cứu để xem tình trạng."))
        abort(redirect(url_for("public.track")))
    return case


def _citizen_forms(case: Case) -> dict:
    """The actions the citizen can take in the item's current state."""
    available = {}
    if case.state is State.NEEDS_INFO:
        available["provide_info"] = ProvideInfoForm()
    if case.state in OPEN_STATES:
        available["withdraw"] = WithdrawForm()
    if case.state in ANSWERED_STATES and case.rating_score is None:
        available["rate"] = RatingForm()
    if case.state is State.ANSWERED and _can_reconsider(case):
        available["reconsider"] = ReconsiderationForm()
    return available


def _can_reconsider(case: Case) -> bool:
    if case.reconsideration_count >= current_app.config["MAX_RECONSIDERATIONS"]:
        return False
    window = current_app.config["RECONSIDERATION_WINDOW_WORKING_DAYS"]
    deadline = load_working_calendar().due_at(case.answered_at, window)
    return datetime.now(UTC) <= deadline


def _citizen_action(code: str, name: str, form_cls, run, done: str):
    case = _tracked_case(code)
    form = form_cls()
    if name not in _citizen_forms(case):
        flash(_("Thao tác này không còn thực hiện được ở tình trạng hiện tại."))
        return redirect(url_for("public.track_case", code=case.reference_code), code=303)
    if form.validate_on_submit():
        try:
            run(case, form, datetime.now(UTC))
            db.session.commit()
        except (InvalidTransition, NotAllowed, StaleCase) as exc:
            db.session.rollback()
            flash(_("Không thực hiện được: %(reason)s", reason=str(exc)))
        else:
            flash(done)
            return redirect(url_for("public.track_case", code=case.reference_code), code=303)
    return _render_track_case(case, {name: form}, 422)


@bp.post("/track/<code>/info")
def provide_info(code: str):
    def run(case, form, now):
        uploads = read_uploads(form)
        if form.attachments.errors:
            raise NotAllowed(" ".join(str(e) for e in form.attachments.errors))
        ops.provide_info(
            case, now=now, text=form.text.data or "", uploads=uploads,
            upload_dir=current_app.config["UPLOAD_DIR"],
            max_attachment_bytes=current_app.config["MAX_ATTACHMENT_BYTES"],
        )  # fmt: skip

    return _citizen_action(
        code, "provide_info", ProvideInfoForm, run, _("Đã gửi thông tin bổ sung. Cảm ơn bạn.")
    )


@bp.post("/track/<code>/withdraw")
def withdraw(code: str):
    def run(case, form, now):
        ops.withdraw_case(case, now=now, reason=form.reason.data)

    return _citizen_action(code, "withdraw", WithdrawForm, run, _("Đã rút phản ánh, kiến nghị."))


@bp.post("/track/<code>/rate")
def rate(code: str):
    def run(case, form, now):
        ops.rate_answer(case, now=now, score=int(form.score.data), comment=form.comment.data)

    return _citizen_action(code, "rate", RatingForm, run, _("Cảm ơn bạn đã đánh giá."))


@bp.post("/track/<code>/reconsider")
def reconsider(code: str):
    def run(case, form, now):
        ops.request_reconsideration(
            case, now=now, reason=form.reason.data, calendar=load_working_calendar(),
            window_working_days=current_app.config["RECONSIDERATION_WINDOW_WORKING_DAYS"],
            max_reconsiderations=current_app.config["MAX_RECONSIDERATIONS"],
        )  # fmt: skip

    return _citizen_action(
        code, "reconsider", ReconsiderationForm, run,
        _("Đã gửi đề nghị xem xét lại. Đơn vị xử lý sẽ trả lời bạn."),
    )  # fmt: skip


@bp.get("/published")
def published():
    locale = str(get_locale())
    form = PublishedSearchForm(request.args)
    form.field_id.choices = choices.field_choices(locale, blank=choices.ALL_LABEL)
    form.unit_id.choices = choices.unit_choices(locale, blank=choices.ALL_LABEL)
    valid = form.validate()
    query = queries.published_cases(
        q=(form.q.data or "") if valid else "",
        field_id=id_param(form.field_id.data) if valid else None,
        unit_id=id_param(form.unit_id.data) if valid else None,
    )
    page = db.paginate(query, per_page=20, error_out=False, max_per_page=50)
    return render_template("public/published.html", form=form, page=page)


@bp.get("/published/<code>")
def published_detail(code: str):
    code = normalise_reference_code(code)
    case = db.session.scalar(
        sa.select(Case).where(Case.reference_code == code, Case.published_at.is_not(None))
    )
    if case is None:
        abort(404)
    return render_template("public/published_detail.html", case=case)


@bp.post("/track/forget")
def track_forget():
    """Lets a citizen on a shared computer close the item they opened."""
    session.pop(_TRACKED, None)
    session.pop(_RECEIPT, None)
    flash(_("Đã đóng phiên tra cứu trên thiết bị này."))
    return redirect(url_for("public.track"), code=303)


def _remember_tracked(case_id: int) -> None:
    tracked = [i for i in session.get(_TRACKED, []) if i != case_id]
    session[_TRACKED] = [case_id, *tracked][:10]


def read_uploads(form: SubmissionForm) -> list[Upload]:
    """Read and check each file; problems become errors on the attachments field.

    Shared with the officers' form for items received through other channels."""
    files = [f for f in form.attachments.data or [] if f and f.filename]
    limit = current_app.config["MAX_ATTACHMENTS"]
    max_bytes = current_app.config["MAX_ATTACHMENT_BYTES"]
    if len(files) > limit:
        form.attachments.errors.append(_("Chỉ được gửi tối đa %(n)d tệp.", n=limit))
        return []
    uploads = []
    for file in files:
        upload = Upload(filename=file.filename, data=file.read(max_bytes + 1))
        try:
            check_upload(upload, max_bytes)
        except RejectedUpload as exc:
            form.attachments.errors.append(_upload_message(exc))
        else:
            uploads.append(upload)
    if form.attachments.errors:
        form.attachments.errors.append(_("Vui lòng chọn lại các tệp đính kèm."))
    return uploads


def _upload_message(exc: RejectedUpload) -> str:
    if exc.reason == "too_large":
        return _("Tệp “%(name)s” vượt quá 10 MB.", name=exc.filename)
    if exc.reason == "empty":
        return _("Tệp “%(name)s” rỗng.", name=exc.filename)
    return _(
        "Tệp “%(name)s” không đúng định dạng cho phép (PDF, JPG, PNG, DOC, DOCX, XLS, XLSX).",
        name=exc.filename,
    )


def submission_from(form, uploads, procedure_id, locale) -> CaseSubmission:
    return CaseSubmission(
        submitter_type=SubmitterType(form.submitter_type.data),
        organisation_name=form.organisation_name.data,
        tax_code=form.tax_code.data,
        full_name=form.full_name.data,
        address=form.address.data,
        phone=form.phone.data,
        email=form.email.data,
        id_number=form.id_number.data,
        kind=CaseKind(form.kind.data),
        title=form.title.data,
        content=form.content.data,
        proposed_solution=form.proposed_solution.data,
        field_id=id_param(form.field_id.data),
        procedure_id=procedure_id,
        concerned_unit_id=id_param(form.concerned_unit_id.data),
        consent_to_publish=form.consent_to_publish.data,
        declared_truthful=form.declared_truthful.data,
        language=locale,
        uploads=uploads,
    )


# --- public statistics ------------------------------------------------------------------------

#: The public page offers the reporting years from this one to the current one.
FIRST_STATS_YEAR = 2020


@bp.get("/stats")
def stats():
    """Received, answered and on time, by field and by unit, for a reporting year: aggregate
    figures only, never an item or a person."""
    now = datetime.now(UTC)
    current_year = reporting_year(local_date(now))
    first_day = db.session.scalar(sa.select(sa.func.min(ReportEntry.occurred_on)))
    first_year = max(reporting_year(first_day), FIRST_STATS_YEAR) if first_day else current_year
    years = list(range(current_year, first_year - 1, -1))  # only years with figures
    requested = request.args.get("year", "")
    valid = requested.isdecimal() and len(requested) <= 4 and int(requested) in years
    year = int(requested) if valid else current_year
    period = report_period(PeriodKind.YEAR, year)
    min_sample = current_app.config["REPORT_MIN_SAMPLE"]
    labels = ReportLabels(str(get_locale()))
    by_unit = build_report(period, now=now, breakdown=Breakdown.UNIT)
    by_field = build_report(period, now=now, breakdown=Breakdown.FIELD)
    return render_template(
        "public/stats.html",
        year=year,
        years=years,
        period=period,
        total=by_unit.total,
        running=by_unit.closing_is_live,
        units=[(labels.unit(k), f, r) for k, f, r in ranked(_named(by_unit.rows), min_sample)],
        fields=[(labels.field(k), f, r) for k, f, r in ranked(_named(by_field.rows), min_sample)],
        min_sample=min_sample,
    )


def _named(rows: dict) -> dict:
    """Rows of real units or fields that did something in the year; the intake office's own
    row (items not yet routed) is not a unit's result."""
    return {k: f for k, f in rows.items() if k is not None and (f.assigned or f.answered)}
