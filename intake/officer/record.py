"""Recording an item received outside the web form (Art. 6): by phone, on paper, by e-mail,
at the counter or from the national portal, written down faithfully by the intake officer."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from intake import clock
from intake.cases import operations as ops
from intake.cases import permissions as perms
from intake.cases.models import Channel
from intake.core.calendar import LOCAL_TZ
from intake.officer import forms
from intake.officer.blueprint import bp, me
from intake.org import choices
from intake.web.lifecycle import perform


@bp.route("/cases/new", methods=["GET", "POST"])
def record_case():
    if not perms.is_intake_officer(current_user):
        abort(404)
    locale = str(get_locale())
    form = forms.RecordCaseForm()
    form.field_id.choices = choices.field_choices(locale)
    form.concerned_unit_id.choices = choices.unit_choices(locale)
    if request.method == "GET":
        form.received_on.data = clock.now().astimezone(LOCAL_TZ).date()
    if form.validate_on_submit():
        uploads = form.read_uploads()
        procedure_id = choices.procedure_id_from_form(form)
        if not form.errors:
            submission = form.to_submission(uploads, procedure_id, form.language_value)
            submission.channel = Channel(form.channel.data)
            submission.national_code = form.national_code.data
            submission.received_at = _received_at(form.received_on.data)
            outcome = perform(
                lambda: ops.submit_case(
                    submission,
                    actor=me(),
                    now=clock.now(),
                    calendar=None,
                )
            )
            if outcome.ok:
                result = outcome.value
                flash(
                    _(
                        "Đã vào sổ %(code)s. Mã tra cứu cho người gửi: %(key)s",
                        code=result.case.reference_code,
                        key=result.access_key,
                    )
                )
                return redirect(url_for("officer.case_detail", case_id=result.case.id), code=303)
            outcome.refusal.attach_to(form)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "officer/record_case.html", form=form, procedures=choices.procedure_options()
    ), status


def _received_at(day) -> datetime:
    """The original receipt date; today's receipt keeps the current time of day."""
    now = clock.now()
    if day == now.astimezone(LOCAL_TZ).date():
        return now
    return datetime.combine(day, time(8, 0), tzinfo=LOCAL_TZ).astimezone(UTC)
