"""Open data (intake.public.open_data): the published answers and the public statistics as CSV
and JSON downloads, as a reuser reads them: the same items and texts as /published, never a
person, filters that say what is wrong with them, a stream read in batches, and the figures of
/stats."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from intake.cases import operations as ops
from intake.cases.models import Case
from intake.core.states import State
from intake.extensions import cache, db
from intake.opendata.files import PublishedFilters, published_query
from intake.org.models import Field, Unit
from intake.public import open_data
from tests.cases.factories import CALENDAR, advance, make_staff, submit
from tests.fuzz.test_every_route import FUZZ
from tests.reports.story import build_first_quarter_2026

LICENCE = "https://creativecommons.org/licenses/by/4.0/"


def read_csv(response) -> list[dict]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def read_json(response) -> dict:
    return json.loads(response.get_data(as_text=True))


@pytest.fixture
def items(org, app, now):
    """Published answers on three days (one closed, one whose submitter did not consent to
    publishing the content, one in another field), and items that must never be in a file:
    an answer under review, a rejected item, a withdrawn one, an answer reopened."""
    staff = make_staff()
    fields = db.session.scalars(sa.select(Field).where(Field.is_active).order_by(Field.id)).all()
    day = timedelta(days=1)
    published = [
        advance(submit(now, field_id=fields[0].id), State.ANSWERED, staff, now),
        advance(submit(now + day, field_id=fields[0].id, consent_to_publish=False),
                State.CLOSED, staff, now + day),
        advance(submit(now + 2 * day, field_id=fields[1].id, full_name="Lê Thị Bích",
                       phone="0987654321", email="bich.le@example.com"),
                State.ANSWERED, staff, now + 2 * day),
    ]  # fmt: skip
    quoted = published[2]
    quoted.published_answer = 'Trả lời "thứ nhất", gồm:\n- một dòng; và\n- dòng hai, có dấu phẩy'
    quoted.published_title = "=Tiêu đề trông như công thức"
    hidden = [
        advance(submit(now), State.ANSWER_REVIEW, staff, now),
        advance(submit(now), State.REJECTED, staff, now),
        advance(submit(now), State.WITHDRAWN, staff, now),
    ]
    reopened = advance(submit(now), State.ANSWERED, staff, now)
    ops.request_reconsideration(
        reopened, now=now + timedelta(hours=2), reason="Chưa thỏa đáng.", calendar=CALENDAR
    )
    hidden.append(reopened)
    db.session.commit()
    return {"staff": staff, "published": published, "hidden": hidden, "fields": fields}


def published_codes(client) -> set[str]:
    html = client.get("/published").get_data(as_text=True)
    return set(re.findall(r'href="/published/([A-Z0-9-]+)"', html))


def test_the_files_hold_what_published_shows_and_nothing_personal(client, items):
    on_page = published_codes(client)
    assert on_page == {c.reference_code for c in items["published"]}
    csv_response = client.get("/open-data/published.csv")
    json_response = client.get("/open-data/published.json")
    rows = read_csv(csv_response)
    document = read_json(json_response)
    assert {r["code"] for r in rows} == on_page
    assert {r["code"] for r in document["items"]} == on_page
    assert list(rows[0]) == [c.name for c in open_data.PUBLISHED_COLUMNS]

    by_code = {r["code"]: r for r in document["items"]}
    for case in items["published"]:
        record = by_code[case.reference_code]
        detail = client.get(f"/published/{case.reference_code}").get_data(as_text=True)
        assert record["title"] == case.published_title
        assert record["answer"] == case.published_answer
        assert record["content"] == case.published_content
        assert record["field_code"] == case.field.code
        assert record["unit_name"] == case.lead_unit.name
        assert record["url"] == f"http://pakn.test/published/{case.reference_code}"
        assert record["received_at"].endswith("+07:00")
        local_day = (case.published_at + timedelta(hours=7)).date().isoformat()
        assert record["answered_at"].startswith(local_day)
        for text in (case.published_title, case.published_answer):
            assert text.splitlines()[0].replace('"', "&#34;") in detail
    assert by_code[items["published"][1].reference_code]["content"] is None  # no consent

    everything = csv_response.get_data(as_text=True) + json_response.get_data(as_text=True)
    for case in items["published"] + items["hidden"]:
        for personal in (case.full_name, case.phone, case.email, case.address):
            assert personal not in everything
    for case in items["hidden"]:
        assert case.reference_code not in everything


def test_csv_is_rfc_4180_and_guards_formulas_while_json_keeps_the_text(client, items):
    quoted = items["published"][2]
    response = client.get("/open-data/published.csv")
    body = response.get_data()
    assert b"\r\n" in body and body.count(b"\n") > body.count(b"\r\n")  # CRLF rows, LF in text
    row = next(r for r in read_csv(response) if r["code"] == quoted.reference_code)
    assert row["answer"] == quoted.published_answer  # quotes, commas and line breaks intact
    assert row["title"] == "'" + quoted.published_title
    record = next(
        r for r in read_json(client.get("/open-data/published.json"))["items"]
        if r["code"] == quoted.reference_code
    )  # fmt: skip
    assert record["title"] == quoted.published_title


def test_downloads_state_their_licence_name_and_caching(client, items):
    for path, name in (
        ("/open-data/published.csv", "pakn-ket-qua-cong-khai.csv"),
        ("/open-data/published.json", "pakn-ket-qua-cong-khai.json"),
        ("/open-data/stats.csv", "pakn-thong-ke.csv"),
        ("/open-data/stats.json", "pakn-thong-ke.json"),
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
        assert response.headers["Link"] == f'<{LICENCE}>; rel="license"'
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert "charset=utf-8" in response.headers["Content-Type"]
        if path.endswith(".json"):
            assert read_json(response)["licence"]["url"] == LICENCE
    # Kept by shared caches: the same file for everyone, never anyone's cookie.
    english = client.get("/open-data/published.csv?lang=en")
    assert english.get_data() == client.get("/open-data/published.csv").get_data()
    assert "Set-Cookie" not in english.headers
    named = client.get("/open-data/published.csv?from=2026-03-01&field=" + items["fields"][1].code)
    assert named.headers["Content-Disposition"] == (
        f'attachment; filename="pakn-ket-qua-cong-khai-{items["fields"][1].code}-2026-03-01.csv"'
    )


def test_filters_by_answer_date_field_and_unit(client, items):
    first, second, third = (c.reference_code for c in items["published"])

    def codes(query: str) -> set[str]:
        response = client.get(f"/open-data/published.json?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return {r["code"] for r in read_json(response)["items"]}

    # Answered on 10, 11 and 12 March 2026, Viet Nam time.
    assert codes("from=2026-03-11") == {second, third}
    assert codes("to=2026-03-11") == {first, second}
    assert codes("from=2026-03-11&to=2026-03-11") == {second}
    assert codes("from=2026-03-13") == set()
    assert codes("field=" + items["fields"][0].code) == {first, second}
    assert codes("unit=" + items["staff"].lead_unit.code) == {first, second, third}
    other = db.session.scalar(sa.select(Unit.code).where(Unit.code != "so-tnmt").limit(1))
    assert codes("unit=" + other) == set()
    assert codes("from=&field=&lang=en") == {first, second, third}  # empty means no filter
    document = read_json(client.get("/open-data/published.json?from=2026-03-11"))
    assert document["filters"] == {"from": "2026-03-11"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-02-30", "YYYY-MM-DD"),
        ("to=31/03/2026", "YYYY-MM-DD"),
        ("from=２０２６-01-01", "YYYY-MM-DD"),
        ("from=1900-01-01", "2000-01-01"),
        ("from=2026-03-12&to=2026-03-11", '"from"'),
        ("field=khong-co", "khong-co"),
        ("unit=" + "x" * 300, "unit"),
        ("page=2", "page"),
        ("field=a&field=b", "một lần"),
    ],
)
def test_a_bad_parameter_is_a_400_that_says_why(client, items, query, message):
    response = client.get(f"/open-data/published.csv?{query}")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert message in response.get_data(as_text=True)
    problem = client.get(f"/open-data/published.json?{query}")
    assert problem.status_code == 400
    assert problem.mimetype == "application/problem+json"
    assert message in read_json(problem)["detail"]


def test_messages_in_english(client, items):
    response = client.get("/open-data/published.csv?from=2026-13-01&lang=en")
    assert response.status_code == 400
    assert "must be a date as YYYY-MM-DD" in response.get_data(as_text=True)


def test_an_unknown_format_is_not_found(client, items):
    assert client.get("/open-data/published.xml").status_code == 404
    assert client.get("/open-data/stats.xlsx").status_code == 404


def count_item_selects(statements: list[str]) -> int:
    return sum(1 for s in statements if "FROM cases" in s and "LIMIT" in s.upper())


@pytest.fixture
def statements(app):
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", note)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_download_is_streamed_and_read_in_batches(client, items, monkeypatch, statements, fmt):
    more = [advance(submit(items["published"][0].received_at), State.ANSWERED, items["staff"],
                    items["published"][0].received_at) for _ in range(2)]  # fmt: skip
    db.session.commit()
    monkeypatch.setattr(open_data, "BATCH_ROWS", 2)
    response = client.get(f"/open-data/published.{fmt}")
    assert response.is_streamed
    assert count_item_selects(statements) == 0  # nothing read before the body is
    body = response.get_data(as_text=True)
    assert body.count("PAKN-") >= 5
    # 5 items, 2 per SELECT: 2 + 2 + 1, each batch asking for rows after the last one seen.
    assert count_item_selects(statements) == 3
    codes = [c.reference_code for c in items["published"] + more]
    if fmt == "json":
        assert [r["code"] for r in json.loads(body)["items"]] == sorted(
            codes, key=lambda code: db.session.scalar(sa.select(Case.id).where(
                Case.reference_code == code))
        )  # fmt: skip


def test_each_page_walks_the_primary_key_whatever_the_filters(app, items):
    """SQLite without statistics would sort every remaining match for each page."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's planner has the statistics autovacuum keeps")
    filters = PublishedFilters(
        answered_from=date(2000, 1, 1), answered_to=date(2099, 12, 31),
        field_id=items["fields"][0].id, unit_id=items["staff"].lead_unit.id,
    )  # fmt: skip
    for query in (published_query(PublishedFilters()), published_query(filters)):
        page = query.where(Case.id > 1).limit(2)
        sql = str(page.compile(db.engine, compile_kwargs={"literal_binds": True}))
        plan = " ".join(
            str(row) for row in db.session.execute(sa.text("EXPLAIN QUERY PLAN " + sql))
        )
        assert "USING INTEGER PRIMARY KEY" in plan and "TEMP B-TREE" not in plan, plan


