"""What PAKN is, the submission form of Art. 7, and the receipt with the code and key."""

from __future__ import annotations

import secrets

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from intake import clock
from intake.cases.models import Case
from intake.cases.operations import submit_case
from intake.core.calendar import last_local_day
from intake.core.deadlines import Priority, Step
from intake.extensions import db
from intake.org import choices
from intake.org.policies import working_days_for
from intake.public.blueprint import RECEIPT, bp, remember_tracked
from intake.public.forms import SubmissionForm
from intake.web.lifecycle import perform
from intake.web.page_cache import ORGANISATION, shared_page


@bp.get("/")
def index():
    triage_days = working_days_for(Step.TRIAGE, Priority.NORMAL)
    return render_template("public/index.html", triage_days=triage_days)


def _new_submission_token() -> str:
    return secrets.token_urlsafe(32)


@bp.route("/submit", methods=["GET", "POST"])
@shared_page(
    depends_on=(ORGANISATION,),
    fresh={"csrf_token": generate_csrf, "submission_token": _new_submission_token},
)
def submit():
    form = SubmissionForm()
    locale = str(get_locale())
    form.field_id.choices = choices.field_choices(locale)
    form.concerned_unit_id.choices = choices.unit_choices(locale)
    procedures = choices.procedure_options()
    if not form.is_submitted() or not _plausible_token(form.submission_token.data):
        # A token is ours (43 URL-safe characters) or replaced: the column holds 64.
        form.submission_token.data = _new_submission_token()

    if form.validate_on_submit():
        uploads, procedure_id = form.read_uploads(), choices.procedure_id_from_form(form)
        if not form.errors:
            outcome = perform(
                lambda: submit_case(
                    form.to_submission(uploads, procedure_id, locale),
                    actor="citizen",
                    now=clock.now(),
                    calendar=None,
                    secret_key=current_app.config["SECRET_KEY"],
                    upload_dir=current_app.config["UPLOAD_DIR"],
                    max_attachment_bytes=current_app.config["MAX_ATTACHMENT_BYTES"],
                    submission_token=form.submission_token.data or None,
                )
            )
            if outcome.ok:
                result = outcome.value
                session[RECEIPT] = {"case_id": result.case.id, "access_key": result.access_key}
                remember_tracked(result.case.id)
                return redirect(url_for("public.receipt"), code=303)
            outcome.refusal.attach_to(form)
    chose_files = any(getattr(f, "filename", None) for f in form.attachments.data or [])
    if form.is_submitted() and form.errors and chose_files and not form.attachments.errors:
        # Browsers never re-send chosen files with a form shown again: say so, next to them.
        form.attachments.errors.append(_("Vui lòng chọn lại các tệp đính kèm."))

    status = 422 if form.is_submitted() else 200
    return render_template("public/submit.html", form=form, procedures=procedures), status


def _plausible_token(value: str | None) -> bool:
    return bool(value) and 16 <= len(value) <= 64 and TOKEN_CHARS.issuperset(value)


TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@bp.get("/receipt")
def receipt():
    data = session.get(RECEIPT)
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
