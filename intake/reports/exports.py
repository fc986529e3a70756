"""A report as a table, and that table as CSV and XLSX files a province office can open.

One function decides the columns (``report_table``); the page, the CSV and the XLSX all use it,
so the three never disagree. Text cells that a spreadsheet would read as a formula (starting
with = + - @, or a tab or carriage return) are prefixed with an apostrophe: a unit named
"=HYPERLINK(…)" by a careless or malicious edit stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from intake.reports.figures import Figures, ranked

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def guard(value):
    """Text that cannot run as a spreadsheet formula; numbers and None pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass(frozen=True)
class Column:
    header: object  # a lazy string: translated when the table is built
    value: Callable[[Figures], object]
    percent: bool = False
    key: str = ""  # the figure's name, by which the printed report groups columns by theme


RECEIVED_COLUMN = Column(_l("Tiếp nhận trong kỳ"), lambda f: f.received, key="received")
COLUMNS: tuple[Column, ...] = (
    Column(_l("Tồn kỳ trước chuyển sang"), lambda f: f.carried_over, key="carried_over"),
    RECEIVED_COLUMN,
    Column(_l("Lượt được giao xử lý"), lambda f: f.assigned, key="assigned"),
    Column(_l("Từ chối tiếp nhận"), lambda f: f.refused, key="refused"),
    Column(_l("Chuyển cơ quan có thẩm quyền"), lambda f: f.transferred_out, key="transferred_out"),
    Column(_l("Người gửi rút"), lambda f: f.withdrawn, key="withdrawn"),
    Column(_l("Đã trả lời"), lambda f: f.answered, key="answered"),
    Column(_l("Trả lời đúng hạn"), lambda f: f.answered_on_time, key="answered_on_time"),
    Column(_l("Trả lời trễ hạn"), lambda f: f.answered_late, key="answered_late"),
    Column(
        _l("Tỷ lệ đúng hạn (%)"),
        lambda f: _percent(f.on_time_rate),
        percent=True,
        key="on_time_rate",
    ),
    Column(_l("Đã công khai"), lambda f: f.published, key="published"),
    Column(_l("Tồn cuối kỳ"), lambda f: f.open_at_end, key="open_at_end"),
    Column(_l("Trong hạn"), lambda f: f.within_deadline_at_end, key="within_deadline_at_end"),
    Column(_l("Quá hạn"), lambda f: f.overdue_at_end, key="overdue_at_end"),
    Column(_l("Tiếp tục nghiên cứu"), lambda f: f.deferred_at_end, key="deferred_at_end"),
    Column(
        _l("Thời gian xử lý bình quân (ngày làm việc)"),
        lambda f: _round(f.handling_mean),
        key="handling_mean",
    ),
    Column(
        _l("Trung vị (ngày làm việc)"), lambda f: _round(f.handling_median), key="handling_median"
    ),
    Column(_l("Phân vị 90 (ngày làm việc)"), lambda f: _round(f.handling_p90), key="handling_p90"),
    Column(_l("Lượt đánh giá"), lambda f: f.ratings_count, key="ratings_count"),
    Column(_l("Điểm hài lòng bình quân (1-5)"), lambda f: _round(f.rating_mean), key="rating_mean"),
    Column(
        _l("Tỷ lệ hài lòng (%)"),
        lambda f: _percent(f.satisfied_share),
        percent=True,
        key="satisfied_share",
    ),
    Column(_l("Đề nghị xem xét lại"), lambda f: f.reconsiderations, key="reconsiderations"),
    Column(_l("Bị đơn vị trả lại"), lambda f: f.bounced, key="bounced"),
)


@dataclass
class Table:
    headers: list[str]
    rows: list[list]  # first cell: the row's name; last cell: rank (or None)


def report_table(report, label: Callable[[object], str], min_sample: int) -> Table:
    """One row per breakdown key, ranked by on-time rate (minimum sample), then the total.
    By unit or field, "received" stays empty in the rows: an item arrives with neither (it is
    the intake office's figure, in the total); a unit's intake is its routings."""
    headers = [str(_l("Đơn vị / nhóm"))] + [str(c.header) for c in COLUMNS]
    headers.append(str(_l("Xếp hạng đúng hạn")))
    blank_received = str(report.breakdown) in ("unit", "field")
    rows = []
    if report.rows:
        for key, figures, rank in ranked(report.rows, min_sample):
            values = [c.value(figures) for c in COLUMNS]
            if blank_received:
                values[COLUMNS.index(RECEIVED_COLUMN)] = None
            rows.append([label(key), *values, rank])
    rows.append([str(_l("Toàn tỉnh"))] + [c.value(report.total) for c in COLUMNS] + [None])
    return Table(headers, rows)


def to_csv(table: Table, preamble: Sequence[str] = ()) -> bytes:
    """UTF-8 with a byte-order mark, which Excel needs to read Vietnamese correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    for line in preamble:
        writer.writerow([guard(line)])
    writer.writerow([guard(h) for h in table.headers])
    for row in table.rows:
        writer.writerow(["" if v is None else guard(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table, title: str, preamble: Sequence[str] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for index, line in enumerate(preamble, start=1):
        sheet.cell(row=index, column=1, value=guard(line))
    header_row = len(preamble) + 2  # one blank row between the heading lines and the table
    for column, header in enumerate(table.headers, start=1):
        cell = sheet.cell(row=header_row, column=column, value=guard(header))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[header_row].height = 75  # long Vietnamese headers, wrapped
    for offset, row in enumerate(table.rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=header_row + offset, column=column, value=guard(value))
            if offset == len(table.rows):
                cell.font = Font(bold=True)  # the province total
    sheet.column_dimensions["A"].width = 42
    for index in range(2, len(table.headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
