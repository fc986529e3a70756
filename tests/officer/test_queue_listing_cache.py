"""The intake queue's listing (tab counts, rows, pager) kept rendered for everyone who sees all
items (intake.officer.queues): served again while nothing changed, a committed change shows at
once in every process, and nothing of one officer's own is shown to another.

"Behind the application's back" below means SQL on a connection of its own, which nothing in
the application hears of: a listing that still shows the old value afterwards was kept."""

from __future__ import annotations

import sqlalchemy as sa

from intake import create_app
from intake.cases import operations as ops
from intake.cases.models import Case, CaseKind, SubmitterType
from intake.extensions import cache, db
from tests.cases.factories import make_staff
from tests.cases.factories import submit as new_case
from tests.conftest import IsolatedClient
from tests.officer.helpers import login

URGENT = "badge badge-urgent"


def behind_the_back(case_id: int, **values) -> None:
    with db.engine.begin() as connection:
        connection.execute(sa.update(Case.__table__).where(Case.id == case_id).values(**values))


def queue(client) -> str:
    response = client.get("/officer/intake")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_listing_is_kept_and_a_committed_change_shows_at_once(org, app, client, now):
    staff = make_staff()
    case = new_case(now, title="Đèn đường hỏng ở ấp Phú Hữu")
    db.session.commit()
    login(client, staff.intake)
    assert URGENT not in queue(client)

    behind_the_back(case.id, priority="urgent")
    assert URGENT not in queue(client)  # kept

    other = new_case(now, title="Nước sinh hoạt bị đục")  # committed through the application
    db.session.commit()
    page = queue(client)
    assert "Nước sinh hoạt bị đục" in page and other.reference_code in page
    assert URGENT in page  # built anew from the data as they are


def test_what_the_citizen_wrote_and_their_name_are_never_kept(org, app, client, now):
    staff = make_staff()
    case = new_case(now, title="Đèn đường hỏng ở ấp Phú Hữu", full_name="Lê Thị Cúc")
    db.session.commit()
    login(client, staff.intake)
    page = queue(client)
    assert "Đèn đường hỏng ở ấp Phú Hữu" in page and "Lê Thị Cúc" in page
    kept = "".join(str(cache.get(k)) for k in cache.cache._cache)  # noqa: SLF001
    assert "Lê Thị Cúc" not in kept and "Đèn đường hỏng" not in kept

    behind_the_back(case.id, title="Tiêu đề <b>đổi</b> @@intake-personal:who:1@@", full_name="X")
    page = queue(client)  # the kept rows, the item's own text
    assert "Tiêu đề &lt;b&gt;đổi&lt;/b&gt; @@intake-personal:who:1@@" in page
    assert "Lê Thị Cúc" not in page


def test_another_process_sees_a_change_at_once(org, app, client, now, database_url, tmp_path):
    staff = make_staff()
    new_case(now, title="Đèn đường hỏng ở ấp Phú Hữu")
    db.session.commit()
    # A second process: its own application and its own memory cache, the same database.
    second = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": database_url})
    second.test_client_class = IsolatedClient
    browser = second.test_client()
    with second.app_context():
        login(browser, staff.intake)
        assert "Nước sinh hoạt bị đục" not in queue(browser)  # now kept in the second process

    new_case(now, title="Nước sinh hoạt bị đục")  # this process commits
    db.session.commit()
    with second.app_context():
        assert "Nước sinh hoạt bị đục" in queue(browser)
        db.session.remove()
        db.engine.dispose()


def test_a_kept_listing_carries_nothing_of_the_officer_who_filled_it(org, app, now):
    staff = make_staff()
    new_case(now)
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    login(first, staff.intake)
    login(second, staff.supervisor)
    first_page = queue(first)
    second_page = queue(second)
    assert staff.intake.full_name in first_page
    assert staff.supervisor.full_name in second_page
    assert staff.intake.full_name not in second_page


def test_a_search_is_never_kept(org, app, client, now):
    staff = make_staff()
    case = new_case(now, title="Đèn đường hỏng ở ấp Phú Hữu")
    db.session.commit()
    login(client, staff.intake)
    assert URGENT not in client.get("/officer/intake?q=den+duong").get_data(as_text=True)
    behind_the_back(case.id, priority="urgent")
    assert URGENT in client.get("/officer/intake?q=den+duong").get_data(as_text=True)


def test_odd_parameters_still_give_the_queue(org, app, client, now):
    staff = make_staff()
    case = new_case(now)
    db.session.commit()
    login(client, staff.intake)
    for query in ("received_from=%00", "tab=all&page=%00", "state=x%00y", "q=&tab=review"):
        for _ in range(2):  # built, then (when kept) served again
            response = client.get(f"/officer/intake?{query}")
            assert response.status_code == 200, query
    assert case.reference_code in client.get("/officer/intake?tab=all&q=").get_data(as_text=True)


def test_a_submission_moves_the_listings_counter_once_just_before_its_commit(org, app, now):
    """The item is inserted in a savepoint (its submission token); the counter moves with the
    commit of the whole submission, not at the savepoint as well."""
    statements = []

    def heard(conn, cursor, statement, *args) -> None:
        statements.append(statement.split()[0:3])

    sa.event.listen(db.engine, "before_cursor_execute", heard)
    try:
        ops.submit_case(
            ops.CaseSubmission(
                submitter_type=SubmitterType.INDIVIDUAL, full_name="Nguyễn Văn An",
                address="Ấp Phú Hữu, xã An Hiệp", phone="0912345678",
                email="an.nguyen@example.com", title="Đèn đường hỏng ở ấp Phú Hữu",
                content="Đèn đường hỏng đã hai tuần.", kind=CaseKind.FEEDBACK,
                declared_truthful=True,
            ),
            actor="citizen", now=now, calendar=None, submission_token="t" * 43,
        )  # fmt: skip
        db.session.commit()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", heard)
    updates = [s for s in statements if s[:2] == ["UPDATE", "data_versions"]]
    assert len(updates) == 1
    last_writes = [s for s in statements if s[0] in ("INSERT", "UPDATE")]
    assert last_writes[-1][:2] == ["UPDATE", "data_versions"]


def test_filling_a_kept_listing_replaces_placeholders_only():
    """Each placeholder of an item read becomes its text, escaped; text of the page that only
    looks like the opening of one stays as it is; a placeholder of an item not read (deleted
    since the listing was kept) means the listing cannot be used."""
    from intake.officer.queues import _filled

    personal = {7: {"title": 'A <b> & "B"', "who": None}, 8: {"title": "t8", "who": "Ông C"}}
    template = (
        "<td>@@intake-personal:title:7@@</td><td>@@intake-personal:who:7@@|"
        "@@intake-personal:who:8@@</td> @@intake-personal:odd@@ @@intake-personal:title:"
    )
    assert _filled(template, personal) == (
        "<td>A &lt;b&gt; &amp; &#34;B&#34;</td><td>|Ông C</td> @@intake-personal:odd@@ "
        "@@intake-personal:title:"
    )
    assert _filled(template + "@@intake-personal:title:9@@", personal) is None
    # A placeholder's closing "@@" is its own, not the opening of what follows it.
    assert _filled("@@intake-personal:title:8@@intake-personal:who:8@@", personal) == (
        "t8intake-personal:who:8@@"
    )
    # A citizen's text that looks like a placeholder is not read again as one.
    assert (
        _filled(
            "@@intake-personal:title:7@@",
            {
                7: {"title": "@@intake-personal:who:8@@", "who": ""},
                8: {"title": "x", "who": "SECRET"},
            },
        )
        == "@@intake-personal:who:8@@"
    )
