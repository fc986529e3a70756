"""Several workers against one outbox: each message goes out once, a worker whose claim was
taken back never records it as its own, and a "sent" whose commit fails is recorded anyway.

Time here is a fake clock that a slow relay moves on by ten seconds per message it accepts, so
that "a batch outlasts the claim timeout" happens without waiting for it, and nothing depends
on how fast the machine is. The relay also really sleeps a little, so that two workers' sends
overlap.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from contextlib import contextmanager
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from intake.extensions import db
from intake.notifications import sender
from intake.notifications.models import OutboxMessage, OutboxStatus
from intake.notifications.sender import deliver_due, message_id_header
from tests.notifications.test_sender import T0, queue, statuses

RELAY_SECONDS = 10  # fake seconds per message accepted by the slow relay
CLAIM_TIMEOUT = 150  # fake seconds: fifteen messages through the relay
#: Messages each worker reads per round. The long round outlasts the claim timeout; the short
#: ones start (and run recovery) in the middle of it.
BATCHES = (40, 7)


class FakeClock:
    def __init__(self, start):
        self._now = start
        self._lock = threading.Lock()

    def now(self):
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)


class SlowRelay:
    """Accepts every message, taking RELAY_SECONDS of fake time (and a little real time)."""

    def __init__(self, clock: FakeClock | None = None, pause: float = 0.02):
        self.clock, self.pause = clock, pause
        self.messages: list = []
        self.during_data = None  # an async hook run while the first message is being accepted
        self.reply = "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(self.pause)
        if self.clock is not None:
            self.clock.advance(RELAY_SECONDS)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        hook, self.during_data = self.during_data, None
        if hook is not None:
            await hook()
            return self.reply
        return "250 OK"

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


@contextmanager
def relay(app, handler):
    controller = Controller(handler, hostname="127.0.0.1", port=app.config["MAIL_PORT"])
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


def run_worker(app, clock: FakeClock, limit: int, reports: list, errors: list) -> None:
    """A worker of its own (app context, session, connection), in rounds until nothing is left."""
    try:
        with app.app_context():
            for _ in range(5000):  # a safety net, never reached when the test passes
                reports.append(deliver_due(clock.now(), limit=limit, clock=clock.now))
                unsent = db.session.scalar(
                    sa.select(sa.func.count(OutboxMessage.id)).where(
                        OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])
                    )
                )
                db.session.commit()
                if not unsent:
                    return
            raise AssertionError("the outbox never emptied")
    except BaseException as exc:  # reported by the test, not lost in the thread
        errors.append(exc)


def test_two_workers_against_a_slow_relay_send_each_message_once(app):
    """Through a relay that takes 10 s a message, one worker's rounds of 40 messages last some
    400 s while the claim timeout is 150 s, and the other worker starts a round (and its
    recovery) every few messages. A claim dated from the round's start looks stale to that
    recovery while it is being sent, and the message goes out twice. Dated when it is taken, a
    claim could only look stale if fifteen messages went through the relay while one was sent."""
    app.config["OUTBOX_CLAIM_TIMEOUT_SECONDS"] = CLAIM_TIMEOUT
    ids = queue(120)
    clock = FakeClock(T0)
    reports, errors = tuple([] for _ in BATCHES), []
    with relay(app, SlowRelay(clock)) as handler:
        workers = [
            threading.Thread(target=run_worker, args=(app, clock, batch, mine, errors))
            for batch, mine in zip(BATCHES, reports, strict=True)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
    assert not any(w.is_alive() for w in workers), "a worker hung"
    assert errors == []
    assert sorted(handler.message_ids()) == sorted(set(handler.message_ids()))
    assert len(handler.messages) == len(ids)
    assert set(statuses()) == {OutboxStatus.SENT}
    sent = [sum(r.sent for r in mine) for mine in reports]
    assert sum(sent) == len(ids) and all(sent)  # both took part, or this proves nothing
    assert sum(r.lost for mine in reports for r in mine) == 0


@pytest.mark.parametrize("first_reply", ["250 OK", "451 4.3.0 try again later"])
def test_a_claim_taken_over_while_sending_is_not_recorded_by_the_worker_that_lost_it(
    app, caplog, first_reply
):
    """Worker A is slow with message 1; meanwhile worker B, an hour later by its clock, takes
    the claim back, sends the message and marks it sent. A's copy (accepted or deferred) must
    not overwrite B's record; both copies carry the same Message-ID."""
    [message_id] = queue(1)
    handler = SlowRelay()
    handler.reply = first_reply
    later = T0 + timedelta(hours=1)
    b_reports = []

    async def worker_b_takes_over():
        def b():
            return deliver_due(later)

        report = await asyncio.get_running_loop().run_in_executor(None, _in_app(app, b))
        b_reports.append(report)

    handler.during_data = worker_b_takes_over
    with caplog.at_level(logging.WARNING, logger="intake.notifications"), relay(app, handler):
        a = deliver_due(T0)
    [b] = b_reports
    assert (b.sent, b.lost) == (1, 0)
    assert (a.sent, a.retried, a.failed, a.lost) == (0, 0, 0, 1)
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message_id)
    assert message.status == OutboxStatus.SENT and message.attempts == 1
    assert message.sent_at >= later  # B's record, not A's
    assert handler.message_ids() == [message_id_header(message)] * 2
    assert "claim was taken back" in caplog.text and str(message_id) in caplog.text


