"""Officers' personal tokens: made on the account page with the password again, shown once,
and stopped by revoking, by the account being disabled, and by what ends the account's
sessions for a security reason — recorded in the account's security record."""

from __future__ import annotations

import re

import sqlalchemy as sa

from intake.accounts.models import Role
from intake.accounts.security_models import AccountEvent, AccountEventKind
from intake.api_keys.models import ApiKey
from intake.extensions import db
from tests.api.officer_helpers import API, bearer, token_for
from tests.api.test_keys_and_problems import create_key
from tests.cases.factories import PASSWORD, make_staff
from tests.conftest import hidden_inputs
from tests.officer.helpers import login

TOKENS = "/account/api-tokens"


def works(client, raw: str) -> bool:
    status = client.get(f"{API}/queues", headers=bearer(raw)).status_code
    assert status in (200, 401), status
    return status == 200


def kinds(user) -> list[str]:
    rows = db.session.scalars(
        sa.select(AccountEvent.kind)
        .where(AccountEvent.user_id == user.id)
        .order_by(AccountEvent.id)
    )
    return [str(k) for k in rows]


def _create_on_page(browser, name: str, password: str):
    page = browser.get(TOKENS).get_data(as_text=True)
    return browser.post(TOKENS, data={**hidden_inputs(page), "name": name, "password": password})


def test_a_token_is_made_with_the_password_shown_once_and_revoked_on_the_page(app, client, org):
    staff = make_staff()
    browser = app.test_client()
    login(browser, staff.handler)
    wrong = _create_on_page(browser, "Bảng tổng hợp", "not-my-password")
    assert wrong.status_code == 422 and "Mật khẩu không đúng" in wrong.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ApiKey.id))) == 0

    made = _create_on_page(browser, "Bảng tổng hợp", PASSWORD)
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    raw = re.search(r'id="api-token">(pakt_[^<]+)<', made.get_data(as_text=True)).group(1)
    assert works(client, raw)
    assert client.get("/api/v1/key", headers=bearer(raw)).json["officer"] == staff.handler.email
    listing = browser.get(TOKENS).get_data(as_text=True)
    assert raw[:12] in listing and raw not in listing  # the prefix, never the token again

    key = db.session.scalars(sa.select(ApiKey)).one()
    form = re.search(rf'action="{TOKENS}/{key.id}/revoke".*?</form>', listing, re.S).group(0)
    assert browser.post(f"{TOKENS}/{key.id}/revoke", data=hidden_inputs(form)).status_code == 303
    assert not works(client, raw)
    assert kinds(staff.handler) == ["api_token_created", "api_token_revoked"]


def test_only_officers_hold_tokens_and_only_tokens_open_the_officers_api(app, client, org):
    staff = make_staff()
    admin = app.test_client()
    login(admin, staff.admin)
    assert admin.get(TOKENS).status_code == 404
    officer = app.test_client()
    login(officer, staff.intake)
    cookie_only = officer.get(f"{API}/queues")  # signed in, but no token: the API ignores it
    assert cookie_only.status_code == 401 and cookie_only.mimetype == "application/problem+json"
    app_key = create_key(app, "Hue-S")
    assert client.get(f"{API}/queues", headers=bearer(app_key)).status_code == 403
    other = staff.handler
    raw = token_for(staff.intake)
    key_of_other = db.session.scalar(sa.select(ApiKey))
    browser = app.test_client()
    login(browser, other)
    page = browser.get(TOKENS).get_data(as_text=True)
    refused = browser.post(f"{TOKENS}/{key_of_other.id}/revoke", data=hidden_inputs(page))
    assert refused.status_code == 404 and works(client, raw)


