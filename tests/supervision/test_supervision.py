"""The supervisors' dashboard, the periodic report and its exports, and the public statistics,
over the hand-built first quarter of 2026 (tests/reports/story.py)."""

import csv
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from intake.extensions import db
from intake.org.models import Unit
from intake.reports.exports import guard
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


def _kpi(html: str, label: str) -> str:
    match = re.search(
        rf'<span class="kpi-label">{re.escape(label)}</span><span class="kpi-value">(.*?)</span>',
        html,
    )
    assert match, label
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_only_supervisors_see_the_supervision_pages(client, story):
    staff, _ = story
    assert client.get("/supervision/").status_code == 302  # to the sign-in page
    login(client, staff.handler)
    assert client.get("/supervision/").status_code == 404
    assert client.get("/supervision/reports").status_code == 404
    assert client.get("/supervision/reports/export.csv").status_code == 404


def test_a_supervisor_lands_on_the_dashboard(supervisor_client):
    response = supervisor_client.get("/officer/")
    assert response.status_code == 302 and response.location.endswith("/supervision/")


def test_the_dashboard_shows_the_quarter_key_figures(supervisor_client):
    html = supervisor_client.get(f"/supervision/?{Q1}").get_data(as_text=True)
    assert "Quý I năm 2026 (từ ngày 15/12/2025 đến ngày 14/03/2026)" in html
    assert _kpi(html, "Tiếp nhận trong kỳ") == "10"
    assert _kpi(html, "Tồn cuối kỳ") == "6"
    assert _kpi(html, "Quá hạn") == "1"
    assert _kpi(html, "Đã trả lời") == "4"
    assert _kpi(html, "Tỷ lệ đúng hạn") == "50,0%"
    assert _kpi(html, "Hài lòng") == "50,0%"
    assert _kpi(html, "Đề nghị xem xét lại") == "1"
    # Charts are drawn on the server and carry a text title for screen readers.
    assert html.count('<svg class="chart"') >= 2
    assert "Tiếp nhận và trả lời theo tháng</title>" in html


def test_the_unit_table_ranks_only_units_with_enough_answers(supervisor_client, story):
    staff, _ = story
    html = supervisor_client.get(f"/supervision/?{Q1}").get_data(as_text=True)
    row = re.search(
        r"<tr>(?:(?!</tr>).)*Sở Tài nguyên và Môi trường(?:(?!</tr>).)*</tr>", html, re.S
    )
    assert row, "the unit that answered is listed"
    assert "Chưa đủ số phản ánh để xếp hạng" in row.group(0)  # 4 answers < 5
    assert "ít mẫu" in row.group(0)
    assert f"unit_id={staff.lead_unit.id}" in row.group(0)  # a click leads to its items


def test_the_unit_table_sorts_by_name(supervisor_client):
    html = supervisor_client.get(f"/supervision/?{Q1}&sort=name").get_data(as_text=True)
    names = re.findall(r'<th scope="row"><a href="[^"]*">([^<]+)</a></th>', html)
    assert names and names == sorted(names, key=str.lower)


def test_the_overdue_list_shows_todays_overdue_items_oldest_first(supervisor_client, story):
    _, items = story
    html = supervisor_client.get("/supervision/").get_data(as_text=True)
    section = html.split('id="overdue-title"', 1)[1].split("</section>")[0]
    assert items["M"].reference_code in section  # never triaged since March
    assert items["H"].reference_code not in section  # deferred: never overdue
    assert items["G"].reference_code not in section  # waiting for the citizen
    codes = re.findall(r"PAKN-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", section)
    assert len(codes) == len(set(codes))
    # M was due for triage on 10/3; F's handling was due on 17/3.
    assert codes.index(items["M"].reference_code) < codes.index(items["F"].reference_code)
    assert "quá " in section and "ngày" in section


def test_the_report_has_every_section_and_figure(supervisor_client):
    html = supervisor_client.get(f"/supervision/reports?{Q1}&breakdown=unit").get_data(as_text=True)
    assert "BÁO CÁO" in html and "Độc lập - Tự do - Hạnh phúc" in html
    for label in (
        "Kỳ trước chuyển sang",
        "Từ chối tiếp nhận theo lý do",
        "Nội dung không phù hợp hoặc quấy rối",  # the refusal reason of item C
        "Phân vị 90",
        "Tỷ lệ hài lòng (4-5 điểm)",
        "Đề nghị xem xét lại",
        "Sở Tư pháp",  # the unit that returned L
    ):
        assert label in html, label


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "period=custom&date_from=2026-03-01&date_to=2026-02-01",
            "Ngày kết thúc phải sau ngày bắt đầu.",
        ),
        (
            "period=custom&date_from=not-a-date",
            "Hãy nhập đủ ngày bắt đầu và ngày kết thúc hợp lệ (ngày/tháng/năm).",
        ),
        (
            "period=bogus&year=abc&quarter=9&unit_id=x&field_id=-1&channel=pigeon&sort=evil",
            "Kỳ báo cáo không hợp lệ; đang hiển thị quý hiện tại.",
        ),
        ("period=year&year=1999", "Năm báo cáo không hợp lệ; đang hiển thị quý hiện tại."),
        (
            "period=custom&date_from=2000-01-01&date_to=2026-01-01",
            "Khoảng thời gian tối đa là 5 năm, từ năm 2020 trở đi.",
        ),
    ],
)
def test_bad_period_or_filter_values_get_a_message_not_an_error(supervisor_client, query, message):
    alert = f'<div class="alert alert-warning" role="status">{message}</div>'
    for url in (f"/supervision/?{query}", f"/supervision/reports?{query}"):
        response = supervisor_client.get(url)
        assert response.status_code == 200, url
        assert alert in response.get_data(as_text=True), url
    # The export has no room for the message; it holds what the pages fell back to: the
    # current quarter, every unit, field and channel.
    exported = supervisor_client.get(f"/supervision/reports/export.csv?{query}")
    expected = supervisor_client.get("/supervision/reports/export.csv")
    assert exported.status_code == 200
    assert _csv_rows(exported) == _csv_rows(expected)


