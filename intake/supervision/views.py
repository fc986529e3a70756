"""The supervisors' pages: the dashboard, the periodic reports and their exports.

Read-only views over ``intake.reports``: parse the period and filter bar, build the figures
(SQL aggregates), render. Only supervisors get in; for everyone else the blueprint does not
exist (404). Intake officers and units have their queues; the public has /stats.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from intake import clock
from intake.accounts.models import Role
from intake.cases.deferral import deferred_by_unit, deferred_now, deferred_since
from intake.cases.models import Channel
from intake.core.calendar import last_local_day, local_date
from intake.core.text import fold
from intake.extensions import db
from intake.notifications.queries import sms_sent_per_month
from intake.org import choices
from intake.org.calendar import load_working_calendar
from intake.org.models import Field, Unit
from intake.reports import charts, exports, printed
from intake.reports import queries as trends
from intake.reports.figures import CASE_COLUMNS, Breakdown, Filters, build_report, ranked
from intake.reports.labels import ReportLabels
from intake.supervision.forms import (
    BREAKDOWN_LABELS,
    PeriodForm,
    period_title,
    resolve_period,
)
from intake.web.params import id_param

bp = Blueprint("supervision", __name__)

OVERDUE_LIST_LIMIT = 20
DEFERRED_LIST_LIMIT = 20
#: Sortable columns of the dashboard's unit table: name → key over (label, figures, rank).
UNIT_SORTS = {
    "rank": lambda r: (r[2] is None, r[2] or 0),
    "name": lambda r: (fold(r[0]), r[0]),  # base letters first: Kế before Khoa
    "assigned": lambda r: -r[1].assigned,
    "answered": lambda r: -r[1].answered,
    "rate": lambda r: (r[1].on_time_rate is None, -(r[1].on_time_rate or 0)),
    "median": lambda r: (r[1].handling_median is None, r[1].handling_median or 0),
    "open": lambda r: -(r[1].open_at_end or 0),
    "overdue": lambda r: -(r[1].overdue_at_end or 0),
    "satisfaction": lambda r: (r[1].satisfied_share is None, -(r[1].satisfied_share or 0)),
    "bounced": lambda r: -r[1].bounced,
}


@bp.before_request
@login_required
def _supervisors_only():
    # login_required lets OPTIONS through unauthenticated: an anonymous user has no role.
    if not current_user.is_authenticated or current_user.role is not Role.SUPERVISOR:
        abort(404)


def _now() -> datetime:
    return clock.now()


def _period_form(today):
    locale = str(get_locale())
    form = PeriodForm(request.args)
    form.setup(
        today,
        choices.unit_choices(locale, blank=choices.ALL_LABEL),
        choices.field_choices(locale, blank=choices.ALL_LABEL),
        choices.ALL_LABEL,
    )
    form.validate()  # only the dates can be wrong; resolve_period explains what it did
    period, kind, problem = resolve_period(form, today)
    labels = ReportLabels(locale)
    unit_id, field_id = id_param(form.unit_id.data), id_param(form.field_id.data)
    # A stale bookmark must not print an official-looking report for a unit that is not
    # there: an unknown id is dropped, and the bar and a message say so.
    if unit_id is not None and unit_id not in labels.units:
        unit_id, form.unit_id.data = None, ""
        problem = _("Không có đơn vị này; đang hiển thị mọi đơn vị.")
    if field_id is not None and field_id not in labels.fields:
        field_id, form.field_id.data = None, ""
        problem = _("Không có lĩnh vực này; đang hiển thị mọi lĩnh vực.")
    filters = Filters(unit_id=unit_id, field_id=field_id, channel=_known_channel(form.channel.data))
    return form, period, period_title(period, kind), problem, filters, labels


#: The query-string names a supervision link may carry on: the bar's fields and the sort.
LINK_ARGS = ("period", "year", "quarter", "date_from", "date_to", "unit_id", "field_id",
             "channel", "breakdown", "sort")  # fmt: skip


def link_args(**overrides) -> dict[str, str]:
    """The current view's own arguments, for links to the same view elsewhere: never the raw
    query string, whose other names (``_external``, ``endpoint`` …) url_for would obey."""
    args = {k: v for k, v in request.args.items() if k in LINK_ARGS and len(v) <= 40}
    args.update(overrides)
    return args


bp.add_app_template_global(link_args)


def _min_sample() -> int:
    return current_app.config["REPORT_MIN_SAMPLE"]


# --- dashboard ------------------------------------------------------------------------------


@bp.get("/")
def dashboard():
    now = _now()
    today = local_date(now)
    form, period, title, problem, filters, labels = _period_form(today)
    report = build_report(period, now=now, filters=filters, breakdown=Breakdown.UNIT)

    sort = request.args.get("sort", "rank")
    unit_rows = [
        (labels.unit(key), figures, rank, key)
        for key, figures, rank in ranked(report.rows, _min_sample())
    ]
    unit_rows.sort(key=UNIT_SORTS.get(sort, UNIT_SORTS["rank"]))

    chart_figures, chart_data = _charts(period, today, now, filters, labels)
    overdue = db.session.execute(trends.overdue_items(now, filters).limit(OVERDUE_LIST_LIMIT)).all()
    calendar = load_working_calendar()
    overdue_rows = [
        (case, due_at, calendar.working_days_between(last_local_day(due_at), today))
        for case, due_at in overdue
    ]
    deferred = deferred_now(now, calendar, filters.apply(deferred_since(), CASE_COLUMNS))
    return render_template(
        "supervision/dashboard.html",
        form=form,
        period=period,
        period_title=title,
        problem=problem,
        report=report,
        unit_rows=unit_rows,
        sort=sort,
        min_sample=_min_sample(),
        names=labels,
        overdue_rows=overdue_rows,
        overdue_total=sum(n for _, n in chart_data["overdue_units"]),
        charts=chart_figures,
        chart_data=chart_data,
        sms_months=sms_sent_per_month(now),
        now=now,
        unit_view=filters.unit_id is not None,
        deferred_rows=deferred[:DEFERRED_LIST_LIMIT],
        deferred_total=len(deferred),
        deferred_units=deferred_by_unit(deferred),
        review_period=current_app.config["DEFERRED_REVIEW_WORKING_DAYS"],
    )


def _charts(period, today, now, filters: Filters, labels: ReportLabels):
    """The four charts of the dashboard, also printed in the report, and their figures."""
    trend_end = trends.trend_end(period, today)
    months = trends.months_back(trend_end, 12)
    flow = trends.monthly_flow(months, trend_end, filters)
    month_labels = [format_date(m, "MM/yy") for m in months]
    # Filtered to a unit, what comes in is what is routed to it (items arrive unrouted).
    incoming = "assigned" if filters.unit_id is not None else "received"
    intake_label = _("Được giao") if filters.unit_id is not None else _("Tiếp nhận")
    received = [flow[m][incoming] for m in months]
    answered = [flow[m]["answered"] for m in months]
    on_time = [
        flow[m]["on_time"] / flow[m]["answered"] if flow[m]["answered"] else None for m in months
    ]
    overdue_units = [(labels.unit(u), n) for u, n in trends.overdue_by_unit(now, filters)]
    by_field = trends.assigned_by_field(period, filters).most_common(12)
    by_field = [(labels.field(f), n) for f, n in by_field]
    figures = {
        "flow": charts.column_chart(
            "flow",
            _("Tiếp nhận và trả lời theo tháng"),
            month_labels,
            [charts.Series(intake_label, received), charts.Series(_("Đã trả lời"), answered)],
            fmt=number,
        ),
        "on_time": charts.column_chart(
            "ontime",
            _("Tỷ lệ trả lời đúng hạn theo tháng"),
            month_labels,
            [charts.Series(_("Tỷ lệ đúng hạn"), on_time)],
            percent=True,
            fmt=number,
        ),
        "overdue_units": charts.bar_chart(
            "overdue", _("Phản ánh đang quá hạn theo đơn vị"), overdue_units[:12], fmt=number
        ),
        "fields": charts.bar_chart(
            "fields", _("Phản ánh được chuyển xử lý theo lĩnh vực"), by_field, fmt=number
        ),
    }
    data = {
        "months": list(zip(month_labels, received, answered, on_time, strict=True)),
        "overdue_units": overdue_units,
        "fields": by_field,
    }
    return figures, data


def number(value: float) -> str:
    """Chart numbers in the reader's locale (1.234 in Vietnamese, 1,234 in English)."""
    return format_decimal(value, "#,##0.#")


