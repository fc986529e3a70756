"""Sessions that end: a copied cookie stops working when the officer signs out, changes their
password, loses a role or is disabled; a new session id at every sign-in; idle and absolute
timeouts. Each replay goes through HTTP with the old cookie, as an attacker's browser would."""

from __future__ import annotations

from datetime import timedelta

import pytest

from intake.extensions import db
from tests.cases.factories import PASSWORD, make_staff
from tests.conftest import hidden_inputs
from tests.officer.helpers import login

COOKIE = "session"


def cookie(client) -> str:
    found = client.get_cookie(COOKIE)
    assert found is not None
    return found.value


def replay(app, value: str):
    """Another browser carrying a copy of the cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, value)
    return thief


def signed_in(client) -> bool:
    response = client.get("/officer/")
    return response.status_code == 302 and "/login" not in response.headers["Location"]


@pytest.fixture
def clock(app, now):
    """Time that a test moves forward: ``clock.now += timedelta(...)``."""

    class Clock:
        def __init__(self):
            self.now = now

    c = Clock()
    app.config["CLOCK"] = lambda: c.now
    return c


@pytest.fixture
def staff(org):
    return make_staff()


def post_form(client, page: str, action: str, **data):
    html = client.get(page).get_data(as_text=True)
    return client.post(action, data={**hidden_inputs(html), **data})


def test_a_copied_cookie_stops_working_after_sign_out(app, staff):
    browser = app.test_client()
    login(browser, staff.handler)
    copied = cookie(browser)
    assert signed_in(replay(app, copied))
    assert post_form(browser, "/officer/unit", "/logout").status_code == 303
    thief = replay(app, copied)
    assert not signed_in(thief)
    assert thief.get("/officer/unit").status_code == 302  # to the login page


def test_signing_out_ends_the_sessions_on_every_device(app, staff):
    phone, desk = app.test_client(), app.test_client()
    login(phone, staff.handler)
    login(desk, staff.handler)
    post_form(desk, "/officer/unit", "/logout")
    assert not signed_in(phone)


def test_a_password_change_ends_the_other_sessions_and_renews_this_one(app, staff):
    browser, other = app.test_client(), app.test_client()
    login(browser, staff.handler)
    login(other, staff.handler)
    before = cookie(browser)
    new = "song-hau-mua-nuoc-noi"
    response = post_form(browser, "/account/password", "/account/password",
                         current_password=PASSWORD, new_password=new, confirm=new)  # fmt: skip
    assert response.status_code == 303
    assert signed_in(browser)  # the officer who changed it carries on
    assert cookie(browser) != before
    assert not signed_in(other)
    assert not signed_in(replay(app, before))


@pytest.mark.parametrize("change", ["role", "disabled", "password_reset"])
def test_an_administrator_s_change_ends_the_officer_s_sessions(app, staff, change):
    officer, admin = app.test_client(), app.test_client()
    login(officer, staff.handler)
    login(admin, staff.admin)
    copied = cookie(officer)
    path = f"/admin/users/{staff.handler.id}"
    base = {"full_name": staff.handler.full_name, "unit_id": str(staff.handler.unit_id)}
    if change == "role":
        response = post_form(admin, path, path, **base, role="unit_lead", is_enabled="y")
    elif change == "disabled":
        response = post_form(admin, path, path, **base, role="handler")
    else:
        new = "cau-rach-mieu-2026"
        response = post_form(admin, f"{path}/password", f"{path}/password",
                             password=new, confirm=new)  # fmt: skip
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert not signed_in(officer)
    assert not signed_in(replay(app, copied))
    assert signed_in(admin)


def test_signing_in_gives_a_new_session_id(app, staff):
    """Session fixation: whatever cookie the browser had before (one planted by an attacker
    included), signing in replaces it, and the planted one never becomes signed in."""
    browser = app.test_client()
    browser.get("/login")
    planted = cookie(browser)
    login(browser, staff.handler)
    assert cookie(browser) != planted
    assert not signed_in(replay(app, planted))
    first = cookie(browser)
    post_form(browser, "/officer/unit", "/logout")
    login(browser, staff.handler)
    assert cookie(browser) != first


def test_an_idle_session_ends(app, staff, clock):
    browser = app.test_client()
    login(browser, staff.handler)
    clock.now += timedelta(minutes=29)
    assert signed_in(browser)  # a request keeps it alive
    clock.now += timedelta(minutes=29)
    assert signed_in(browser)
    clock.now += timedelta(minutes=31)
    assert not signed_in(browser)
    page = browser.get("/login").get_data(as_text=True)
    assert "Phiên đăng nhập đã kết thúc. Vui lòng đăng nhập lại." in page


def test_a_session_ends_after_the_absolute_timeout_however_busy(app, staff, clock):
    app.config["SESSION_IDLE_MINUTES"] = 30
    browser = app.test_client()
    login(browser, staff.handler)
    for _ in range(12 * 3 - 1):
        clock.now += timedelta(minutes=20)
        assert signed_in(browser)
    clock.now += timedelta(minutes=21)  # 12 h and 1 min after signing in
    assert not signed_in(browser)
    login(browser, staff.handler)
    assert signed_in(browser)


def test_citizens_without_accounts_keep_their_cookie_session(app, org, submit_form):
    """The public pages keep using the plain cookie session (flash messages, CSRF)."""
    response = submit_form(follow=True)
    assert response.status_code == 200
    assert "PAKN-" in response.get_data(as_text=True)
    from intake.accounts.security_models import UserSession

    assert db.session.query(UserSession).count() == 0


def test_the_cookie_names_no_officer_only_a_random_session_token(app, staff):
    browser = app.test_client()
    login(browser, staff.handler)
    data = app.session_interface.get_signing_serializer(app).loads(cookie(browser))
    assert set(data) <= {"sid", "csrf_token", "lang", "_flashes"}
    assert len(data["sid"]) >= 40 and str(staff.handler.id) not in data.values()
