"""The outbox under failure: a mail server that is down delays messages, never loses them, and
each message is delivered exactly once when the server is back."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from intake.extensions import db
from intake.notifications.models import OutboxMessage, OutboxStatus
from intake.notifications.outbox import queue_email
from intake.notifications.sender import deliver_due
from tests.conftest import start_smtp

T0 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def queue(n: int, now=T0) -> list[int]:
    ids = []
    for i in range(n):
        message = OutboxMessage(
            recipient=f"nguoidan{i}@example.com",
            subject=f"Thư số {i}",
            body_text=f"Nội dung {i}",
            template="test",
            next_attempt_at=now,
            created_at=now,
        )
        db.session.add(message)
        db.session.flush()
        ids.append(message.id)
    db.session.commit()
    return ids


def statuses() -> list[str]:
    db.session.expire_all()
    return [
        m.status for m in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))
    ]


def test_mail_server_down_then_up(org, app, client, submit_form):
    assert submit_form().status_code == 303  # the submission succeeds with no mail server
    T0 = db.session.scalar(sa.select(OutboxMessage.next_attempt_at))
    queue(2, now=T0)

    down = deliver_due(T0 + timedelta(minutes=1))
    assert down.sent == 0 and down.retried == 1  # stops at the first connection failure
    first = db.session.get(OutboxMessage, 1)
    # An unreachable server is not the message's fault: no attempt is used up.
    assert first.status == OutboxStatus.PENDING and first.attempts == 0
    assert first.next_attempt_at == T0 + timedelta(minutes=2)
    assert "connect" in first.last_error

    # The failed message waits for its backoff; the next one in line is tried meanwhile.
    deliver_due(T0 + timedelta(minutes=1, seconds=30))
    db.session.expire_all()
    assert db.session.get(OutboxMessage, 1).next_attempt_at == T0 + timedelta(minutes=2)
    assert "connect" in (db.session.get(OutboxMessage, 2).last_error or "")

    controller, sink = start_smtp(app.config["MAIL_PORT"])
    try:
        later = T0 + timedelta(hours=1)
        up = deliver_due(later)
        again = deliver_due(later + timedelta(hours=1))
    finally:
        controller.stop()
    total = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    assert up.sent == total and again.sent == 0
    assert set(statuses()) == {OutboxStatus.SENT}
    recipients = [r[0] for r, _ in sink.messages]
    assert len(recipients) == total == 3
    assert len(set(msg["Message-ID"] for _, msg in sink.messages)) == total


class RefusingHandler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("nguoidan0"):
            return "550 5.1.1 mailbox unavailable"
        if address.startswith("nguoidan1"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        return "250 OK"


def test_permanent_and_temporary_refusals(app):
    from aiosmtpd.controller import Controller

    ids = queue(3)
    controller = Controller(RefusingHandler(), hostname="127.0.0.1", port=app.config["MAIL_PORT"])
    controller.start()
    try:
        report = deliver_due(T0)
    finally:
        controller.stop()
    assert (report.sent, report.retried, report.failed) == (1, 1, 1)
    permanent, temporary, sent = (db.session.get(OutboxMessage, i) for i in ids)
    assert permanent.status == OutboxStatus.FAILED and "550" in permanent.last_error
    assert temporary.status == OutboxStatus.PENDING and temporary.attempts == 1
    assert sent.status == OutboxStatus.SENT


class DeferringHandler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        return "451 4.3.0 try again later"


def test_attempts_run_out_into_failed(app):
    """A server that answers but keeps deferring the message: after the configured number of
    attempts it is marked failed, for a person to look at."""
    from aiosmtpd.controller import Controller

    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    [message_id] = queue(1)
    controller = Controller(DeferringHandler(), hostname="127.0.0.1", port=app.config["MAIL_PORT"])
    controller.start()
    try:
        moment = T0
        for _ in range(3):
            deliver_due(moment)
            moment += timedelta(days=1)
    finally:
        controller.stop()
    message = db.session.get(OutboxMessage, message_id)
    assert message.status == OutboxStatus.FAILED and message.attempts == 3
    assert "451" in message.last_error


def test_a_claim_left_by_a_dead_worker_is_retried(app):
    [message_id] = queue(1)
    db.session.execute(sa.update(OutboxMessage).values(status=OutboxStatus.SENDING, claimed_at=T0))
    db.session.commit()
    controller, sink = start_smtp(app.config["MAIL_PORT"])
    try:
        assert deliver_due(T0 + timedelta(minutes=1)).sent == 0  # the claim is still fresh
        assert deliver_due(T0 + timedelta(hours=1)).sent == 1
    finally:
        controller.stop()
    assert len(sink.messages) == 1


def test_queue_email_renders_in_the_recipients_language(org, app):
    with app.test_request_context():
        from intake.cases.models import Case

        case = Case(reference_code="PAKN-2026-AAAA-BBBB", full_name="Jane Doe", title="Delay")
        case.received_at = T0
        context = {"case": case, "access_key": "AAAAA-BBBBB", "triage_by": T0.date()}
        vi = queue_email(
            "receipt", recipient="a@example.com", language="vi", now=T0, context=context
        )
        en = queue_email(
            "receipt", recipient="a@example.com", language="en", now=T0, context=context
        )
    assert vi.subject.startswith("Đã tiếp nhận") and "Kính gửi Jane Doe" in vi.body_text
    assert en.subject.startswith("Feedback or petition") and "Jane Doe" in en.body_text
    assert "AAAAA-BBBBB" in en.body_html


def test_a_long_outage_loses_nothing(app):
    """Three hours without a mail server, one worker round a minute: every message is still
    waiting when the server comes back, and goes out once."""
    ids = queue(5)
    moment = T0
    for _ in range(180):
        deliver_due(moment)
        moment += timedelta(minutes=1)
    db.session.expire_all()
    assert set(statuses()) == {OutboxStatus.PENDING}
    controller, sink = start_smtp(app.config["MAIL_PORT"])
    try:
        deliver_due(moment + timedelta(hours=1))
        deliver_due(moment + timedelta(hours=2))
    finally:
        controller.stop()
    assert len(sink.messages) == len(ids) and set(statuses()) == {OutboxStatus.SENT}


def test_long_vietnamese_subjects_keep_their_spaces(app, smtp):
    subject = "[PAKN] Nhắc việc: 12 hồ sơ đã dùng một nửa thời hạn của bước xử lý tại đơn vị"
    db.session.add(
        OutboxMessage(recipient="don.vi@example.com", subject=subject, body_text="Nội dung",
                      body_html="<p>Nội dung</p>", template="test", next_attempt_at=T0,
                      created_at=T0)
    )  # fmt: skip
    db.session.commit()
    assert deliver_due(T0).sent == 1
    [(_, message)] = smtp.messages
    assert message["subject"] == subject
    assert message.get_body(preferencelist=("plain",)).get_content().strip() == "Nội dung"
    assert "Tiếp nhận PAKN" in str(message["from"])
