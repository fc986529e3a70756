"""The public pages kept rendered (intake.web.page_cache): what the same for everyone is served
again, a change of the data behind it shows at once, and nothing personal is ever kept.

"Behind the application's back" below means a plain SQL update, which the cache cannot see:
a page that still shows the old value afterwards was served from the cache."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from intake.cases import operations as ops
from intake.cases.models import Case
from intake.core.states import State
from intake.extensions import cache, db
from intake.org.models import Field
from intake.web import page_cache
from intake.web.page_cache import cache_config
from tests.admin.helpers import submit as admin_submit
from tests.cases.factories import advance, make_staff
from tests.cases.factories import submit as new_case
from tests.conftest import hidden_inputs, valid_submission
from tests.officer.helpers import login


def rename_behind_the_back(code: str, name: str) -> None:
    db.session.execute(sa.update(Field).where(Field.code == code).values(name=name))
    db.session.commit()


def first_field() -> Field:
    return db.session.scalars(sa.select(Field).where(Field.is_active).order_by(Field.name)).first()


def stored_endpoints() -> set[str]:
    """The endpoints of the pages in the (memory) cache."""
    keys = cache.cache._cache  # noqa: SLF001 — the test looks inside the store on purpose
    return {key.split(":")[1] for key in keys if key.startswith(page_cache.KEY_PREFIX)}


def everything_kept() -> str:
    """Every value in the (memory) cache as text: the pages are kept as UTF-8 bytes."""
    values = (cache.get(key) for key in list(cache.cache._cache))  # noqa: SLF001
    return "".join(v.decode() if isinstance(v, bytes) else str(v or "") for v in values)


def test_a_public_page_is_kept_and_shows_an_admin_edit_at_once(org, app, client):
    field = first_field()
    code, name = field.code, field.name
    for path in ("/submit", "/published"):
        assert name in client.get(path).get_data(as_text=True)

    rename_behind_the_back(code, "Tên đổi lén")
    assert name in client.get("/submit").get_data(as_text=True)  # served from the cache
    assert name in client.get("/published").get_data(as_text=True)

    staff = make_staff()
    admin = app.test_client()
    login(admin, staff.admin)
    data = {"code": code, "name": "Lĩnh vực đã sửa", "name_en": "Edited", "is_active": "y"}
    assert admin_submit(admin, f"/admin/fields/{field.id}", data).status_code == 303
    for path in ("/submit", "/published"):
        assert "Lĩnh vực đã sửa" in client.get(path).get_data(as_text=True), path


def test_a_publication_shows_on_the_kept_list_at_once(org, client, now):
    staff = make_staff()
    case = advance(new_case(now), State.ANSWER_REVIEW, staff, now)
    db.session.commit()
    code = case.reference_code
    assert code not in client.get("/published").get_data(as_text=True)
    assert code not in client.get("/published").get_data(as_text=True)

    ops.publish_answer(
        case, actor=staff.intake, now=now, expected_version=None, published_title=case.title,
        published_content="Nội dung đã ẩn thông tin.", published_answer=case.answer_public_text,
    )  # fmt: skip
    db.session.commit()
    assert db.session.get(Case, case.id).published_at is not None
    assert code in client.get("/published").get_data(as_text=True)


def test_every_visitor_gets_their_own_tokens_from_a_kept_form(org, app, client):
    pages = [app.test_client().get("/submit").get_data(as_text=True) for _ in range(3)]
    tokens = [hidden_inputs(page) for page in pages]
    assert len({t["csrf_token"] for t in tokens}) == 3
    assert len({t["submission_token"] for t in tokens}) == 3
    assert "@@intake-fresh" not in "".join(pages)
    visitors = [app.test_client() for _ in range(2)]
    for visitor in visitors:
        form = hidden_inputs(visitor.get("/submit").get_data(as_text=True))
        response = visitor.post("/submit", data={**form, **valid_submission()})
        assert response.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 2  # two items, not one


def test_nothing_personal_is_kept(org, app, client, submit_form):
    staff = make_staff()
    receipt = submit_form(follow=True).get_data(as_text=True)
    case = db.session.scalars(sa.select(Case)).one()
    assert case.reference_code in receipt
    client.get(f"/track/{case.reference_code}")
    form = hidden_inputs(client.get("/track").get_data(as_text=True))
    client.post("/track", data={**form, "reference_code": "PAKN-2026-XXXX", "access_key": "X"})
    officer = app.test_client()
    login(officer, staff.intake)
    for path in ("/published", "/stats", "/submit", "/track", "/officer/intake"):
        assert officer.get(path).status_code == 200
    assert stored_endpoints() <= {"public.submit", "public.track"}
    assert case.full_name not in everything_kept()


def retitle_behind_the_back(case_id: int, title: str) -> None:
    db.session.execute(sa.update(Case).where(Case.id == case_id).values(published_title=title))
    db.session.commit()


def test_a_signed_in_officer_is_never_served_a_kept_page(org, app, client, now):
    staff = make_staff()
    case = advance(new_case(now), State.ANSWERED, staff, now)
    db.session.commit()
    officer = app.test_client()
    login(officer, staff.intake)
    assert case.published_title in officer.get("/published").get_data(as_text=True)
    retitle_behind_the_back(case.id, "Tiêu đề thứ hai")
    # The officer's page was not stored: the first anonymous visit renders (and stores) it.
    assert "Tiêu đề thứ hai" in client.get("/published").get_data(as_text=True)
    retitle_behind_the_back(case.id, "Tiêu đề thứ ba")
    assert "Tiêu đề thứ ba" in officer.get("/published").get_data(as_text=True)
    assert "Tiêu đề thứ ba" not in client.get("/published").get_data(as_text=True)


def test_a_message_waiting_for_the_visitor_is_shown_not_a_kept_page(org, client):
    client.get("/track")  # kept
    response = client.get("/receipt", follow_redirects=True)  # no receipt: a message, /track
    assert "Không còn phiếu tiếp nhận để hiển thị" in response.get_data(as_text=True)


def test_each_language_is_kept_apart_and_the_choice_is_remembered(org, client):
    assert 'lang="vi"' in client.get("/stats").get_data(as_text=True)
    assert 'lang="en"' in client.get("/stats?lang=en").get_data(as_text=True)
    assert 'lang="en"' in client.get("/stats").get_data(as_text=True)  # the session's choice


def test_a_search_is_never_kept(org, client):
    client.get("/published?q=dat+dai")
    client.get("/published?field_id=1&page=1")
    assert not any("q=dat" in key for key in cache.cache._cache)  # noqa: SLF001
    assert any("field_id=1&page=1" in key for key in cache.cache._cache)  # noqa: SLF001


@pytest.mark.parametrize(
    ("path", "landing"),
    [
        ("/stats?year=1999", "/stats"),
        ("/stats?year=abc&lang=en", "/stats?lang=en"),
        ("/stats?year=%D9%A2%D9%A0%D9%A2%D9%A6", "/stats"),  # 2026 in Arabic-Indic digits
        ("/published?page=%D9%A2", "/published"),
        ("/published?field_id=999999", "/published"),
        ("/published?unit_id=abc&q=", "/published?q="),
        ("/published?page=007", "/published?page=7"),
        ("/published?page=0&field_id=", "/published?field_id="),
        ("/published?page=5", "/published"),  # past the end of a list of one page
    ],
)
def test_a_value_the_page_does_not_know_leads_to_the_kept_page_and_is_never_kept(
    org, client, path, landing
):
    """Otherwise each invented value would be a render that no cache keeps: a way for anyone
    to make the server work at will."""
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"] == landing
    assert not any(key.startswith(page_cache.KEY_PREFIX) for key in cache.cache._cache)  # noqa: SLF001
    assert client.get(path, follow_redirects=True).status_code == 200


def test_the_store_follows_the_setting():
    assert cache_config("memory://")["CACHE_TYPE"] == "SimpleCache"
    redis = cache_config("redis://127.0.0.1:6379/1")
    assert redis["CACHE_TYPE"] == "RedisCache" and redis["CACHE_REDIS_URL"].endswith("/1")
    assert cache_config("null://")["CACHE_TYPE"] == "NullCache"
    with pytest.raises(RuntimeError):
        cache_config("memcached://x")