def test_no_connection_is_left_behind_even_when_the_client_stops(client, items, monkeypatch):
    monkeypatch.setattr(open_data, "BATCH_ROWS", 1)
    pool = db.engine.pool
    before = pool.checkedout()
    response = client.get("/open-data/published.csv")
    chunks = iter(response.response)
    next(chunks)
    next(chunks)
    response.close()  # the client went away after the first rows
    assert pool.checkedout() == before
    client.get("/open-data/published.json").get_data()
    assert pool.checkedout() == before


def test_downloads_are_never_kept_in_the_page_cache(client, items):
    for path in ("/open-data/published.csv", "/open-data/stats.json", "/open-data"):
        client.get(path).get_data()
    keys = cache.cache._cache  # noqa: SLF001 — the test looks inside the store on purpose
    assert not [k for k in keys if "open_data" in k]


# --- the page -----------------------------------------------------------------------------------


def test_the_open_data_page_lists_datasets_fields_licence_and_links(client, items):
    html = client.get("/open-data").get_data(as_text=True)
    assert "Dữ liệu mở về phản ánh, kiến nghị" in html
    assert f'href="{LICENCE}" rel="license"' in html and "CC BY 4.0" in html
    for path in ("published.csv", "published.json", "stats.csv", "stats.json"):
        assert f'href="/open-data/{path}"' in html
    for column in open_data.PUBLISHED_COLUMNS + open_data.STATS_COLUMNS:
        assert f"<code>{column.name}</code>" in html
    english = client.get("/open-data?lang=en").get_data(as_text=True)
    assert "Open data on feedback and petitions" in english and "Data dictionary" in english
    for path in ("/", "/published", "/stats"):
        assert 'href="/open-data' in client.get(path).get_data(as_text=True), path


