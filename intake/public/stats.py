"""The public statistics: received, answered and on time, by field and by unit, for a
reporting year. Aggregate figures only, never an item or a person."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, render_template, request
from flask_babel import get_locale

from intake import clock
from intake.core.calendar import local_date
from intake.core.periods import Period, PeriodKind, report_period, reporting_year
from intake.extensions import db
from intake.public.blueprint import bp
from intake.reports.figures import Breakdown, Figures, build_report, ranked
from intake.reports.labels import ReportLabels
from intake.reports.models import ReportEntry
from intake.web.page_cache import NUMBER, ORGANISATION, PUBLICATIONS, STATISTICS, shared_page

#: The public page offers the reporting years from this one to the current one.
FIRST_STATS_YEAR = 2020


@dataclass
class YearFigures:
    """What /stats shows for a reporting year (and /open-data/stats repeats): the province's
    figures and the ranked rows of the units and fields, keyed by their ids."""

    year: int
    period: Period
    total: Figures
    running: bool  # the year has not ended: the stocks are those of today
    units: list[tuple[int, Figures, int | None]]
    fields: list[tuple[int, Figures, int | None]]


def stats_years(now) -> list[int]:
    """The reporting years with figures, newest first (at least the current one)."""
    current_year = reporting_year(local_date(now))
    first_day = db.session.scalar(sa.select(sa.func.min(ReportEntry.occurred_on)))
    first_year = max(reporting_year(first_day), FIRST_STATS_YEAR) if first_day else current_year
    return list(range(current_year, first_year - 1, -1))


def year_figures(year: int, now, min_sample: int) -> YearFigures:
    period = report_period(PeriodKind.YEAR, year)
    by_unit = build_report(period, now=now, breakdown=Breakdown.UNIT)
    by_field = build_report(period, now=now, breakdown=Breakdown.FIELD)
    return YearFigures(
        year=year,
        period=period,
        total=by_unit.total,
        running=by_unit.closing_is_live,
        units=ranked(_named(by_unit.rows), min_sample),
        fields=ranked(_named(by_field.rows), min_sample),
    )


@bp.get("/stats")
@shared_page(depends_on=(ORGANISATION, PUBLICATIONS, STATISTICS), args={"year": NUMBER})
def stats():
    """Received, answered and on time, by field and by unit, for a reporting year: aggregate
    figures only, never an item or a person."""
    now = clock.now()
    years = stats_years(now)  # only years with figures
    requested = request.args.get("year", "")
    valid = requested.isdecimal() and len(requested) <= 4 and int(requested) in years
    year = int(requested) if valid else years[0]
    min_sample = current_app.config["REPORT_MIN_SAMPLE"]
    labels = ReportLabels(str(get_locale()))
    figures = year_figures(year, now, min_sample)
    return render_template(
        "public/stats.html",
        year=year,
        years=years,
        period=figures.period,
        total=figures.total,
        running=figures.running,
        units=[(labels.unit(k), f, r) for k, f, r in figures.units],
        fields=[(labels.field(k), f, r) for k, f, r in figures.fields],
        min_sample=min_sample,
    )


def _named(rows: dict) -> dict:
    """Rows of real units or fields that did something in the year; the intake office's own
    row (items not yet routed) is not a unit's result."""
    return {k: f for k, f in rows.items() if k is not None and (f.assigned or f.answered)}
