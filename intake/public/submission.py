"""What PAKN is, the submission form of Art. 7, and the receipt with the code and key."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from intake import clock
from intake.cases import queries
from intake.cases.models import Case
from intake.cases.operations import submit_case
from intake.cases.sources import client_digest, open_receipt, seal_receipt
from intake.core.calendar import last_local_day
from intake.core.deadlines import Priority, Step
from intake.extensions import db
from intake.org import choices
from intake.org.policies import working_days_for
from intake.public import abuse
from intake.public.blueprint import RECEIPT, bp, remember_tracked
from intake.public.forms import CitizenSubmissionForm
from intake.web import throttle
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
    # Per visitor, never kept: the CSRF token, the submission token and the moment the form was
    # opened (the minimum fill time counts from it).
    fresh={
        "csrf_token": generate_csrf,
        "submission_token": _new_submission_token,
        "started": abuse.started_stamp,
    },
)
def submit():
    form = CitizenSubmissionForm()
    locale = str(get_locale())
    form.field_id.choices = choices.field_choices(locale)
    form.concerned_unit_id.choices = choices.unit_choices(locale)
    procedures = choices.procedure_options()
    if not form.is_submitted() or not _plausible_token(form.submission_token.data):
        # A token is ours (43 URL-safe characters) or replaced: the column holds 64.
        form.submission_token.data = _new_submission_token()
    form.started.data = abuse.keep_or_renew_stamp(
        form.started.data if form.is_submitted() else None
    )

    status = 422 if form.is_submitted() else 200
    similar = None
    if form.is_submitted() and request.form.get("check_similar"):
        # The "similar answers" step: nothing is validated or stored, the form comes back as
        # typed (files aside: browsers never send them again) with the answers that look alike.
        similar = queries.similar_published(form.title.data or "", form.content.data or "")
        status = 200
    elif form.validate_on_submit():
        uploads, procedure_id = form.read_uploads(), choices.procedure_id_from_form(form)
        token = form.submission_token.data or None
        refusal = None if form.errors else abuse.refusal_for(form)
        if refusal is not None and _already_logged(token):
            # The same form sent again (a double click) is the same item: never refused. Asked
            # only of a refused form: every other submission is spared the look-up, which
            # ``submit_case`` makes anyway.
            refusal = None
        if refusal is not None:
            form.form_errors.append(refusal.message)
            status = refusal.status
        elif not form.errors:
            address = throttle.client_address()
            secret_key = current_app.config["SECRET_KEY"]

            def log_item():
                result = submit_case(
                    form.to_submission(uploads, procedure_id, locale),
                    actor="citizen",
                    now=clock.now(),
                    calendar=None,
                    submission_token=token,
                )
                sealed = seal_receipt(result.case, result.access_key, now=clock.now(),
                                      digest=client_digest(secret_key, address),
                                      created=result.created)  # fmt: skip
                # The id read before the commit: afterwards it would cost the row's reload.
                return result, sealed, result.case.id

            outcome = perform(log_item)
            if outcome.ok:
                result, sealed, case_id = outcome.value
                if result.created:
                    abuse.count_submission(form)
                # Only the case and one half of the key: the key itself never enters the cookie.
                session[RECEIPT] = {"case_id": case_id, "sealed": sealed}
                remember_tracked(case_id)
                return redirect(url_for("public.receipt"), code=303)
            outcome.refusal.attach_to(form)
    chose_files = any(getattr(f, "filename", None) for f in form.attachments.data or [])
    if (
        form.is_submitted()
        and (form.errors or similar is not None)
        and chose_files
        and not (form.attachments.errors)
    ):
        # Browsers never re-send chosen files with a form shown again: say so, next to them.
        form.attachments.errors.append(_("Vui lòng chọn lại các tệp đính kèm."))
    return render_template(
        "public/submit.html", form=form, procedures=procedures, similar=similar
    ), status


def _already_logged(token: str | None) -> bool:
    return (
        bool(token)
        and db.session.scalar(sa.select(Case.id).where(Case.submission_token == token)) is not None
    )


def _plausible_token(value: str | None) -> bool:
    return bool(value) and 16 <= len(value) <= 64 and TOKEN_CHARS.issuperset(value)


TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@bp.get("/receipt")
def receipt():
    """The receipt, with the access key shown this once (``intake.cases.sources``); shown
    again, it says where the key went instead. Never cached."""
    data = session.get(RECEIPT) or {}
    case = db.session.get(Case, data["case_id"]) if isinstance(data.get("case_id"), int) else None
    if case is None:
        flash(_("Không còn phiếu tiếp nhận để hiển thị. Hãy tra cứu bằng mã và mã tra cứu."))
        return redirect(url_for("public.track"))
    outcome = perform(lambda: open_receipt(case.id, str(data.get("sealed") or "")))
    session[RECEIPT] = {"case_id": case.id}
    page = render_template(
        "public/receipt.html",
        case=case,
        access_key=outcome.value if outcome.ok else None,
        triage_by=last_local_day(case.triage_due_at),
        triage_days=working_days_for(Step.TRIAGE, case.priority, case.field_id),
    )
    return page, 200, {"Cache-Control": "no-store"}