# --- reports and exports ----------------------------------------------------------------------


def _report_context():
    now = _now()
    form, period, title, problem, filters, labels = _period_form(local_date(now))
    try:
        breakdown = Breakdown(form.breakdown.data or Breakdown.UNIT)
    except ValueError:
        breakdown = Breakdown.UNIT
    form.breakdown.data = breakdown.value  # the bar shows what the report shows
    report = build_report(period, now=now, filters=filters, breakdown=breakdown)
    table = exports.report_table(report, labels.for_breakdown(breakdown), _min_sample())
    return form, report, table, title, problem, labels, breakdown, filters, now


@bp.get("/reports")
def reports():
    form, report, table, title, problem, labels, breakdown, filters, now = _report_context()
    chart_figures, chart_data = _charts(report.period, local_date(now), now, filters, labels)
    return render_template(
        "supervision/report.html",
        form=form,
        report=report,
        table=table,
        period_title=title,
        problem=problem,
        names=labels,
        breakdown_label=BREAKDOWN_LABELS[breakdown],
        filter_lines=_filter_lines(filters, labels),
        min_sample=_min_sample(),
        now=now,
        export_args=link_args(),
        kind_label=labels.kind,
        class_label=labels.content_class,
        reason_label=labels.refusal,
        themed_tables=printed.themed_tables(table),
        report_number=printed.report_number(
            report.period, _scope_codes(filters), current_app.config["REPORT_ISSUER_CODE"]
        ),
        charts=chart_figures,
        chart_data=chart_data,
    )


