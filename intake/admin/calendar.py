"""The working calendar: the days the province declares off, or working, against the national
calendar. Every change moves the open due dates it touches, and says how many."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import abort, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from intake import clock
from intake.admin import forms, queries
from intake.admin import operations as ops
from intake.admin.blueprint import bp, me
from intake.admin.common import locale, perform_and_redirect, save_form, today
from intake.extensions import db
from intake.org.models import CalendarOverride


@bp.route("/calendar", methods=["GET", "POST"])
def calendar():
    year_form = forms.CalendarYearForm(request.args)
    year = _year(year_form)
    form = forms.CalendarOverrideForm()
    if request.method == "GET":
        form.kind.data = forms.DAY_OFF

    def run() -> ops.CalendarChange:
        return ops.set_calendar_day(
            form.day.data,
            is_working_day=form.is_working_day,
            reason=form.reason.data,
            now=clock.now(),
            actor=me(),
        )

    return save_form(
        form, "admin/calendar.html", run,
        done=_calendar_done,
        target=lambda c: url_for("admin.calendar", year=c.day.year) + f"#day-{c.day.isoformat()}",
        year=year,
        year_form=year_form,
        days=queries.calendar_year(year, locale()),
        other_years={y: n for y, n in queries.override_years().items() if y != year},
        first_year=ops.CALENDAR_YEARS[0],
        last_year=ops.CALENDAR_YEARS[-1],
        delete_form=forms.DeleteForm(),
    )  # fmt: skip


@bp.post("/calendar/<day>/delete")
def calendar_delete(day: str):
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    exists = sa.select(CalendarOverride.id).where(CalendarOverride.day == when)
    if db.session.scalar(exists) is None:
        abort(404)
    if not forms.DeleteForm().validate_on_submit():
        abort(400)
    return perform_and_redirect(
        lambda: ops.remove_calendar_day(when, now=clock.now(), actor=me()),
        done=_calendar_done,
        target=url_for("admin.calendar", year=when.year),
    )


def _calendar_done(change: ops.CalendarChange) -> str:
    day = format_date(change.day, "dd/MM/yyyy")
    if change.is_working_day is None:
        what = _("Đã bỏ điều chỉnh ngày %(day)s; ngày này theo lịch quốc gia.", day=day)
    elif change.is_working_day:
        what = _("Đã ghi ngày %(day)s là ngày làm việc.", day=day)
    else:
        what = _("Đã ghi ngày %(day)s là ngày nghỉ.", day=day)
    return what + " " + _("Số thời hạn đang tính đã thay đổi: %(n)d.", n=change.moved)


def _year(form: forms.CalendarYearForm) -> int:
    form.validate()  # a bad year is ignored: the current year is shown
    year = form.year.data if not form.year.errors else None
    if year is None or year not in ops.CALENDAR_YEARS:
        year = today().year
        form.year.data = year
    return year
