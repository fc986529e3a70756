"""Search through the pages that use it (the officers' queues and /published): every word
counts, accents and case are ignored, the best match comes first, and no text typed into the
box breaks the page, on SQLite (FTS5) and PostgreSQL (text search) alike."""

import os
import re
import unicodedata
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intake.cases import queries, search
from intake.cases.models import Case
from intake.core.states import State
from intake.extensions import db
from tests.cases.factories import advance, make_staff, submit
from tests.officer.helpers import login

WORDS = "phản ánh về việc chậm cấp giấy chứng nhận quyền sử dụng đất tại xã An Hiệp"


@pytest.fixture(autouse=True, params=["matches-checked-by-id", "matches-checked-by-row"])
def sqlite_way(request, monkeypatch):
    """SQLite checks the full-text matches against the ids that pass a page's filters when
    they are few, which they always are here, else against the rows: every test runs both."""
    if request.param == "matches-checked-by-row":
        if os.environ.get("INTAKE_TEST_DATABASE_URL", "").strip():
            pytest.skip("a choice SQLite makes; PostgreSQL has its own")
        monkeypatch.setattr(search, "FEW_ROWS", 0)


def signed_in(app, user):
    client = app.test_client()
    login(client, user)
    return client


def queue_search(client, q):
    response = client.get("/officer/intake", query_string={"tab": "all", "q": q})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def published_search(client, q):
    response = client.get("/published", query_string={"q": q})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def order(html, *cases):
    """The cases found, in the order the page lists them."""
    found = [c for c in cases if c.reference_code in html]
    return sorted(found, key=lambda c: html.index(c.reference_code))


def test_every_word_of_a_sixteen_word_query_counts(org, app, client, now):
    staff = make_staff()
    wanted = advance(submit(now, title=f"{WORDS} số 4711"), State.ANSWERED, staff, now)
    other = advance(submit(now, title=f"{WORDS} số 815"), State.ANSWERED, staff, now)
    db.session.commit()
    query = f"{WORDS} số 4711"
    assert len(query.split()) >= 16
    officer = signed_in(app, staff.intake)
    assert order(queue_search(officer, query), wanted, other) == [wanted]
    assert order(published_search(client, query), wanted, other) == [wanted]
    # One word that no item has is enough to find nothing.
    assert order(published_search(client, f"{WORDS} số 9999"), wanted, other) == []


def test_accents_case_and_unicode_forms_are_ignored(org, app, client, now):
    staff = make_staff()
    land = advance(submit(now, title="Thủ tục đất đai ở Đại Tâm"), State.ANSWERED, staff, now)
    other = advance(submit(now, title="Hộ tịch: khai sinh"), State.ANSWERED, staff, now)
    db.session.commit()
    officer = signed_in(app, staff.intake)
    decomposed = unicodedata.normalize("NFD", "ĐẤT ĐAI")
    for q in ("dat dai", "Đất Đai", "ĐẤT ĐAI", decomposed, "dai tam", "DAT  dai!"):
        assert order(queue_search(officer, q), land, other) == [land], q
        assert order(published_search(client, q), land, other) == [land], q
    # Words match whole, except the last one, which may be unfinished.
    assert order(published_search(client, "khai si"), land, other) == [other]
    assert order(published_search(client, "kha sinh"), land, other) == []


def test_a_title_match_comes_before_a_match_in_the_text_only(org, app, client, now):
    staff = make_staff()
    # Older and published first: without ranking each would be listed in the other order.
    body_only = submit(now, title="Chậm trả kết quả hồ sơ",
                       content="Tôi đăng ký khai sinh cho con nhưng chưa có kết quả.")  # fmt: skip
    titled = submit(now + timedelta(hours=1), title="Đăng ký khai sinh quá hạn",
                    content="Hồ sơ nộp đã lâu.")  # fmt: skip
    db.session.commit()
    officer = signed_in(app, staff.intake)
    assert order(queue_search(officer, "khai sinh"), body_only, titled) == [titled, body_only]
    assert order(queue_search(officer, ""), body_only, titled) == [body_only, titled]
    # On /published the newer answer comes first without a query.
    advance(titled, State.ANSWERED, staff, now)
    advance(body_only, State.ANSWERED, staff, now + timedelta(days=1))
    for case in (titled, body_only):
        case.published_content = case.content
        case.published_search_text = search.public_text(case)
    db.session.commit()
    assert order(published_search(client, ""), body_only, titled) == [body_only, titled]
    assert order(published_search(client, "khai sinh"), body_only, titled) == [titled, body_only]