# --- the statistics -----------------------------------------------------------------------------


@pytest.fixture
def story(app, org):
    staff = make_staff()
    items = build_first_quarter_2026(staff)
    db.session.commit()
    return staff, items


STATS_ROW = re.compile(
    r'<td class="num">([^<]+)</td>\s*<th scope="row">([^<]+)</th>\s*'
    r'<td class="num">([^<]+)</td>\s*<td class="num">([^<]+)</td>'
)


def test_the_statistics_are_the_figures_of_the_stats_page(client, story):
    html = client.get("/stats?year=2026").get_data(as_text=True)
    on_page = {name: (rank.replace("—", ""), int(assigned), int(answered))
               for rank, name, assigned, answered in STATS_ROW.findall(html)}  # fmt: skip
    received = re.search(r'Đã tiếp nhận</span><span class="kpi-value">(\d+)<', html).group(1)
    rows = read_csv(client.get("/open-data/stats.csv?year=2026"))
    document = read_json(client.get("/open-data/stats.json?year=2026"))
    assert [
        {k: ("" if v is None else str(v)) for k, v in r.items()} for r in document["items"]
    ] == rows
    province = [r for r in rows if r["breakdown"] == "province"]
    assert len(province) == 1 and province[0]["received"] == received
    assert province[0]["period_start"] == "2025-12-15" and province[0]["period_end"] == "2026-12-14"
    named = [r for r in rows if r["breakdown"] in ("unit", "field")]
    in_file = {r["name"]: (r["rank"], int(r["assigned"]), int(r["answered"])) for r in named}
    assert named and in_file == on_page
    for row in named:  # a rate only where the page shows one: from the minimum sample up
        assert (row["on_time_rate"] == "") == (row["rank"] == "")
        if row["rank"]:
            assert f"{float(row['on_time_rate']):.1f}".replace(".", ",") in html
    for case in story[1].values():
        assert case.reference_code not in json.dumps(document, ensure_ascii=False)


