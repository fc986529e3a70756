"""The Government's cut-off convention for periodic reports, table-driven."""

from datetime import UTC, date, datetime

import pytest

from intake.core.periods import Period, PeriodKind, period_containing, report_period


@pytest.mark.parametrize(
    ("kind", "year", "quarter", "first", "last"),
    [
        (PeriodKind.QUARTER, 2026, 1, date(2025, 12, 15), date(2026, 3, 14)),
        (PeriodKind.QUARTER, 2026, 2, date(2026, 3, 15), date(2026, 6, 14)),
        (PeriodKind.QUARTER, 2026, 3, date(2026, 6, 15), date(2026, 9, 14)),
        (PeriodKind.QUARTER, 2026, 4, date(2026, 9, 15), date(2026, 12, 14)),
        (PeriodKind.SIX_MONTHS, 2026, None, date(2025, 12, 15), date(2026, 6, 14)),
        (PeriodKind.NINE_MONTHS, 2026, None, date(2025, 12, 15), date(2026, 9, 14)),
        (PeriodKind.YEAR, 2026, None, date(2025, 12, 15), date(2026, 12, 14)),
    ],
)
def test_cut_off_periods(kind, year, quarter, first, last):
    assert report_period(kind, year, quarter) == Period(first, last)


def test_quarters_tile_the_year_without_gaps():
    quarters = [report_period(PeriodKind.QUARTER, 2026, q) for q in (1, 2, 3, 4)]
    for before, after in zip(quarters, quarters[1:], strict=False):
        assert (after.first_day - before.last_day).days == 1
    assert quarters[0].first_day == report_period(PeriodKind.YEAR, 2026).first_day
    assert quarters[-1].last_day == report_period(PeriodKind.YEAR, 2026).last_day


def test_bounds_are_local_days_in_utc():
    start, end = Period(date(2026, 3, 15), date(2026, 6, 14)).bounds()
    assert start == datetime(2026, 3, 14, 17, 0, tzinfo=UTC)  # 00:00 on 15/3 in Viet Nam
    assert end == datetime(2026, 6, 14, 17, 0, tzinfo=UTC)  # 24:00 on 14/6


@pytest.mark.parametrize(
    "call",
    [
        lambda: report_period(PeriodKind.QUARTER, 2026, 5),
        lambda: report_period(PeriodKind.CUSTOM, 2026),
        lambda: Period(date(2026, 3, 2), date(2026, 3, 1)),
    ],
)
def test_invalid_periods_are_refused(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize(
    ("day", "kind", "expected"),
    [
        (date(2026, 3, 14), PeriodKind.QUARTER, (date(2025, 12, 15), date(2026, 3, 14))),
        (date(2026, 3, 15), PeriodKind.QUARTER, (date(2026, 3, 15), date(2026, 6, 14))),
        (date(2026, 11, 26), PeriodKind.QUARTER, (date(2026, 9, 15), date(2026, 12, 14))),
        (date(2026, 12, 15), PeriodKind.QUARTER, (date(2026, 12, 15), date(2027, 3, 14))),
        (date(2026, 12, 15), PeriodKind.YEAR, (date(2026, 12, 15), date(2027, 12, 14))),
        (date(2026, 12, 14), PeriodKind.YEAR, (date(2025, 12, 15), date(2026, 12, 14))),
        # Six months of the reporting year, already over on 1 July.
        (date(2026, 7, 1), PeriodKind.SIX_MONTHS, (date(2025, 12, 15), date(2026, 6, 14))),
    ],
)
def test_the_period_a_day_falls_in(day, kind, expected):
    period = period_containing(day, kind)
    assert (period.first_day, period.last_day) == expected
