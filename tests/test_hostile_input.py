"""Input that used to crash a page now gets a 404 or the first page, on every database: ids
beyond what an INTEGER column holds, page numbers of twenty digits, query parameters that
collide with url_for's own, and paths that look like another host."""

from __future__ import annotations

import re

import pytest

from intake.core.states import State
from intake.extensions import db
from tests.cases.factories import advance, make_staff, submit
from tests.conftest import hidden_inputs
from tests.officer.helpers import form_fields, login

TOO_LARGE = ["2147483648", "9223372036854775808", "99999999999999999999999"]


@pytest.fixture
def intake_client(org, app, now):
    staff = make_staff()
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    db.session.commit()
    client = app.test_client()
    login(client, staff.intake)
    return client, case


@pytest.mark.parametrize("value", TOO_LARGE)
def test_ids_beyond_the_integer_range_are_not_found(intake_client, value):
    client, case = intake_client
    for path in (
        f"/officer/cases/{value}",
        f"/officer/cases/{value}/review",
        f"/officer/attachments/{value}",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/officer/cases/{value}/note", data={}).status_code in (400, 404)
    reply = f"/officer/cases/{case.id}/cooperation/{value}/reply"
    assert client.post(reply, data={}).status_code in (400, 404)


def test_page_numbers_of_any_size_show_a_page(intake_client):
    client, _ = intake_client
    for path in ("/officer/intake", "/published"):
        for page in ("99999999999999999999", "-3", "１", "abc", "0"):
            response = client.get(path, query_string={"page": page}, follow_redirects=True)
            assert response.status_code == 200, (path, page)
    # The public list sends a page number it reads otherwise to the page it reads; parameters
    # named like url_for's own stay plain parameters on the way.
    odd = {"page": "0", "endpoint": "x", "_external": "1", "_anchor": "a"}
    response = client.get("/published", query_string=odd)
    assert response.status_code == 302
    assert response.headers["Location"] == "/published?endpoint=x&_external=1&_anchor=a"


def test_query_parameters_named_like_url_fors_own_are_left_out_of_page_links(intake_client, now):
    client, _ = intake_client
    for _ in range(26):  # a second page of items to classify
        submit(now)
    db.session.commit()
    hostile = {"endpoint": "x", "_method": "DELETE", "_external": "1", "_anchor": "a", "q": ""}
    for path in ("/officer/intake", "/published"):
        assert client.get(path, query_string=hostile).status_code == 200, path
    html = client.get("/officer/intake", query_string={**hostile, "tab": "to_classify"}).text
    links = re.findall(r'href="([^"]*page=2[^"]*)"', html)
    assert links, "the queue has a second page"
    for link in links:
        assert "_method" not in link and "endpoint" not in link and "tab=to_classify" in link


def test_the_language_link_of_any_path_stays_on_the_site(client):
    for path in ("//evil.example/x", "/\\evil.example/x"):
        response = client.get(path)
        assert response.status_code == 404
        links = re.findall(r'href="([^"]*lang=en[^"]*)"', response.get_data(as_text=True))
        assert links, "the error page offers English"
        for link in links:
            assert link.startswith("/") and not link.startswith(("//", "/\\")), link


def test_a_submission_token_of_any_length_is_no_error(org, client, submit_form):
    for token in ("x" * 5000, "ü" * 70, "", "a b"):
        response = submit_form(submission_token=token)
        assert response.status_code == 303, token


def test_numbers_of_hundreds_of_digits_are_a_form_error(org, app, now):
    """WTForms' range check turns numbers into floats, which overflow from ~309 digits."""
    staff = make_staff()
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    db.session.commit()
    handler = app.test_client()
    login(handler, staff.handler)
    path = f"/officer/cases/{case.id}/extension"
    fields = form_fields(handler.get(f"/officer/cases/{case.id}").text, path)
    for value in ("9" * 400, "-" + "9" * 400, "1" * 10):
        response = handler.post(path, data={**fields, "working_days": value, "reason": "Cần thêm"})
        assert response.status_code == 422, value
        assert "Vui lòng nhập một số nguyên." in response.text
    admin = app.test_client()
    login(admin, staff.admin)
    for url in ("/admin/policies/new", "/admin/policies/steps/handling"):
        page = admin.get(url).text
        names = set(re.findall(r'name="([^"]+)"', page)) - {"csrf_token"}
        data = {**hidden_inputs(page), **{name: "9" * 400 for name in names}}
        assert admin.post(url, data=data).status_code == 422, url
