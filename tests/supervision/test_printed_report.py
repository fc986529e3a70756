"""The periodic report as the provincial leadership gets it (issue 13, point 5): tables of at most
12 columns, no column empty for every row, a "Số: …/BC-…" line, the charts, and the figures
that describe a moment labelled with it."""

import re
from datetime import date
from pathlib import Path

import pytest

from intake.core.periods import Period
from intake.reports.exports import COLUMNS
from intake.reports.printed import MAX_COLUMNS, report_number
from tests.cases.factories import make_staff
from tests.officer.helpers import login
from tests.reports.story import build_first_quarter_2026

Q1 = "period=quarter&year=2026&quarter=1"


@pytest.fixture
def story(app, org):
    staff = make_staff()
    return staff, build_first_quarter_2026(staff)


@pytest.fixture
def supervisor_client(client, story):
    login(client, story[0].supervisor)
    return client


def _tables(html: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """(caption, headers, body rows as cell texts) of each themed table."""
    tables = []
    for body in re.findall(r'<table class="data themed-table">(.*?)</table>', html, re.S):
        caption = re.search(r"<caption>(.*?)</caption>", body, re.S).group(1)
        head = re.search(r"<thead>(.*?)</thead>", body, re.S).group(1)
        headers = [
            re.sub(r"<[^>]+>", "", h).strip()
            for h in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
        ]
        rows = []
        for row in re.findall(
            r"<tr[^>]*>(.*?)</tr>", re.search(r"<tbody>(.*?)</tbody>", body, re.S).group(1), re.S
        ):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            rows.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
        tables.append((caption, headers, rows))
    return tables


def _report(client, query: str) -> str:
    response = client.get(f"/supervision/reports?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("breakdown", ["unit", "field", "channel", "province"])
def test_every_table_has_at_most_12_columns_and_none_empty(supervisor_client, breakdown):
    html = _report(supervisor_client, f"{Q1}&breakdown={breakdown}")
    tables = _tables(html)
    assert len(tables) >= 3
    shown = set()
    for caption, headers, rows in tables:
        assert len(headers) <= MAX_COLUMNS, caption
        for row in rows:
            assert len(row) == len(headers), caption
        judged = rows[:-1] or rows  # the last row is the province's total
        for index, header in enumerate(headers[1:], start=1):
            assert any(row[index] != "—" for row in judged), f"{caption}: {header} is all —"
            shown.add(header)
    # Every column of the full table (the CSV's) is either in a table or named as left out.
    left_out = " ".join(re.findall(r'<p class="note left-out">(.*?)</p>', html, re.S))
    for column in COLUMNS:
        assert str(column.header) in shown or str(column.header) in left_out, column.header


def test_by_unit_the_received_column_is_left_out_and_said(supervisor_client):
    html = _report(supervisor_client, f"{Q1}&breakdown=unit")
    headers = [h for _, hs, _ in _tables(html) for h in hs]
    assert "Tiếp nhận trong kỳ" not in headers  # "—" for every unit: an item arrives unrouted
    assert "Lượt được giao xử lý" in headers
    note = re.search(r'<p class="note left-out">(.*?)</p>', html, re.S).group(1)
    assert "Tiếp nhận trong kỳ" in note
    # The province's figure is still in the report, in section I.
    assert re.search(r"Tiếp nhận mới trong kỳ</th><td class=\"num\">10<", html)


def test_the_report_carries_its_number(supervisor_client, story):
    html = _report(supervisor_client, f"{Q1}&breakdown=unit")
    assert re.search(r'id="report-number">Số: Q1-2026/BC-VPUBND<', html)
    assert "Số: Q1-2026/BC-VPUBND" in _report(supervisor_client, f"{Q1}&breakdown=field")
    unit = story[0].lead_unit
    filtered = _report(supervisor_client, f"{Q1}&unit_id={unit.id}")
    assert f"Số: Q1-2026.{unit.code.upper()}/BC-VPUBND" in filtered


def test_report_numbers_are_derived_from_the_period_and_filters():
    def number(first, last, *scope):
        return report_number(Period(first, last), scope, "VPUBND")

    assert number(date(2025, 12, 15), date(2026, 3, 14)) == "Q1-2026/BC-VPUBND"
    assert number(date(2026, 9, 15), date(2026, 12, 14)) == "Q4-2026/BC-VPUBND"
    assert number(date(2025, 12, 15), date(2026, 6, 14)) == "6T-2026/BC-VPUBND"
    assert number(date(2025, 12, 15), date(2026, 9, 14)) == "9T-2026/BC-VPUBND"
    assert number(date(2025, 12, 15), date(2026, 12, 14)) == "N-2026/BC-VPUBND"
    assert number(date(2026, 1, 1), date(2026, 1, 31)) == "01012026-31012026/BC-VPUBND"
    assert number(date(2025, 12, 15), date(2026, 3, 14), "so-tnmt", "dat-dai") == (
        "Q1-2026.SO-TNMT.DAT-DAI/BC-VPUBND"
    )


def test_the_charts_are_in_the_report(supervisor_client):
    html = _report(supervisor_client, f"{Q1}&breakdown=unit")
    section = html[html.index("IV. Biểu đồ") :]
    assert section.count('<svg class="chart"') >= 3
    assert "Tiếp nhận và trả lời theo tháng" in section


def test_figures_of_a_moment_say_which(supervisor_client):
    ended = _report(supervisor_client, f"{Q1}&breakdown=unit")
    stock = next(c for c, _, _ in _tables(ended) if "cuối kỳ" in c)
    assert "lúc kết thúc kỳ, ngày 14/03/2026" in stock
    # The overdue chart is always today's.
    assert "Đang quá hạn theo đơn vị, tại thời điểm " in ended
    live = _report(supervisor_client, "breakdown=unit")  # the current quarter, not ended
    stock = next(c for c, _, _ in _tables(live) if "cuối kỳ" in c)
    assert "tại thời điểm " in stock
    assert "kỳ chưa kết thúc: số liệu tại thời điểm " in live


def test_wide_tables_are_keyboard_reachable_labelled_regions(supervisor_client):
    html = _report(supervisor_client, f"{Q1}&breakdown=unit")
    regions = re.findall(r'<div class="table-scroll[^"]*"([^>]*)>', html)
    assert regions
    for attributes in regions:
        assert 'role="region"' in attributes and 'tabindex="0"' in attributes
        assert re.search(r'aria-label="[^"]+"', attributes)


def test_the_print_stylesheet_prints_nothing_below_9_pt(app):
    css = (Path(app.static_folder) / "css" / "print.css").read_text()
    sizes = [float(x) for x in re.findall(r"font-size:\s*([\d.]+)pt", css)]
    assert sizes and min(sizes) >= 9
    assert not re.search(r"font-size:\s*[\d.]+(px|em|rem)", css)  # every size in points
