"""SMS through the outbox to a real HTTP gateway on loopback: delivered once each, whatever the
gateway does (down, slow, failing and then recovering), with the request id that makes a retry
after a time-out harmless on the gateway's side."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from intake.extensions import db
from intake.notifications.models import OutboxChannel, OutboxMessage, OutboxStatus
from intake.notifications.outbox import queue_sms
from intake.notifications.sender import deliver_due
from intake.notifications.sms import sms_request_id
from tests.cases.factories import submit
from tests.notifications.sms_gateway import start_gateway


@pytest.fixture
def gateway(app):
    server, gateway = start_gateway()
    app.config.update(SMS_ENABLED=True, SMS_HTTP_URL=gateway.url, SMS_TIMEOUT_SECONDS=1)
    yield gateway
    server.shutdown()
    server.server_close()


def sms_rows() -> list[OutboxMessage]:
    return db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.channel == OutboxChannel.SMS)
        .order_by(OutboxMessage.id)
    ).all()


def queue(n: int, now) -> None:
    for i in range(n):
        queue_sms(
            "answered",
            recipient=f"8491234{i:04d}",
            language="vi",
            now=now,
            context={"case": type("C", (), {"reference_code": f"PAKN-2026-TEST-{i:04d}"})(),
                     "track_url": "http://pakn.test/track"},
        )  # fmt: skip
    db.session.commit()


def deliver_until_done(start, rounds: int = 40):
    """Rounds of the worker, a minute apart (the clock of the test, not the wall's)."""
    t, totals = start, {"sent": 0, "retried": 0, "failed": 0}
    for _ in range(rounds):
        report = deliver_due(t)
        for key in totals:
            totals[key] += getattr(report, key)
        if not db.session.scalar(
            sa.select(sa.func.count()).where(OutboxMessage.status != OutboxStatus.SENT)
        ):
            break
        t += timedelta(minutes=10)
    return totals


def assert_each_delivered_once(gateway) -> None:
    rows = sms_rows()
    assert all(row.status is OutboxStatus.SENT for row in rows)
    # Every message reached the gateway under its own request id, and nothing else did.
    assert set(gateway.delivered) == {sms_request_id(row) for row in rows}
    assert len(gateway.delivered) == len(rows)


def test_the_payload_is_the_brand_name_json_with_the_request_id(app, gateway, now):
    app.config.update(
        SMS_BRANDNAME="UBND TINH",
        SMS_HTTP_PAYLOAD_TEMPLATE={
            "Brandname": "$brandname", "Phone": "$phone", "Content": "$message",
            "RequestId": "$request_id", "SmsType": "2",
        },
    )  # fmt: skip
    queue(1, now)
    assert deliver_due(now).sent == 1
    body = gateway.posts[0]
    assert set(body) == {"Brandname", "Phone", "Content", "RequestId", "SmsType"}
    row = sms_rows()[0]
    assert body["Brandname"] == "UBND TINH" and body["Phone"] == row.recipient
    assert body["RequestId"] == sms_request_id(row) and body["SmsType"] == "2"
    assert "PAKN-2026-TEST-0000" in body["Content"]


def test_gateway_down_for_a_while_then_up_nothing_lost_each_sent_once(app, gateway, now):
    """The measure in the report: queued, retried while down, sent when up, no duplicates."""
    queue(20, now)
    real_url = gateway.url
    app.config["SMS_HTTP_URL"] = f"http://127.0.0.1:{_closed_port()}/sms"  # connection refused
    retried = 0
    t = now
    for _ in range(6):  # an hour of rounds against a dead gateway
        report = deliver_due(t)
        assert report.sent == 0
        retried += report.retried
        t += timedelta(minutes=10)
    rows = sms_rows()
    assert all(r.status is OutboxStatus.PENDING for r in rows)
    assert all(r.attempts == 0 for r in rows)  # an unreachable gateway uses up no attempt
    app.config["SMS_HTTP_URL"] = real_url
    totals = deliver_until_done(t)
    assert totals["sent"] == 20 and totals["failed"] == 0
    assert_each_delivered_once(gateway)
    print(
        f"\nSMS gateway down 60 min: queued 20, retry outcomes while down {retried}, "
        f"sent {totals['sent']}, posts {len(gateway.posts)}, "
        f"duplicates {len(gateway.posts) - len(set(p['request_id'] for p in gateway.posts))}"
    )


def test_a_slow_gateway_times_out_and_the_retry_is_recognised_by_its_request_id(app, gateway, now):
    queue(2, now)
    gateway.mode, gateway.delay = "slow", 2.5  # over SMS_TIMEOUT_SECONDS (1)
    report = deliver_due(now)
    assert report.sent == 0 and report.retried == 1  # the batch stops at the first time-out
    assert len(gateway.delivered) == 1  # the gateway took it, the answer came too late
    gateway.mode = "ok"
    totals = deliver_until_done(now + timedelta(minutes=5))
    assert totals["sent"] == 2
    assert_each_delivered_once(gateway)
    # The first message was posted twice under the same id, and delivered once.
    first = sms_request_id(sms_rows()[0])
    assert [p["request_id"] for p in gateway.posts].count(first) == 2


def test_server_errors_are_retried_with_backoff_until_the_gateway_recovers(app, gateway, now):
    queue(3, now)
    gateway.mode, gateway.status = "status", 500
    first = deliver_due(now)
    assert first.sent == 0 and first.retried == 3  # a 500 counts an attempt, per message
    rows = sms_rows()
    assert {r.attempts for r in rows} == {1}
    assert all(r.next_attempt_at > now for r in rows)  # backoff: not again at once
    assert deliver_due(now + timedelta(seconds=30)).retried == 0  # not due yet
    second = deliver_due(now + timedelta(minutes=2))
    assert second.retried == 3 and {r.attempts for r in sms_rows()} == {2}
    gateway.mode = "ok"
    totals = deliver_until_done(now + timedelta(minutes=5))
    assert totals["sent"] == 3
    assert_each_delivered_once(gateway)


def test_an_overloaded_gateway_uses_up_no_attempt(app, gateway, now):
    queue(2, now)
    gateway.mode, gateway.status = "status", 503
    report = deliver_due(now)
    assert report.retried == 1  # stops at the first: the gateway said it is unavailable
    assert {r.attempts for r in sms_rows()} == {0}


def test_a_refusal_is_permanent_and_left_for_a_person(app, gateway, now):
    queue(1, now)
    gateway.mode, gateway.status = "status", 400
    assert deliver_due(now).failed == 1
    assert sms_rows()[0].status is OutboxStatus.FAILED


def test_a_gateway_result_code_decides_when_configured(app, gateway, now):
    queue(1, now)
    app.config.update(SMS_HTTP_SUCCESS_KEY="code", SMS_HTTP_SUCCESS_VALUES=["100"])
    assert deliver_due(now).sent == 1
    queue(1, now)
    app.config.update(SMS_HTTP_SUCCESS_VALUES=["00"])
    assert deliver_due(now).failed == 1


def test_email_and_sms_are_delivered_independently(org, app, gateway, now):
    """A mail server that is down does not hold up SMS (and the reverse)."""
    case = submit(now)  # phone and e-mail: a receipt by each
    db.session.commit()
    report = deliver_due(now)  # no SMTP server listens in this test
    assert report.sent_by_channel == {"sms": 1}
    email = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.channel == OutboxChannel.EMAIL)
    )
    assert email.status is OutboxStatus.PENDING and email.case_id == case.id
    text = gateway.posts[0]["message"]
    assert text.startswith(f"Đã tiếp nhận {case.reference_code}. Mã tra cứu: ")
    assert f"http://pakn.test/track?code={case.reference_code}" in text


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