def test_a_custom_range_with_the_end_before_the_start_is_explained(supervisor_client):
    html = supervisor_client.get(
        "/supervision/reports?period=custom&date_from=2026-03-01&date_to=2026-02-01"
    ).get_data(as_text=True)
    assert "Ngày kết thúc phải sau ngày bắt đầu." in html


def _csv_rows(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_export_has_vietnamese_headers_and_the_report_figures(supervisor_client):
    response = supervisor_client.get(f"/supervision/reports/export.csv?{Q1}&breakdown=unit")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert (
        'filename="bao-cao-pakn-20251215-20260314.csv"' in response.headers["Content-Disposition"]
    )
    rows = _csv_rows(response)
    header = next(r for r in rows if r and r[0] == "Đơn vị / nhóm")
    total = next(r for r in rows if r and r[0] == "Toàn tỉnh")
    by_header = dict(zip(header, total, strict=True))
    assert by_header["Tồn kỳ trước chuyển sang"] == "2"
    assert by_header["Tiếp nhận trong kỳ"] == "10"
    assert by_header["Trả lời đúng hạn"] == "2" and by_header["Trả lời trễ hạn"] == "2"
    assert by_header["Tỷ lệ đúng hạn (%)"] == "50.0"
    assert by_header["Quá hạn"] == "1"


def test_the_xlsx_export_opens_with_the_same_figures(supervisor_client):
    response = supervisor_client.get(f"/supervision/reports/export.xlsx?{Q1}&breakdown=unit")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if r and r[0] == "Đơn vị / nhóm")
    total = next(r for r in rows if r and r[0] == "Toàn tỉnh")
    by_header = dict(zip(header, total, strict=True))
    assert by_header["Tiếp nhận trong kỳ"] == 10
    assert by_header["Đã trả lời"] == 4
    assert by_header["Tỷ lệ hài lòng (%)"] == 50.0
    assert any("Quý I năm 2026" in str(r[0]) for r in rows if r and r[0])


def test_a_unit_name_that_looks_like_a_formula_stays_text(supervisor_client, story):
    staff, _ = story
    unit = db.session.get(Unit, staff.lead_unit.id)
    unit.name = '=HYPERLINK("http://evil.example","bấm")'
    db.session.commit()
    csv_rows = _csv_rows(
        supervisor_client.get(f"/supervision/reports/export.csv?{Q1}&breakdown=unit")
    )
    assert ["'" + unit.name] in [r[:1] for r in csv_rows]
    sheet = load_workbook(
        io.BytesIO(
            supervisor_client.get(
                f"/supervision/reports/export.xlsx?{Q1}&breakdown=unit"
            ).get_data()
        )
    ).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "'" + unit.name]
    assert cells and all(c.data_type == "s" for c in cells)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+84 912", "'+84 912"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Sở Tư pháp", "Sở Tư pháp"),
        (-5, -5),
        (None, None),
    ],
)
def test_the_formula_guard(value, expected):
    assert guard(value) == expected


def test_public_statistics_need_no_account_and_show_no_personal_data(client, story):
    _, items = story
    response = client.get("/stats?year=2026")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Thống kê tiếp nhận, xử lý phản ánh, kiến nghị" in html
    assert "Sở Tài nguyên và Môi trường" in html
    assert "chưa đủ số liệu" in html  # 4 answers: below the minimum sample, no rate shown
    for case in items.values():
        assert case.full_name not in html and case.reference_code not in html
    assert "0912345678" not in html and "an.nguyen@example.com" not in html
    for year in ("abc", "1900"):  # sent to the current year's page
        response = client.get(f"/stats?year={year}")
        assert response.status_code == 302 and response.headers["Location"] == "/stats"
        assert client.get(f"/stats?year={year}", follow_redirects=True).status_code == 200


