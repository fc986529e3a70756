"""The public statistics (``/stats``, ``GET /api/v1/statistics`` and ``/open-data/stats``):
received, answered and on time, by unit and by field, for a reporting year. Aggregate figures
only, never an item or a person; a unit or field with fewer answers than ``REPORT_MIN_SAMPLE``
gets no rank.

``year_figures`` keys the rows by unit and field id (the open-data files name them by code in
both languages); ``public_statistics`` is the same figures named in one language (the page and
the API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from intake.core.calendar import local_date
from intake.core.periods import Period, PeriodKind, report_period, reporting_year
from intake.extensions import db
from intake.reports.figures import Breakdown, Figures, build_report, ranked
from intake.reports.labels import ReportLabels
from intake.reports.models import ReportEntry

#: The public figures go back to this reporting year at most.
FIRST_STATS_YEAR = 2020


@dataclass
class YearFigures:
    """The province's figures and the ranked rows of the units and fields, keyed by id."""

    year: int
    period: Period
    total: Figures
    running: bool  # the year has not ended: "open at end" means open now
    units: list[tuple[int, Figures, int | None]]  # (id, figures, rank)
    fields: list[tuple[int, Figures, int | None]]
    min_sample: int


@dataclass
class PublicStatistics:
    """The same figures, each row named in the visitor's language."""

    year: int
    period: Period
    total: Figures
    running: bool
    units: list[tuple[str, Figures, int | None]]  # (name, figures, rank)
    fields: list[tuple[str, Figures, int | None]]
    min_sample: int


def available_years(now: datetime) -> list[int]:
    """The reporting years with figures, the current one first."""
    current_year = reporting_year(local_date(now))
    first_day = db.session.scalar(sa.select(sa.func.min(ReportEntry.occurred_on)))
    first_year = max(reporting_year(first_day), FIRST_STATS_YEAR) if first_day else current_year
    return list(range(current_year, first_year - 1, -1))


def year_figures(year: int, *, now: datetime, min_sample: int) -> YearFigures:
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
        min_sample=min_sample,
    )


def public_statistics(year: int, *, now: datetime, locale: str, min_sample: int):
    figures = year_figures(year, now=now, min_sample=min_sample)
    labels = ReportLabels(locale)
    return PublicStatistics(
        year=figures.year,
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
