"""The periodic report as the provincial leadership reads it, on paper or on a phone.

The report table (``exports.report_table``, the same as the CSV and XLSX files) has 25 columns:
printed on one A4 page that means 6 pt. Here it is split by theme into tables of at most
``MAX_COLUMNS`` columns, each starting with the row's name; a column with no figure for any row
(every unit "—") is left out and named under the table. The report's number ("Số: …/BC-…") is
derived from what it reports on, so the same report always carries the same number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from intake.core.periods import Period, PeriodKind, report_period
from intake.reports.exports import COLUMNS, Table

MAX_COLUMNS = 12
RANK = "rank"  # the last column of the report table

#: (title, the figures' keys, whether they describe a moment: the end of the period, or now).
THEMES: tuple[tuple[object, tuple[str, ...], bool], ...] = (
    (
        _l("Tiếp nhận, được giao và kết thúc không trả lời"),
        ("carried_over", "received", "assigned", "refused", "transferred_out", "withdrawn",
         "bounced"),
        False,
    ),
    (
        _l("Trả lời, đúng hạn và thời gian xử lý"),
        ("answered", "answered_on_time", "answered_late", "on_time_rate", RANK, "published",
         "handling_mean", "handling_median", "handling_p90"),
        False,
    ),
    (
        _l("Phản ánh đang xử lý cuối kỳ"),
        ("open_at_end", "within_deadline_at_end", "overdue_at_end", "deferred_at_end"),
        True,
    ),
    (
        _l("Đánh giá của người gửi"),
        ("ratings_count", "rating_mean", "satisfied_share", "reconsiderations"),
        False,
    ),
)  # fmt: skip


@dataclass
class ThemedTable:
    title: str
    headers: list[str]  # the row name's header, then one per value column
    rows: list[list]  # the row's name, then the values
    percent: list[bool]  # per value column
    left_out: list[str]  # headers of the columns with no figure for any row
    at_a_moment: bool  # stocks: at the end of the period (or now, for a period not ended)


def _positions() -> dict[str, int]:
    """Each figure's position in the report table's rows (0 is the row's name)."""
    positions = {column.key: index for index, column in enumerate(COLUMNS, start=1)}
    positions[RANK] = len(COLUMNS) + 1
    return positions


def themed_tables(table: Table) -> list[ThemedTable]:
    positions = _positions()
    percent = {column.key for column in COLUMNS if column.percent}
    # The last row is the province's total. With rows by unit, field or channel, a column is
    # "empty" when none of them has a figure (the total of "received" is in section I).
    rows_to_judge = table.rows[:-1] or table.rows
    result = []
    for title, keys, at_a_moment in THEMES:
        kept, left_out = [], []
        for key in keys:
            position = positions[key]
            if all(row[position] is None for row in rows_to_judge):
                left_out.append(table.headers[position])
            else:
                kept.append((key, position))
        if not kept:
            continue
        result.append(
            ThemedTable(
                title=str(title),
                headers=[table.headers[0]] + [table.headers[p] for _, p in kept],
                rows=[[row[0]] + [row[p] for _, p in kept] for row in table.rows],
                percent=[key in percent for key, _ in kept],
                left_out=left_out,
                at_a_moment=at_a_moment,
            )
        )
    return result


def _period_code(period: Period) -> str:
    year = period.last_day.year
    candidates = [(PeriodKind.QUARTER, q, f"Q{q}-{year}") for q in (1, 2, 3, 4)]
    candidates += [
        (PeriodKind.SIX_MONTHS, None, f"6T-{year}"),
        (PeriodKind.NINE_MONTHS, None, f"9T-{year}"),
        (PeriodKind.YEAR, None, f"N-{year}"),
    ]
    for kind, quarter, code in candidates:
        if report_period(kind, year, quarter) == period:
            return code
    return f"{period.first_day:%d%m%Y}-{period.last_day:%d%m%Y}"


def report_number(period: Period, scope: Sequence[str], issuer_code: str) -> str:
    """ "Q1-2026/BC-VPUBND", "Q1-2026.SO-TNMT/BC-VPUBND" (filtered to a unit) … : the period,
    then the codes of the filters, then the issuing office. Derived, not stored: the same
    period and filters always give the same number."""
    parts = [_period_code(period), *(code.upper() for code in scope if code)]
    return f"{'.'.join(parts)}/BC-{issuer_code}"
