"""Signing in: one generic message, failures slowed down, safe redirects, password change."""

from tests.cases.factories import PASSWORD, make_staff
from tests.conftest import hidden_inputs
from tests.officer.helpers import login

GENERIC = "Thư điện tử hoặc mật khẩu không đúng."


def attempt(client, email, password, next_url=""):
    page = client.get("/login").get_data(as_text=True)
    form = {**hidden_inputs(page), "email": email, "password": password, "next": next_url}
    return client.post("/login", data=form)


def test_wrong_password_and_unknown_account_get_the_same_answer(org, client):
    staff = make_staff()
    wrong = attempt(client, staff.handler.email, "sai-mat-khau").get_data(as_text=True)
    unknown = attempt(client, "khong-co@test.vn", "sai-mat-khau").get_data(as_text=True)
    assert GENERIC in wrong and GENERIC in unknown
    assert client.get("/officer/").status_code == 302  # still signed out


def test_repeated_failures_are_refused_for_a_while(org, app):
    staff = make_staff()
    client = app.test_client()
    statuses = [attempt(client, staff.handler.email, f"sai-{i}").status_code for i in range(6)]
    assert statuses == [422] * 5 + [429]
    assert attempt(client, staff.handler.email, PASSWORD).status_code == 429


def test_disabled_accounts_cannot_sign_in(org, client):
    from intake.extensions import db

    staff = make_staff()
    staff.handler.is_enabled = False
    db.session.commit()
    assert GENERIC in attempt(client, staff.handler.email, PASSWORD).get_data(as_text=True)


def test_next_only_leads_within_the_site(org, app):
    staff = make_staff()
    inside = attempt(app.test_client(), staff.intake.email, PASSWORD, "/officer/intake?tab=all")
    assert inside.headers["Location"] == "/officer/intake?tab=all"
    for evil in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = attempt(app.test_client(), staff.intake.email, PASSWORD, evil)
        assert response.headers["Location"] == "/officer/", evil


def test_change_password_and_logout(org, client):
    staff = make_staff()
    login(client, staff.handler)
    page = client.get("/account/password").get_data(as_text=True)
    form = hidden_inputs(page)
    bad = client.post("/account/password", data={**form, "current_password": "sai",
                                                   "new_password": "song-hau-mua-nuoc-noi",
                                                   "confirm": "song-hau-mua-nuoc-noi"})  # fmt: skip
    assert bad.status_code == 422 and "Mật khẩu hiện tại không đúng." in bad.get_data(as_text=True)
    ok = client.post("/account/password", data={**form, "current_password": PASSWORD,
                                                  "new_password": "song-hau-mua-nuoc-noi",
                                                  "confirm": "song-hau-mua-nuoc-noi"})  # fmt: skip
    assert ok.status_code == 303
    logout_form = hidden_inputs(client.get("/officer/unit").get_data(as_text=True))
    assert client.post("/logout", data=logout_form).status_code == 303
    assert client.get("/officer/").status_code == 302
    assert attempt(client, staff.handler.email, "song-hau-mua-nuoc-noi").status_code == 303