def test_the_supervisor_reads_the_dashboard_in_english(supervisor_client):
    html = supervisor_client.get(f"/supervision/?{Q1}&lang=en").get_data(as_text=True)
    assert "Supervision of feedback and petition handling" in html
    assert _kpi(html, "On-time rate") == "50.0%"


def test_links_carry_only_the_bar_arguments(supervisor_client):
    html = supervisor_client.get(
        f"/supervision/?{Q1}&fmt=csv&endpoint=x&_external=1&_method=POST&_scheme=javascript"
    ).get_data(as_text=True)
    assert "http://localhost" not in html and "javascript:" not in html
    assert 'href="/supervision/reports?period=quarter' in html
    response = supervisor_client.get(f"/supervision/reports?{Q1}&fmt=csv&_external=1")
    assert response.status_code == 200
    assert "/supervision/reports/export.csv?period=quarter" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=custom&date_from=9999-12-01&date_to=9999-12-31", "chưa bắt đầu"),
        ("period=year&year=1999", "Năm báo cáo không hợp lệ"),
    ],
)
def test_a_refused_period_falls_back_to_the_current_quarter_and_says_so(
    supervisor_client, query, message
):
    for url in (f"/supervision/?{query}", f"/supervision/reports?{query}"):
        html = supervisor_client.get(url).get_data(as_text=True)
        assert message in html, url
        assert re.search(r"Quý I+V? năm 2026|Quý (I|II|III|IV) năm 20\d\d", html), url
        assert "Năm 2026 (từ ngày 15/09" not in html  # the title names what is shown


def test_an_anonymous_options_request_is_not_an_error(client, story):
    for url in ("/supervision/", "/officer/intake", "/admin/"):
        assert client.open(url, method="OPTIONS").status_code < 500


def test_a_huge_year_on_the_public_statistics_is_ignored(client, story):
    response = client.get("/stats?year=" + "9" * 5000, follow_redirects=True)
    assert response.status_code == 200 and response.request.path == "/stats"


@pytest.mark.parametrize("rolled_up", [False, True])
def test_the_field_chart_counts_routings_by_field(supervisor_client, story, rolled_up):
    from intake.org.models import Field
    from intake.reports.rollups import roll_up_entries

    if rolled_up:
        roll_up_entries()
        db.session.commit()
    first, second = db.session.scalars(sa.select(Field).order_by(Field.id).limit(2)).all()
    html = supervisor_client.get(f"/supervision/?{Q1}").get_data(as_text=True)
    section = html.split('id="fields-title"', 1)[1].split("</section>", 1)[0]
    # H, F, I routed in the first field; L twice in the second (Sở Tư pháp returned it).
    assert f'<th scope="row">{first.name}</th><td class="num">3</td>' in section
    assert f'<th scope="row">{second.name}</th><td class="num">2</td>' in section


def test_the_xlsx_header_row_is_bold_and_stays_in_view(supervisor_client):
    response = supervisor_client.get(f"/supervision/reports/export.xlsx?{Q1}&breakdown=unit")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    header = next(r for r in sheet.iter_rows() if r[0].value == "Đơn vị / nhóm")
    assert all(cell.font.bold for cell in header)
    assert sheet.freeze_panes == f"B{header[0].row + 1}"


def test_an_unknown_unit_in_a_bookmark_is_dropped_and_said(supervisor_client):
    html = supervisor_client.get(f"/supervision/reports?{Q1}&unit_id=999999").get_data(as_text=True)
    assert "Không có đơn vị này; đang hiển thị mọi đơn vị." in html
    assert "Đơn vị: " not in html  # no filter line on the report
    assert client_kpi_received(supervisor_client, f"{Q1}&unit_id=999999") == "10"


def client_kpi_received(client, query):
    return _kpi(client.get(f"/supervision/?{query}").get_data(as_text=True), "Tiếp nhận trong kỳ")


def test_a_unit_view_counts_what_was_routed_to_it(supervisor_client, story):
    staff, _ = story
    html = supervisor_client.get(f"/supervision/?{Q1}&unit_id={staff.lead_unit.id}").get_data(
        as_text=True
    )
    assert _kpi(html, "Được giao trong kỳ") == "4"  # H, L (after the return), F, I
    assert "Tiếp nhận trong kỳ" not in html.split('class="kpis"', 1)[1].split("</section>")[0]


def test_a_date_typed_by_hand_is_read_day_first(supervisor_client):
    html = supervisor_client.get(
        "/supervision/reports?period=custom&date_from=15/12/2025&date_to=14/03/2026"
    ).get_data(as_text=True)
    assert "Từ ngày 15/12/2025 đến ngày 14/03/2026" in html


def test_public_statistics_offer_only_years_with_figures(client, story):
    html = client.get("/stats").get_data(as_text=True)
    years = re.findall(r'<option value="(\d{4})"', html)
    # The first item (B) arrived on 1/12/2025: reporting year 2025 (from 15/12 it is 2026).
    assert years[-1] == "2025" and "2024" not in years
