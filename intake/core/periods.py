"""Reporting periods with the Government's data cut-off convention (DOMAIN.md §7).

A period ends on the 14th of its last month and starts on the 15th of the last month of the
previous period: Q1 runs from 15/12 of the previous year to 14/3. Six months, nine months and
the year start with Q1 and end with Q2, Q3 and Q4. Dates are local (Asia/Ho_Chi_Minh) and
inclusive; ``bounds`` turns them into the UTC instants that queries compare with.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from intake.core.calendar import end_of_local_day, start_of_local_day


class PeriodKind(enum.StrEnum):
    QUARTER = "quarter"
    SIX_MONTHS = "six_months"
    NINE_MONTHS = "nine_months"
    YEAR = "year"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date

    def __post_init__(self):
        if self.last_day < self.first_day:
            raise ValueError("a period cannot end before it starts")

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC: from 00:00 of the first day to 24:00 of the last day."""
        return start_of_local_day(self.first_day), end_of_local_day(self.last_day)


#: The last month of each cut-off period, by kind (quarters are numbered 1-4).
_LAST_MONTH = {PeriodKind.SIX_MONTHS: 6, PeriodKind.NINE_MONTHS: 9, PeriodKind.YEAR: 12}


def report_period(kind: PeriodKind, year: int, quarter: int | None = None) -> Period:
    """The cut-off period of ``kind`` for reporting year ``year``."""
    if kind is PeriodKind.QUARTER:
        if quarter not in (1, 2, 3, 4):
            raise ValueError("quarter must be 1 to 4")
        last_month = 3 * quarter
        first = date(year - 1, 12, 15) if quarter == 1 else date(year, last_month - 3, 15)
        return Period(first, date(year, last_month, 14))
    if kind in _LAST_MONTH:
        return Period(date(year - 1, 12, 15), date(year, _LAST_MONTH[kind], 14))
    raise ValueError("a custom period is given by its dates")


def period_containing(day: date, kind: PeriodKind) -> Period:
    """The quarter ``day`` falls in, or for the cumulative kinds (six and nine months, the
    year) that period of ``day``'s reporting year, which may already have ended. 15-31
    December belong to the next reporting year."""
    year = reporting_year(day)
    if kind is PeriodKind.QUARTER:
        for quarter in (1, 2, 3, 4):
            period = report_period(kind, year, quarter)
            if period.first_day <= day <= period.last_day:
                return period
    return report_period(kind, year)


def reporting_year(day: date) -> int:
    return day.year + 1 if (day.month, day.day) >= (12, 15) else day.year