def test_any_words_ranks_by_how_many_words_match(org, now):
    staff = make_staff()
    one = advance(submit(now, title="Cấp giấy phép xây dựng"), State.ANSWERED, staff, now)
    three = advance(submit(now, title="Cấp giấy phép lái xe quá hạn"), State.ANSWERED, staff, now)
    none = advance(submit(now, title="Hộ tịch khai sinh"), State.ANSWERED, staff, now)
    query = sa.select(Case).where(Case.published_at.is_not(None))
    found = search.ranked(query, ["lai", "xe", "han", "dung"], search.PUBLIC, order_by=[Case.id],
                          any_words=True)  # fmt: skip
    ids = list(db.session.scalars(found))
    assert ids == [three, one] and none not in ids


HOSTILE = [
    '"', "'", '""', "\"'", "\\", "%", "_", "*", "-", "--", "^", ":", "(", ")", "()", "{", "}",
    "NEAR", "NEAR(a b)", "a NEAR b", "AND", "OR", "NOT", "a AND b", "a OR b", "NOT a", "a -b",
    "-a", "a*", "*a", "a:*", "!a", "a & b", "a | b", "a <-> b", "title:a", "{title}: a",
    "a\x00b", "\x01\x02\x1f", "\x7f", "\u200b", "\ufeff", "😀 đất", "e\u0301", "𝔡𝔞𝔱",
    "x" * 5000, "đất " * 600, " ".join(str(i) for i in range(500)), "SELECT * FROM cases;",
    "' OR 1=1 --", "\\x00", "%00", "a" * 300 + " b", "\t\n\r", "　", "⁰¹²",
]  # fmt: skip


def test_with_more_matches_than_candidates_the_newest_are_ranked(org, now):
    staff = make_staff()
    old_title = advance(submit(now, title="Khai sinh"), State.ANSWERED, staff, now)
    bodies = [advance(submit(now, title="Hộ tịch", content="Về khai sinh."), State.ANSWERED,
                      staff, now) for _ in range(3)]  # fmt: skip
    for case in bodies:
        case.published_content = case.content
        case.published_search_text = search.public_text(case)
    db.session.flush()
    query = sa.select(Case).where(Case.published_at.is_not(None))
    everything = search.ranked(query, "khai sinh", search.PUBLIC, order_by=[Case.id])
    assert list(db.session.scalars(everything)) == [old_title, *bodies]
    newest = search.ranked(query, "khai sinh", search.PUBLIC, order_by=[Case.id], candidates=2)
    assert list(db.session.scalars(newest)) == bodies[1:]


def test_no_text_typed_in_the_box_breaks_the_page(org, app, client, now):
    staff = make_staff()
    case = advance(submit(now, title="Đất đai a b NEAR"), State.ANSWERED, staff, now)
    db.session.commit()
    officer = signed_in(app, staff.intake)
    for q in HOSTILE:
        published_search(client, q)  # each asserts a 200
        queue_search(officer, q)
    # Operators are words like any other: "NEAR" finds the item that has it.
    assert case.reference_code in published_search(client, "NEAR")
    assert case.reference_code in queue_search(officer, '"đất" (đai)* -near')


def test_the_index_follows_every_write_and_can_be_rebuilt(org, app, client, now):
    staff = make_staff()
    case = submit(now, title="Cấp phép khai thác cát")
    db.session.commit()
    officer = signed_in(app, staff.intake)
    assert case.reference_code in queue_search(officer, "khai thac cat")
    assert case.reference_code not in published_search(client, "khai thac cat")
    advance(case, State.ANSWERED, staff, now)
    db.session.commit()
    assert case.reference_code in published_search(client, "khai thac cat")
    # Text written behind the application's back is found once the index is rebuilt.
    db.session.execute(
        sa.update(Case.__table__)
        .where(Case.__table__.c.id == case.id)
        .values(title="Cấp phép nạo vét kênh", search_title="", search_text="")
    )
    db.session.commit()
    assert case.reference_code not in queue_search(officer, "nao vet kenh")
    result = app.test_cli_runner().invoke(args=["intake", "search-rebuild"])
    assert result.exit_code == 0 and "rebuilt over 1 items" in result.output
    assert case.reference_code in queue_search(officer, "nao vet kenh")
    assert case.reference_code not in queue_search(officer, "khai thac cat")


