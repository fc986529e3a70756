"""The citizen's side: what PAKN is, the submission form, the receipt, and tracking.

Thin views: parse the form, call one operation, commit, redirect. Works without JavaScript.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from intake.cases import queries
from intake.cases.attachments import RejectedUpload, Upload, check_upload
from intake.cases.models import Case, CaseKind, SubmitterType
from intake.cases.operations import (
    CaseSubmission,
    SubmissionError,
    find_tracked_case,
    submit_case,
)
from intake.core.calendar import last_local_day
from intake.core.deadlines import Priority, Step
from intake.core.reference import normalise_access_key, normalise_reference_code
from intake.extensions import db, limiter
from intake.org import choices
from intake.org.calendar import load_working_calendar
from intake.org.policies import working_days_for
from intake.public.forms import SubmissionForm, TrackForm

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
        uploads, procedure_id = _read_uploads(form), _procedure_id(form)
        if not form.errors:
            try:
                result = submit_case(
                    _submission_from(form, uploads, procedure_id, locale),
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


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["TRACK_FAILURE_LIMIT"],
    methods=["POST"],
    deduct_when=_track_failed,
    scope="track-failures",
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
    code = normalise_reference_code(code)
    case = db.session.scalar(sa.select(Case).where(Case.reference_code == code))
    if case is None or case.id not in session.get(_TRACKED, []):
        # The same answer whether the code exists or not: only code + key open an item.
        flash(_("Vui lòng nhập mã và mã tra cứu để xem tình trạng."))
        return redirect(url_for("public.track"))
    return render_template(
        "public/track_case.html",
        case=case,
        history=db.session.scalars(queries.public_history(case)).all(),
    )


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


def _read_uploads(form: SubmissionForm) -> list[Upload]:
    """Read and check each file; problems become errors on the attachments field."""
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


def _procedure_id(form: SubmissionForm) -> int | None:
    """The procedure picked from the searchable list, whose options start with the code."""
    text = (form.procedure.data or "").strip()
    if not text:
        return None
    procedure_id = choices.procedure_id_from_option(text)
    if procedure_id is None:
        form.procedure.errors.append(
            _("Vui lòng chọn thủ tục trong danh sách gợi ý, hoặc để trống nếu không rõ.")
        )
    return procedure_id


def _optional_int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _submission_from(form, uploads, procedure_id, locale) -> CaseSubmission:
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
        field_id=_optional_int(form.field_id.data),
        procedure_id=procedure_id,
        concerned_unit_id=_optional_int(form.concerned_unit_id.data),
        consent_to_publish=form.consent_to_publish.data,
        declared_truthful=form.declared_truthful.data,
        language=locale,
        uploads=uploads,
    )