def test_a_password_change_revokes_the_tokens_signing_out_does_not(app, client, org):
    staff = make_staff()
    raw = token_for(staff.lead)
    browser = app.test_client()
    login(browser, staff.lead)
    page = browser.get("/account/password").get_data(as_text=True)
    assert browser.post("/logout", data=hidden_inputs(page)).status_code == 303
    assert works(client, raw)  # the evening sign-out leaves the scripts running

    login(browser, staff.lead)
    page = browser.get("/account/password").get_data(as_text=True)
    changed = browser.post(
        "/account/password",
        data={**hidden_inputs(page), "current_password": PASSWORD,
              "new_password": "mot-cum-tu-moi-rat-dai", "confirm": "mot-cum-tu-moi-rat-dai"},
    )  # fmt: skip
    assert changed.status_code == 303
    assert not works(client, raw)
    assert kinds(staff.lead)[-2:] == ["api_token_revoked", "password_changed"]
    detail = db.session.scalars(sa.select(AccountEvent.detail).where(
        AccountEvent.kind == AccountEventKind.API_TOKEN_REVOKED)).one()  # fmt: skip
    assert detail.startswith("password_changed: pakt_")


def test_the_administrator_sees_revokes_disables_and_resets(app, client, org):
    staff = make_staff()
    first, second, third = (token_for(staff.handler, n) for n in ("Một", "Hai", "Ba"))
    admin = app.test_client()
    login(admin, staff.admin)
    page = admin.get(f"/admin/users/{staff.handler.id}").get_data(as_text=True)
    assert "Một" in page and first[:12] in page and first not in page
    key = db.session.scalar(sa.select(ApiKey).where(ApiKey.name == "Một"))
    action = f"/admin/users/{staff.handler.id}/api-tokens/{key.id}/revoke"
    form = re.search(rf'action="{action}".*?</form>', page, re.S).group(0)
    assert admin.post(action, data=hidden_inputs(form)).status_code == 303
    assert not works(client, first) and works(client, second)

    # Disabled: every token stops, and stays revoked when the account is enabled again.
    def save(**changes):
        page = admin.get(f"/admin/users/{staff.handler.id}").get_data(as_text=True)
        data = {
            **hidden_inputs(page),
            "full_name": staff.handler.full_name,
            "role": Role.HANDLER.value,
            "unit_id": str(staff.handler.unit_id),
            **changes,
        }
        return admin.post(f"/admin/users/{staff.handler.id}", data=data)  # fmt: skip

    assert save().status_code == 303  # not ticked: disabled
    assert not works(client, second) and not works(client, third)
    assert save(is_enabled="y").status_code == 303
    assert not works(client, second)
    events = db.session.scalars(
        sa.select(AccountEvent).where(AccountEvent.kind == AccountEventKind.API_TOKEN_REVOKED)
    ).all()
    assert [e.actor_id for e in events] == [staff.admin.id, staff.admin.id]
    assert events[1].detail.startswith("disabled:")

    # A password reset by the administrator, and a new role, end the tokens made since.
    fresh = token_for(staff.handler, "Bốn")
    page = admin.get(f"/admin/users/{staff.handler.id}/password").get_data(as_text=True)
    reset = admin.post(f"/admin/users/{staff.handler.id}/password",
                       data={**hidden_inputs(page), "password": "mat-khau-moi-cua-quan-tri",
                             "confirm": "mat-khau-moi-cua-quan-tri"})  # fmt: skip
    assert reset.status_code == 303, reset.get_data(as_text=True)[:500]
    assert not works(client, fresh)
    lead_token = token_for(staff.lead)
    page = admin.get(f"/admin/users/{staff.lead.id}").get_data(as_text=True)
    moved = admin.post(f"/admin/users/{staff.lead.id}", data={
        **hidden_inputs(page), "full_name": staff.lead.full_name, "role": Role.HANDLER.value,
        "unit_id": str(staff.lead.unit_id), "is_enabled": "y"})  # fmt: skip
    assert moved.status_code == 303
    assert not works(client, lead_token)


def test_the_operator_can_issue_a_token_from_the_shell(app, client, org):
    staff = make_staff()
    runner = app.test_cli_runner()
    made = runner.invoke(args=["intake", "api-key", "create-token", "--email", staff.intake.email,
                               "--name", "Báo cáo tuần"])  # fmt: skip
    assert made.exit_code == 0, made.output
    raw = made.output.strip().splitlines()[-1]
    assert raw.startswith("pakt_") and works(client, raw)
    assert kinds(staff.intake) == ["api_token_created"]
    refused = runner.invoke(args=["intake", "api-key", "create-token", "--email",
                                  staff.admin.email])  # fmt: skip
    assert refused.exit_code != 0 and "không dùng được" in refused.output