@pytest.mark.parametrize("words_are", ["frequent", "rare"])
def test_the_newest_matches_are_found_past_the_rows_read_one_by_one(
    org, now, monkeypatch, words_are
):
    # PostgreSQL asks its index at once for a rare word; for frequent words it reads the
    # newest RECENT_ROWS items one by one, then more, then asks the index for older ones: the
    # same matches whichever way, newest first, whatever the window.
    frequent = frozenset({"khai", "sinh"}) if words_are == "frequent" else frozenset()
    monkeypatch.setattr(search, "_frequent_words", lambda scope: frequent)
    staff = make_staff()
    made = []
    for i in range(8):
        title = "Khai sinh chậm" if i % 3 == 0 else f"Đất đai {i}"
        made.append(advance(submit(now, title=title), State.ANSWERED, staff, now))
    matching = [c for c in made if c.title.startswith("Khai")]  # items 0, 3, 6
    query = sa.select(Case).where(Case.published_at.is_not(None))
    for window in (1, 2, 3, 4, 100):
        monkeypatch.setattr(search, "RECENT_ROWS", window)
        found = db.session.scalars(
            search.ranked(query, "khai sinh", search.PUBLIC, order_by=[Case.id], candidates=2)
        ).all()
        assert found == matching[1:], window  # the newest two, ranked alike, then by id
        everything = search.ranked(query, "khai sinh", search.PUBLIC, order_by=[Case.id])
        assert db.session.scalars(everything).all() == matching, window


def test_with_a_search_each_tab_counts_the_rows_it_lists(org, app, now, monkeypatch):
    # Each tab ranks its own newest matches: an item waiting to be classified is found in its
    # tab even when newer items of other tabs match too, and a tab's count is the number of
    # its rows, also when more items match than are ranked.
    staff = make_staff()
    states = [State.RECEIVED, State.NEEDS_INFO, State.ANSWERED, State.ANSWERED, State.ANSWERED]
    waiting = [advance(submit(now, title="Khai sinh chậm"), s, staff, now) for s in states][0]
    advance(submit(now, title="Đất đai"), State.RECEIVED, staff, now)
    db.session.commit()
    monkeypatch.setattr(search, "CANDIDATES", 2)
    client = signed_in(app, staff.intake)
    for tab in ("to_classify", "needs_info", "all"):
        html = client.get("/officer/intake", query_string={"tab": tab, "q": "khai sinh"}).text
        counts = dict(re.findall(r'tab=(\w+)"[^>]*>[^<]*<span class="count">(\d+)</span>', html))
        assert counts["to_classify"] == "1" and counts["needs_info"] == "1", counts
        assert counts["all"] == "2", counts  # five match: the newest two are ranked
        rows = html.count('class="code-inline"')
        assert rows == int(counts[tab]), (tab, rows)
        assert (waiting.reference_code in html) == (tab == "to_classify")


