"""Every administrator route × every role: only administrators get in; anyone else is told the
pages do not exist (404), the anonymous are sent to sign in, nothing answers with a 500, and a
refused POST changes nothing."""

import pytest
import sqlalchemy as sa

from intake.extensions import db
from intake.org.models import Field, Procedure, RoutingRule
from tests.admin.helpers import unit_id
from tests.cases.factories import make_staff
from tests.conftest import hidden_inputs
from tests.officer.helpers import login

ROLES = ["anonymous", "intake", "handler", "lead", "supervisor", "admin"]

PAGES = [
    "/admin/",
    "/admin/users",
    "/admin/users/new",
    "/admin/users/{user}",
    "/admin/users/{user}/password",
    "/admin/units",
    "/admin/units/new",
    "/admin/units/{unit}",
    "/admin/fields",
    "/admin/fields/new",
    "/admin/fields/{field}",
    "/admin/procedures",
    "/admin/procedures/new",
    "/admin/procedures/{procedure}",
    "/admin/rules",
    "/admin/rules/new",
    "/admin/rules/{rule}",
]
LISTS = ["/admin/", "/admin/users", "/admin/units", "/admin/fields", "/admin/procedures"]
FORMS = [p for p in PAGES if p not in (*LISTS, "/admin/rules")]


@pytest.fixture
def world(org, app):
    staff = make_staff()
    ids = {
        "user": staff.handler.id,
        "unit": unit_id("so-tnmt"),
        "field": db.session.scalar(sa.select(Field.id).where(Field.code == "dat-dai")),
        "procedure": db.session.scalar(
            sa.select(Procedure.id).where(Procedure.national_code == "1.001193")
        ),
        "rule": db.session.scalar(sa.select(RoutingRule.id).order_by(RoutingRule.id).limit(1)),
    }
    clients = {}
    for role in ROLES:
        clients[role] = app.test_client()
        if role != "anonymous":
            login(clients[role], getattr(staff, role))
    return staff, ids, clients


def test_pages_only_for_administrators(world):
    _, ids, clients = world
    for template in PAGES:
        path = template.format(**ids)
        for role in ROLES:
            response = clients[role].get(path)
            where = (role, path, response.status_code)
            if role == "admin":
                assert response.status_code == 200, where
            elif role == "anonymous":
                assert response.status_code == 302, where
                assert "/login" in response.headers["Location"], where
            else:
                assert response.status_code == 404, where


def test_posts_only_for_administrators(world):
    """With a valid CSRF token, a non-administrator's POST is a 404 and changes nothing; an
    administrator's empty form is a 422 with errors, never a 500."""
    _, ids, clients = world
    tokens = {
        role: hidden_inputs(client.get("/login" if role == "anonymous" else "/account/password")
                            .get_data(as_text=True))["csrf_token"]
        for role, client in clients.items()
    }  # fmt: skip
    paths = [t.format(**ids) for t in FORMS] + [f"/admin/rules/{ids['rule']}/delete"]
    for path in paths:
        for role in ROLES:
            data = {
                "csrf_token": tokens[role], "code": "mã có dấu", "national_code": "?",
                "name": "Tên mới", "full_name": "", "unit_id": "abc", "password": "ngắn",
            }  # fmt: skip
            if role == "admin" and path.endswith("/delete"):
                continue  # deleting for real is checked in the behaviour tests
            response = clients[role].post(path, data=data)
            where = (role, path, response.status_code)
            assert response.status_code != 500, where
            if role == "anonymous":
                assert response.status_code == 302, where
            elif role != "admin":
                assert response.status_code == 404, where
            else:
                assert response.status_code == 422, where
    db.session.expire_all()
    assert db.session.get(RoutingRule, ids["rule"]) is not None
    assert db.session.get(Field, ids["field"]).name == "Đất đai"


def test_administrators_start_on_their_own_pages(world):
    staff, _, clients = world
    admin = clients["admin"]
    response = admin.get("/officer/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/")
    for path in ("/officer/intake", "/officer/unit", "/officer/cases/new"):
        assert admin.get(path).status_code == 404, path
    page = admin.get("/admin/").get_data(as_text=True)
    for label in ("Người dùng", "Đơn vị", "Lĩnh vực", "Thủ tục", "Quy tắc phân công"):
        assert label in page
    assert "Hàng chờ tiếp nhận" not in page
    # Other officers still start where they did, and see no administration links.
    assert clients["intake"].get("/officer/").headers["Location"].endswith("/officer/intake")
    queue = clients["intake"].get("/officer/intake").get_data(as_text=True)
    assert "/admin/users" not in queue


def test_signing_in_as_administrator_lands_on_the_overview(org, app):
    staff = make_staff()
    client = app.test_client()
    login(client, staff.admin)
    page = client.get("/officer/", follow_redirects=True)
    assert page.status_code == 200
    assert page.request.path == "/admin/"