def test_a_claim_released_while_sending_is_left_for_the_next_round(app, caplog):
    """Recovery releases A's claim while A is sending, and nobody has taken it yet when A gets
    the relay's answer: A does not mark it sent, and the next round sends the (one) copy more,
    with the same Message-ID."""
    [message_id] = queue(1)
    handler = SlowRelay()

    async def recovery_only():
        def release():
            return deliver_due(T0 + timedelta(hours=1), limit=0)

        await asyncio.get_running_loop().run_in_executor(None, _in_app(app, release))

    handler.during_data = recovery_only
    with caplog.at_level(logging.WARNING, logger="intake.notifications"), relay(app, handler):
        first = deliver_due(T0)
        assert first.lost == 1 and first.sent == 0
        assert statuses() == [OutboxStatus.PENDING]
        again = deliver_due(T0 + timedelta(hours=2))
    assert again.sent == 1
    message = db.session.get(OutboxMessage, message_id)
    assert message.status == OutboxStatus.SENT and message.attempts == 1
    assert handler.message_ids() == [message_id_header(message)] * 2


def _in_app(app, function):
    def run():
        with app.app_context():
            return function()

    return run


@contextmanager
def failing_commits_of_sent(times: int, *, landed: bool = False):
    """The database fails the COMMIT after the UPDATE that marks a message sent, ``times`` times.

    With ``landed``, the commit is in fact made before the error is raised, as when the
    connection drops between the server's commit and its reply."""
    state = {"armed": False, "failures": 0}

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE OUTBOX_MESSAGES") and (
            "sent_at" in statement
        ):
            state["armed"] = True

    def on_commit(conn):
        armed, state["armed"] = state["armed"], False
        if armed and state["failures"] < times:
            state["failures"] += 1
            if landed:
                conn.connection.dbapi_connection.commit()
            raise sa.exc.OperationalError(
                "COMMIT", {}, Exception("server closed the connection unexpectedly")
            )

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before_cursor_execute)
    sa.event.listen(engine, "commit", on_commit)
    try:
        yield state
    finally:
        sa.event.remove(engine, "before_cursor_execute", before_cursor_execute)
        sa.event.remove(engine, "commit", on_commit)


@pytest.mark.parametrize("landed", [False, True], ids=["lost", "landed"])
def test_a_sent_commit_that_fails_once_is_retried_and_the_message_goes_out_once(
    app, caplog, landed
):
    ids = queue(2)
    with (
        relay(app, SlowRelay(pause=0)) as handler,
        caplog.at_level(logging.WARNING, logger="intake.notifications"),
    ):
        with failing_commits_of_sent(times=1, landed=landed) as failures:
            report = deliver_due(T0)
        assert failures["failures"] == 1
        # Long after the claim timeout: nothing is left to send again.
        later = deliver_due(T0 + timedelta(days=1))
    assert (report.sent, report.lost, later.sent) == (2, 0, 0)
    assert set(statuses()) == {OutboxStatus.SENT}
    assert len(handler.messages) == len(ids)
    assert "recording sent failed" in caplog.text
    assert "claim was taken back" not in caplog.text


def test_a_sent_that_cannot_be_recorded_goes_out_once_more_with_the_same_message_id(
    app, monkeypatch
):
    """The database stays down past every retry: the batch stops with the error, and after the
    claim timeout the message is sent again: one extra copy, recognisably the same message."""
    monkeypatch.setattr(sender, "RECORD_RETRY_PAUSES", (0.0, 0.0))
    [message_id] = queue(1)
    with relay(app, SlowRelay(pause=0)) as handler:
        with failing_commits_of_sent(times=3), pytest.raises(sa.exc.OperationalError):
            deliver_due(T0)
        assert statuses() == [OutboxStatus.SENDING]
        assert deliver_due(T0 + timedelta(minutes=1)).sent == 0  # the claim is still fresh
        assert deliver_due(T0 + timedelta(hours=1)).sent == 1
    message = db.session.get(OutboxMessage, message_id)
    assert message.status == OutboxStatus.SENT
    assert handler.message_ids() == [message_id_header(message)] * 2


def test_a_message_retried_by_another_worker_is_not_claimed_again_before_its_time(app):
    """Worker A read its list of due messages; before A reaches message 2, worker B tries it and
    the relay defers it. A must leave it to its backoff instead of trying it at once."""

    class DeferSecond(SlowRelay):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
            if address.startswith("nguoidan1"):
                return "451 4.3.0 try again later"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    ids = queue(2)
    handler = DeferSecond(pause=0)
    b_reports = []

    async def worker_b_tries_the_second():
        report = await asyncio.get_running_loop().run_in_executor(
            None, _in_app(app, lambda: deliver_due(T0))
        )
        b_reports.append(report)

    handler.during_data = worker_b_tries_the_second
    with relay(app, handler):
        a = deliver_due(T0)
    [b] = b_reports
    assert (a.sent, a.retried) == (1, 0) and (b.sent, b.retried) == (0, 1)
    second = db.session.get(OutboxMessage, ids[1])
    assert second.status == OutboxStatus.PENDING and second.attempts == 1