def _scope_codes(filters: Filters) -> list[str]:
    """The codes of a report's filters, for its number: unit, field, channel."""
    unit = db.session.get(Unit, filters.unit_id) if filters.unit_id is not None else None
    field = db.session.get(Field, filters.field_id) if filters.field_id is not None else None
    channel = filters.channel.value if filters.channel is not None else None
    return [x for x in (unit and unit.code, field and field.code, channel) if x]


@bp.get("/reports/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    form, report, table, title, problem, labels, breakdown, filters, now = _report_context()
    preamble = [
        _("Báo cáo kết quả tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính"),
        title,
        str(BREAKDOWN_LABELS[breakdown]),
        *_filter_lines(filters, labels),
        _("Số liệu lập lúc %(at)s", at=format_date(now, "dd/MM/yyyy")),
    ]
    name = f"bao-cao-pakn-{report.period.first_day:%Y%m%d}-{report.period.last_day:%Y%m%d}"
    if fmt == "csv":
        body, mimetype = exports.to_csv(table, preamble), "text/csv; charset=utf-8"
    else:
        body = exports.to_xlsx(table, _("Báo cáo PAKN"), preamble)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


def _filter_lines(filters: Filters, labels: ReportLabels) -> list[str]:
    lines = []
    if filters.unit_id is not None:
        lines.append(_("Đơn vị: %(name)s", name=labels.unit(filters.unit_id)))
    if filters.field_id is not None:
        lines.append(_("Lĩnh vực: %(name)s", name=labels.field(filters.field_id)))
    if filters.channel is not None:
        lines.append(_("Kênh tiếp nhận: %(name)s", name=labels.channel(filters.channel)))
    return lines


def unit_items_url(unit_id) -> str:
    """Where a click on a unit leads: the intake queue's "all" tab filtered to that unit."""
    return url_for("officer.intake_queue", tab="all", unit_id=unit_id or "")


bp.add_app_template_global(unit_items_url)


def _known_channel(value) -> Channel | None:
    try:
        return Channel(value) if value else None
    except ValueError:
        return None
