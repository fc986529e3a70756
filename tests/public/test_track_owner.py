"""Tracking protects the owner: guessing is slowed for the guesser only, a lost key can be
recovered by the contact given at submission, and the key never sits in the session cookie."""

import re
import uuid

import pytest
import sqlalchemy as sa

from intake.cases.models import Case, CaseEvent
from intake.extensions import db
from intake.notifications.models import OutboxMessage
from tests.conftest import hidden_inputs

SENT = "Nếu mã phản ánh, kiến nghị và thông tin liên hệ khớp với hồ sơ"


def client_at(app, address: str):
    """A browser at another address (another network, another node's client)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def submitted(client, submit_form) -> tuple[str, str]:
    assert submit_form().status_code == 303
    receipt = client.get("/receipt").text
    code = re.search(r'id="reference-code">([^<]+)<', receipt).group(1)
    key = re.search(r'id="access-key">([^<]+)<', receipt).group(1)
    return code, key


def track(client, code, key):
    form = hidden_inputs(client.get("/track").text)
    return client.post("/track", data={**form, "reference_code": code, "access_key": key})


def recover(client, code, contact):
    form = hidden_inputs(client.get("/track/recover").text)
    return client.post("/track/recover", data={**form, "reference_code": code, "contact": contact})


def test_a_guesser_is_slowed_but_the_owner_always_gets_in(org, app, client, submit_form):
    code, key = submitted(client, submit_form)
    attacker = client_at(app, "203.0.113.7")
    statuses = [track(attacker, code, f"AAAAA-AAAA{i}").status_code for i in range(7)]
    assert statuses == [422] * 5 + [429, 429]
    assert track(attacker, code, key).status_code == 429  # a right guess is not confirmed
    # The owner, from their own phone, is never locked out by someone else's guesses.
    owner = client_at(app, "198.51.100.20")
    response = track(owner, code, key)
    assert response.status_code == 303
    assert "Đã tiếp nhận" in owner.get(response.headers["Location"]).text


def test_the_owners_typos_are_forgotten_once_the_key_is_right(org, app, client, submit_form):
    code, key = submitted(client, submit_form)
    owner = client_at(app, "198.51.100.20")
    for _ in range(2):
        for i in range(4):
            assert track(owner, code, f"AAAAA-AAAA{i}").status_code == 422
        assert track(owner, code, key).status_code == 303  # 8 typos in all, never refused


@pytest.mark.skipif("not __import__('shutil').which('redis-server')", reason="no Redis")
def test_the_counters_live_in_the_shared_limiter_storage(org, app, client, submit_form):
    """With Redis configured (as on several nodes), the failures are counted there."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/3"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    from intake import create_app

    prefix = f"test-seccitizen-{uuid.uuid4().hex[:8]}"
    config = {**app.config, "RATELIMIT_STORAGE_URI": url, "RATELIMIT_KEY_PREFIX": prefix}
    code, _ = submitted(client, submit_form)
    node = create_app(config)
    node.test_client_class = type(client)
    store = redis.Redis.from_url(url)
    try:
        with node.app_context():
            attacker = node.test_client()
            statuses = [track(attacker, code, f"AAAAA-AAAA{i}").status_code for i in range(6)]
        assert statuses == [422] * 5 + [429]
        assert any(code in k.decode() for k in store.scan_iter(match=f"*{prefix}*"))
    finally:
        for k in store.scan_iter(match=f"*{prefix}*"):
            store.delete(k)
        store.close()
        with node.app_context():
            db.engine.dispose()  # this second app's own connections


def test_no_access_key_in_the_session_cookie(org, app, client, submit_form):
    assert submit_form().status_code == 303
    serializer = app.session_interface.get_signing_serializer(app)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    receipt = client.get("/receipt").text
    key = re.search(r'id="access-key">([^<]+)<', receipt).group(1)
    session = serializer.loads(cookie)
    assert key not in repr(session) and key.replace("-", "") not in repr(session)
    # The receipt shows the key once: a copied cookie shows it to nobody afterwards.
    copy = app.test_client()
    copy.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    assert key not in copy.get("/receipt").text
    assert key not in client.get("/receipt").text
    assert "Đã hiển thị một lần khi gửi" in client.get("/receipt").text


def test_a_lost_key_is_sent_again_by_the_email_given(org, app, client, submit_form):
    code, old_key = submitted(client, submit_form)
    visitor = client_at(app, "198.51.100.30")
    page = visitor.get("/track").text
    assert 'href="/track/recover"' in page
    response = recover(visitor, code.lower(), "AN.NGUYEN@example.com ")
    assert response.status_code == 303
    assert SENT in visitor.get(response.headers["Location"]).text
    [notice] = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.template == "access_key")
    ).all()
    assert notice.recipient == "an.nguyen@example.com"
    new_key = re.search(r"Mã tra cứu: (\S+)", notice.body_text).group(1)
    assert new_key != old_key
    assert track(client_at(app, "198.51.100.31"), code, old_key).status_code == 422
    assert track(client_at(app, "198.51.100.32"), code, new_key).status_code == 303
    case = db.session.scalar(sa.select(Case))
    [event] = [e for e in case.events if e.kind == "recover_key"]
    assert event.details == {"channel": "email"} and event.actor_label == "citizen"


def test_the_phone_given_works_too(org, app, client, submit_form):
    code, old_key = submitted(client, submit_form)
    assert recover(client_at(app, "198.51.100.30"), code, "+84 912 345 678").status_code == 303
    # The notice is a citizen notice like any other: it goes by the citizen's channels.
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.template == "access_key"))
        == 1
    )
    assert track(client_at(app, "198.51.100.31"), code, old_key).status_code == 422


def test_the_answer_never_says_whether_code_and_contact_matched(org, app, client, submit_form):
    code, key = submitted(client, submit_form)

    def answer(code, contact, address):
        visitor = client_at(app, address)
        response = recover(visitor, code, contact)
        page = visitor.get(response.headers["Location"]).text
        return (
            response.status_code,
            response.headers["Location"],
            re.sub(r'value="[^"]*"', "", page),
        )

    matched = answer(code, "an.nguyen@example.com", "198.51.100.40")
    wrong_contact = answer(code, "someone@example.com", "198.51.100.41")
    no_such_code = answer("PAKN-2026-AAAA-AAAA", "an.nguyen@example.com", "198.51.100.42")
    assert matched == wrong_contact == no_such_code
    # Only the match sent a key; the old key still works after the failed attempt...
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.template == "access_key"))
        == 1
    )
    # ...and the wrong attempt is recorded on the item for the officers.
    kinds = db.session.scalars(
        sa.select(CaseEvent.details).where(CaseEvent.kind == "recover_key").order_by(CaseEvent.seq)
    ).all()
    assert kinds == [{"channel": "email"}, {"channel": None, "matched": False}]


def test_recovery_is_limited_per_item_and_keeps_what_was_typed(org, app, client, submit_form):
    code, _ = submitted(client, submit_form)
    statuses = [
        recover(client_at(app, f"198.51.100.{50 + i}"), code, "x@example.com").status_code
        for i in range(4)
    ]
    assert statuses == [303, 303, 303, 429]
    refused = recover(client_at(app, "198.51.100.60"), code, "an.nguyen@example.com")
    assert refused.status_code == 429
    assert "quá nhiều yêu cầu cấp lại mã" in refused.text
    assert f'value="{code}"' in refused.text
    assert not db.session.scalar(
        sa.select(sa.func.count()).where(OutboxMessage.template == "access_key")
    )
