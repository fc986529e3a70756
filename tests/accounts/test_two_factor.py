"""Two-factor sign-in: required for administrators and supervisors (INTAKE_REQUIRE_2FA),
enrolment by QR code, codes that work once, recovery codes, an administrator's reset."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from intake import create_app
from intake.accounts.security_models import AccountEvent, AccountEventKind
from intake.extensions import db
from tests.cases.factories import PASSWORD, make_staff
from tests.conftest import hidden_inputs
from tests.officer.helpers import form_fields
from tests.officer.helpers import login as password_step


@pytest.fixture
def staff(org, app, now):
    app.config["REQUIRE_2FA"] = True
    moment = {"now": now}
    app.config["CLOCK"] = lambda: moment["now"]
    app.moment = moment
    return make_staff()


def advance(app, seconds: int) -> None:
    app.moment["now"] += timedelta(seconds=seconds)


def code_at(app, secret: str) -> str:
    return pyotp.TOTP(secret).at(app.moment["now"])


def enrol(app, client) -> tuple[str, list[str]]:
    """Open the enrolment page, read the key shown for typing by hand, confirm with a code."""
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "<svg" in page and "otpauth" not in page  # the QR code is drawn, not linked
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    response = client.post(
        "/account/two-factor", data={**hidden_inputs(page), "code": code_at(app, secret)}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.get_data(as_text=True))
    assert len(codes) == 10
    app.last_page = response.get_data(as_text=True)
    return secret, codes


def second_step(client, code: str):
    page = client.get("/login/two-factor").get_data(as_text=True)
    return client.post("/login/two-factor", data={**hidden_inputs(page), "code": code})


def test_an_administrator_must_enrol_before_anything_else(app, staff):
    client = app.test_client()
    password_step(client, staff.admin)
    for where in ("/admin/users", "/officer/", "/supervision/"):
        response = client.get(where)
        assert response.headers["Location"].endswith("/account/two-factor"), where
    enrol(app, client)
    assert client.get("/admin/users").status_code == 200
    # The page of recovery codes was drawn in the new session: its sign-out button works.
    signed_out = client.post("/logout", data=form_fields(app.last_page, "/logout"))
    assert signed_out.status_code == 303


def test_other_officers_may_sign_in_with_the_password_alone(app, staff):
    client = app.test_client()
    password_step(client, staff.handler)
    assert client.get("/officer/unit").status_code == 200


def test_after_enrolment_the_password_alone_does_not_sign_in(app, staff):
    client = app.test_client()
    password_step(client, staff.supervisor)
    secret, codes = enrol(app, client)

    other = app.test_client()
    password_step(other, staff.supervisor)  # 303 to the second step
    assert other.get("/supervision/").status_code == 302  # not signed in yet
    wrong = second_step(other, "000000")
    assert wrong.status_code == 422
    assert "Mã xác thực không đúng hoặc đã được dùng." in wrong.get_data(as_text=True)
    advance(app, 30)
    code = code_at(app, secret)
    assert second_step(other, code).status_code == 303
    assert other.get("/supervision/").status_code == 200

    # The same code a second time (a shoulder-surfer, a replay) is refused.
    third = app.test_client()
    password_step(third, staff.supervisor)
    assert second_step(third, code).status_code == 422


def test_a_recovery_code_works_once_and_is_recorded(app, staff):
    client = app.test_client()
    password_step(client, staff.supervisor)
    _, codes = enrol(app, client)
    for attempt, expected in ((codes[0].upper(), 303), (codes[0], 422)):
        browser = app.test_client()
        password_step(browser, staff.supervisor)
        assert second_step(browser, attempt).status_code == expected
    kinds = db.session.scalars(
        sa.select(AccountEvent.kind).where(AccountEvent.user_id == staff.supervisor.id)
    ).all()
    assert AccountEventKind.RECOVERY_CODE_USED in kinds
    stored = db.session.execute(sa.text("SELECT code_hash FROM recovery_codes")).scalars().all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept


def test_wrong_codes_are_limited(app, staff):
    client = app.test_client()
    password_step(client, staff.supervisor)
    secret, _ = enrol(app, client)
    browser = app.test_client()
    password_step(browser, staff.supervisor)
    statuses = [second_step(browser, f"{i:06d}").status_code for i in range(6)]
    assert statuses == [422] * 5 + [429]
    advance(app, 30)
    assert second_step(browser, code_at(app, secret)).status_code == 429


def test_an_administrator_resets_it_recorded_and_the_sessions_end(app, staff):
    officer = app.test_client()
    password_step(officer, staff.supervisor)
    enrol(app, officer)
    admin = app.test_client()
    password_step(admin, staff.admin)
    enrol(app, admin)
    path = f"/admin/users/{staff.supervisor.id}"
    page = admin.get(path).get_data(as_text=True)
    assert "Đặt lại xác thực hai bước" in page
    response = admin.post(f"{path}/two-factor/reset", data=hidden_inputs(page))
    assert response.status_code == 303
    assert officer.get("/supervision/").status_code == 302  # signed out
    event = db.session.scalar(
        sa.select(AccountEvent).where(AccountEvent.kind == AccountEventKind.TWO_FACTOR_RESET)
    )
    assert event.user_id == staff.supervisor.id and event.actor_id == staff.admin.id
    # The officer signs in with the password and is asked to enrol again.
    again = app.test_client()
    password_step(again, staff.supervisor)
    assert again.get("/supervision/").headers["Location"].endswith("/account/two-factor")


def test_the_requirement_can_be_turned_off_but_not_in_production(app, staff, database_url):
    app.config["REQUIRE_2FA"] = False
    client = app.test_client()
    password_step(client, staff.admin)
    assert client.get("/admin/users").status_code == 200
    with pytest.raises(RuntimeError, match="INTAKE_REQUIRE_2FA"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 40, "REQUIRE_2FA": False,
                    "SQLALCHEMY_DATABASE_URI": "postgresql://u@h/db"})  # fmt: skip


def test_an_officer_may_turn_it_on_and_off_for_themselves(app, staff):
    client = app.test_client()
    password_step(client, staff.handler)
    enrol(app, client)
    page = client.get("/account/two-factor").get_data(as_text=True)
    response = client.post("/account/two-factor/off", data={
        **hidden_inputs(page), "password": PASSWORD, "confirm": "y"})  # fmt: skip
    assert response.status_code == 303
    db.session.expire_all()
    assert not staff.handler.has_two_factor


def test_an_operator_can_reset_it_from_the_command_line(app, staff):
    client = app.test_client()
    password_step(client, staff.admin)
    enrol(app, client)
    result = app.test_cli_runner().invoke(
        args=["intake", "reset-two-factor", "--email", staff.admin.email.upper()]
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert not staff.admin.has_two_factor
    assert client.get("/admin/users").status_code == 302  # the session ended too
    kinds = db.session.scalars(sa.select(AccountEvent.kind)).all()
    assert AccountEventKind.TWO_FACTOR_RESET in kinds