def test_the_statistics_cover_every_year_and_filter_by_breakdown(client, story):
    document = read_json(client.get("/open-data/stats.json"))
    assert {r["year"] for r in document["items"]} >= {2025, 2026}
    units = read_json(client.get("/open-data/stats.json?breakdown=unit&year=2026"))["items"]
    assert units and {r["breakdown"] for r in units} == {"unit"}
    for query, message in (("year=1999", "1999"), ("year=abc", "abc"),
                           ("breakdown=channel", "breakdown"), ("q=x", "q")):  # fmt: skip
        response = client.get(f"/open-data/stats.csv?{query}")
        assert response.status_code == 400 and message in response.get_data(as_text=True)


# --- fuzz ---------------------------------------------------------------------------------------

KEYS = ["from", "to", "field", "unit", "year", "breakdown", "lang", "page", "q", "from[]"]
VALUES = ["2026-03-11", "2026-02-30", "1900-01-01", "2099-12-31", "2100-01-01", "0000-00-00",
          "2026", "1999", "so-tnmt", "dat-dai", "unit", "field", "province", "en", "vi", "",
          "9" * 400, "\x00", "１２", "' OR 1=1 --", "%", "2026-03-11T00:00"]  # fmt: skip


@FUZZ
@given(data=st.data())
def test_no_query_string_makes_a_download_fail(client, items, data):
    pairs = data.draw(
        st.lists(
            st.tuples(
                st.sampled_from(KEYS) | st.text(max_size=8),
                st.sampled_from(VALUES) | st.text(max_size=30),
            ),
            max_size=4,
        )
    )
    path = (
        data.draw(st.sampled_from(["published", "stats"]))
        + "."
        + data.draw(st.sampled_from(["csv", "json"]))
    )
    response = client.get(f"/open-data/{path}", query_string=pairs)
    body = response.get_data()
    assert response.status_code in (200, 400), (pairs, response.status_code)
    if response.status_code == 200 and path.endswith(".json"):
        json.loads(body)
    elif response.status_code == 200:
        assert body.startswith(b"\xef\xbb\xbf")
