"""Exchange with the national system: upload a batch it forwarded (the problems by file and
line, or what was imported), download the changes since a time, and the record of past runs."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from intake import clock
from intake.admin import forms
from intake.admin.blueprint import bp, me
from intake.core.calendar import LOCAL_TZ
from intake.exchange.batch import MAX_BATCH_BYTES
from intake.exchange.doors import export_file_name, run_export, run_import
from intake.exchange.models import runs_newest_first
from intake.exchange.transport import IncomingBatch
from intake.extensions import db
from intake.web.params import page_number

PER_PAGE = 25


@bp.get("/exchange")
def exchange():
    return _page(forms.NationalImportForm(), _export_form())


@bp.post("/exchange/import")
def exchange_import():
    form = forms.NationalImportForm()
    if not form.validate_on_submit():
        return _page(form, _export_form(), status=422)
    upload = form.batch.data
    incoming = IncomingBatch(upload.filename or "", upload.read(MAX_BATCH_BYTES + 1))
    outcome = run_import(incoming, actor=me())
    if not outcome.ok:
        form.form_errors.append(outcome.refusal.message)
        return _page(form, _export_form(), status=422)
    result = outcome.value
    if not result.ok:
        return _page(form, _export_form(), problems=result.problems, status=422)
    flash(
        _(
            "Đã nhập %(imported)d hồ sơ; %(skipped)d hồ sơ đã có từ trước nên bỏ qua.",
            imported=len(result.imported),
            skipped=len(result.skipped),
        )
    )
    return redirect(url_for("admin.exchange"), code=303)


@bp.post("/exchange/export")
def exchange_export():
    form = forms.NationalExportForm()
    if not form.validate_on_submit():
        return _page(forms.NationalImportForm(), form, status=422)
    since = form.since.data.replace(tzinfo=LOCAL_TZ)
    name = export_file_name(since)
    outcome = run_export(since, actor=me(), file_name=name)
    if not outcome.ok:
        form.form_errors.append(outcome.refusal.message)
        return _page(forms.NationalImportForm(), form, status=422)
    return Response(
        outcome.value,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _export_form() -> forms.NationalExportForm:
    """Since the end of the last export by default, so that a click sends what is new."""
    form = forms.NationalExportForm()
    if form.since.data is None:
        last = db.session.scalar(runs_newest_first(export=True).limit(1))
        start = last.until if last is not None else clock.now() - timedelta(days=7)
        form.since.data = start.astimezone(LOCAL_TZ).replace(tzinfo=None, second=0, microsecond=0)
    return form


def _page(import_form, export_form, *, problems=(), status=200):
    page = db.paginate(runs_newest_first(), page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "admin/exchange.html",
        import_form=import_form,
        export_form=export_form,
        problems=problems,
        page=page,
    ), status
