"""Login throttling per account and per address, the same work for unknown accounts, a notice
after repeated failures, and the password policy (ASVS 2.1)."""

from __future__ import annotations

import pytest

from intake.accounts import passwords
from intake.extensions import db
from intake.notifications.models import OutboxMessage
from tests.cases.factories import PASSWORD, make_staff
from tests.conftest import hidden_inputs
from tests.officer.helpers import login

GENERIC = "Thư điện tử hoặc mật khẩu không đúng."


def attempt(client, email, password, address="127.0.0.1"):
    env = {"REMOTE_ADDR": address}
    page = client.get("/login", environ_base=env).get_data(as_text=True)
    form = {**hidden_inputs(page), "email": email, "password": password}
    return client.post("/login", data=form, environ_base=env)


@pytest.fixture
def staff(org):
    return make_staff()


def test_an_account_is_slowed_down_whatever_address_the_guesses_come_from(app, staff):
    """Ten wrong passwords from ten addresses, then the right one from an eleventh: refused
    for a while (429), and an unknown account behaves exactly the same."""
    for email in (staff.handler.email, "khong-co-ai@test.vn"):
        statuses = [
            attempt(app.test_client(), email, f"sai-{i}", f"10.0.{i}.1").status_code
            for i in range(10)
        ]
        assert statuses == [422] * 10, email
        right = attempt(app.test_client(), email, PASSWORD, "10.9.9.9")
        assert right.status_code == 429, email
    # Other accounts are not affected.
    assert attempt(app.test_client(), staff.lead.email, PASSWORD, "10.9.9.9").status_code == 303


def test_unknown_and_known_accounts_get_the_same_answer_and_the_same_work(app, staff, monkeypatch):
    checked = []
    real = passwords.check_password_hash
    monkeypatch.setattr(
        passwords, "check_password_hash", lambda h, p: checked.append(h) or real(h, p)
    )
    known = attempt(app.test_client(), staff.handler.email, "sai-mat-khau-roi")
    unknown = attempt(app.test_client(), "khong-co@test.vn", "sai-mat-khau-roi")
    staff.lead.is_enabled = False
    db.session.commit()
    disabled = attempt(app.test_client(), staff.lead.email, PASSWORD)
    assert len(checked) == 3  # one password hash verified for each, real or dummy
    assert checked[1] != checked[0]  # the unknown account: a dummy hash, made the same way
    assert checked[1].split("$")[0] == checked[0].split("$")[0]
    for response in (known, unknown, disabled):
        assert response.status_code == 422
        assert GENERIC in response.get_data(as_text=True)


def test_the_holder_is_told_by_email_after_repeated_failures(app, staff):
    for i in range(7):
        attempt(app.test_client(), staff.handler.email, f"sai-{i}", f"10.1.{i}.1")
    notices = db.session.query(OutboxMessage).filter_by(template="login_failures").all()
    assert len(notices) == 1  # once per streak, not once per failure
    assert notices[0].recipient == staff.handler.email
    assert "5 lần nhập sai mật khẩu" in notices[0].body_text
    # A successful sign-in ends the streak.
    login(app.test_client(), staff.handler)
    db.session.expire_all()
    assert staff.handler.failed_logins == 0


WEAK = [
    "ngan-qua-11",  # 11 characters
    "password1234",
    "Password1234!",
    "matkhau123456",
    "123456789abc",
    "anhyeuem2026@",
    "Anh-Yêu-Em-123",
    "p-a-s-s-w-o-r-d-1",
    "aaaaaaaaaaaaaa",
    "abcabcabcabcabc",
    "lamvanphuoc2026",  # the officer's own name
    "Phước@Sóc-Trăng-1",
    "xuly-2026-abcd",  # the local part of the e-mail
]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused(password):
    assert passwords.problem(password, email="xuly@test.vn", full_name="Lâm Văn Phước")


def test_weak_passwords_are_refused_when_an_officer_changes_theirs(app, staff):
    client = app.test_client()
    login(client, staff.handler)
    for password in ("password1234", "123456789abc", "lamvanphuoc2026"):
        page = client.get("/account/password").get_data(as_text=True)
        response = client.post("/account/password", data={
            **hidden_inputs(page), "current_password": PASSWORD,
            "new_password": password, "confirm": password})  # fmt: skip
        assert response.status_code == 422, password
        assert 'id="new_password-error"' in response.get_data(as_text=True)


def test_a_long_uncommon_passphrase_is_accepted(app, staff):
    assert passwords.problem("demo-pakn-2026") is None  # the demo's password still works
    assert passwords.problem("ghe-xuong-song-hau-luc-binh-minh", email="xuly@test.vn") is None
    assert passwords.problem("Trời hôm nay nhiều mây", full_name="Lâm Văn Phước") is None


def test_an_administrator_can_require_a_change_at_next_sign_in(app, staff):
    admin = app.test_client()
    login(admin, staff.admin)
    path = f"/admin/users/{staff.handler.id}/password"
    new = "cau-rach-mieu-2026"
    page = admin.get(path).get_data(as_text=True)
    response = admin.post(path, data={**hidden_inputs(page), "password": new, "confirm": new,
                                      "must_change": "y"})  # fmt: skip
    assert response.status_code == 303
    officer = app.test_client()
    page = officer.get("/login").get_data(as_text=True)
    officer.post("/login", data={**hidden_inputs(page), "email": staff.handler.email,
                                 "password": new})  # fmt: skip
    for where in ("/officer/unit", "/officer/", "/officer/cases/1"):
        assert officer.get(where).headers["Location"].endswith("/account/password"), where
    mine = "ghe-xuong-song-hau-luc-binh-minh"
    page = officer.get("/account/password").get_data(as_text=True)
    response = officer.post("/account/password", data={**hidden_inputs(page),
        "current_password": new, "new_password": mine, "confirm": mine})  # fmt: skip
    assert response.status_code == 303
    assert officer.get("/officer/unit").status_code == 200