def test_the_words_postgresql_counts_as_frequent_come_from_its_statistics(org, now, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's FTS5 has no such choice to make")
    staff = make_staff()
    for i in range(30):
        advance(submit(now, title=f"Khai sinh chậm {i}"), State.ANSWERED, staff, now)
    db.session.commit()
    monkeypatch.setattr(search, "_frequent", {})
    assert search._frequent_words(search.PUBLIC) == frozenset()  # never analysed: all rare
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE cases")
    monkeypatch.setattr(search, "_frequent", {})
    frequent = search._frequent_words(search.PUBLIC)
    assert {"khai", "sinh", "cham"} <= frequent and "4711" not in frequent
    assert search._has_a_rare_word(["khai", "4711", "sinh"], search.PUBLIC, any_words=False)
    assert not search._has_a_rare_word(["khai", "sinh"], search.PUBLIC, any_words=False)
    # An unfinished last word may stand for many: never the rare one.
    assert not search._has_a_rare_word(["khai", "si"], search.PUBLIC, any_words=False)
    assert not search._has_a_rare_word(["khai", "4711"], search.PUBLIC, any_words=True)
    assert search._has_a_rare_word(["4711", "4712"], search.PUBLIC, any_words=True)


def test_a_queue_page_searches_once_per_tab(org, app, now, monkeypatch):
    # The rows of the tab on screen and its count are the same matches: found once.
    monkeypatch.setattr(search, "_frequent_words", lambda scope: frozenset())  # one statement
    staff = make_staff()
    advance(submit(now, title="Khai sinh chậm"), State.RECEIVED, staff, now)
    db.session.commit()
    client = signed_in(app, staff.intake)
    searches = []

    def seen(conn, cursor, statement, parameters, *args):
        if any(word in statement for word in (" MATCH ", "@@", "ts_match_vq")):
            searches.append((statement, repr(parameters)))

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        html = queue_search(client, "khai sinh")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert "Khai sinh chậm" in html
    # At most one search per tab, never the same one twice (a tab with no items at all has
    # nothing to search on SQLite).
    assert 1 <= len(searches) <= len(queries.INTAKE_TABS), searches
    assert len(set(searches)) == len(searches), searches


def test_only_the_tab_on_screen_is_ranked(org, app, now):
    # The other tabs' counts need their matches, not their scores: SQLite's bm25 reads the
    # whole list of every word of the query once per statement that finds anything.
    staff = make_staff()
    states = (State.RECEIVED, State.NEEDS_INFO, State.ANSWER_REVIEW, State.ANSWERED)
    items = [advance(submit(now, title="Khai sinh chậm"), state, staff, now) for state in states]
    db.session.commit()
    client = signed_in(app, staff.intake)
    searches = []

    def seen(conn, cursor, statement, parameters, *args):
        if " MATCH " in statement:
            searches.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        html = queue_search(client, "khai sinh")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert all(item.reference_code in html for item in items)
    if db.engine.dialect.name == "sqlite":
        assert len(searches) >= 4, searches  # the tab on screen, and three tabs with items
        assert sum("bm25" in statement for statement in searches) == 1, searches


def test_matches_counted_first_are_still_ranked_when_listed(org, app, now):
    body_only = submit(now, title="Chậm trả kết quả hồ sơ",
                       content="Tôi đăng ký khai sinh cho con nhưng chưa có kết quả.")  # fmt: skip
    titled = submit(now + timedelta(hours=1), title="Đăng ký khai sinh quá hạn",
                    content="Hồ sơ nộp đã lâu.")  # fmt: skip
    db.session.commit()
    with app.test_request_context():
        everything = sa.select(Case).where(Case.id.in_([body_only.id, titled.id]))
        assert search.candidate_count(everything, "khai sinh", search.OFFICER) == 2
        ranked = search.ranked(everything, "khai sinh", search.OFFICER, order_by=[Case.id])
        assert db.session.scalars(ranked).all() == [titled, body_only]


def test_at_the_limit_of_ranked_matches_the_pages_say_more_may_match(org, app, client, now,
                                                                    monkeypatch):  # fmt: skip
    staff = make_staff()
    for _ in range(3):
        advance(submit(now, title="Khai sinh chậm"), State.ANSWERED, staff, now)
    db.session.commit()
    officer = signed_in(app, staff.intake)
    assert "3 kết quả" in published_search(client, "khai sinh")
    assert "trên 3 hồ sơ" in queue_search(officer, "khai sinh")
    monkeypatch.setattr(search, "CANDIDATES", 2)
    assert "Từ 2 kết quả trở lên" in published_search(client, "khai sinh")
    assert "trên 2 hồ sơ mới nhất khớp với từ khóa" in queue_search(officer, "khai sinh")
    english = client.get("/published", query_string={"q": "khai sinh", "lang": "en"}).text
    assert "2 results or more" in english
