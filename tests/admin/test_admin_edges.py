"""The admin pages' edges: stray query parameters never reach the list's links, and the
``flask intake create-user`` command refuses what the admin page refuses, with its message."""

import re
from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa

from intake.accounts.models import User
from intake.extensions import db
from intake.org.models import Unit
from tests.cases.factories import make_staff
from tests.officer.helpers import login

LONG_PASSWORD = "mat-khau-dai-2026"


@pytest.fixture
def admin(org, app):
    client = app.test_client()
    login(client, make_staff().admin)
    return client


def pager_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="pager".*?</nav>', html, re.S)
    assert nav, "no pager on the page"
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', nav.group(0))]


def test_procedure_pages_link_with_their_filters_only(admin):
    response = admin.get("/admin/procedures?endpoint=x&_method=y&page=2")
    assert response.status_code == 200
    links = pager_links(response.get_data(as_text=True))
    assert "/admin/procedures?page=1" in links
    assert all("endpoint" not in link and "_method" not in link for link in links)

    # "cap" matches more than a page of the sample procedures: the next page keeps the search.
    found = admin.get("/admin/procedures?q=cap&endpoint=x&_anchor=z&_external=1")
    assert found.status_code == 200
    assert pager_links(found.get_data(as_text=True)) == ["/admin/procedures?q=cap&page=2"]


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["intake", *args], input=input)


def create_user(app, email="can.bo@example.com", password=LONG_PASSWORD, unit="so-tp"):
    return run(
        app, "create-user", "--email", email, "--name", "Cán Bộ", "--role", "handler",
        "--unit", unit, input=f"{password}\n{password}\n",
    )  # fmt: skip


def users_with(email: str) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email == email))


def test_create_user_refuses_a_short_password_with_the_admin_pages_message(app, org):
    result = create_user(app, password="ngan")
    assert result.exit_code == 1
    assert "--password: Mật khẩu cần ít nhất 12 ký tự." in result.output
    assert users_with("can.bo@example.com") == 0


def test_create_user_refuses_an_address_already_used_whatever_its_case(app, org):
    assert create_user(app).exit_code == 0
    again = create_user(app, email="Can.Bo@Example.COM")
    assert again.exit_code == 1
    assert "--email: Đã có tài khoản dùng địa chỉ thư điện tử này." in again.output
    assert users_with("can.bo@example.com") == 1


def test_create_user_refuses_a_unit_no_longer_in_force(app, org):
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == "so-tp"))
    unit.valid_from, unit.valid_to = None, date(2000, 1, 1)
    db.session.commit()
    result = create_user(app)
    assert result.exit_code == 1
    assert "--unit: Đơn vị này không còn (hoặc chưa) hoạt động." in result.output
    assert users_with("can.bo@example.com") == 0
