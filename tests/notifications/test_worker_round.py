"""The worker's round: whatever the deadline tick does, the mail of that round goes out, and the
worker goes on to the next round."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intake import cli
from intake.extensions import db
from intake.notifications.models import OutboxMessage, OutboxStatus
from tests.conftest import TEST_DATABASE_URL
from tests.notifications.test_sender import T0, queue, statuses


@pytest.fixture
def moment(app):
    """The worker's clock, set by the test: ``moment[0]`` is now."""
    moment = [T0 + timedelta(minutes=1)]
    app.config["CLOCK"] = lambda: moment[0]
    return moment


@pytest.fixture
def ticks(monkeypatch):
    """Replace the deadline tick; the test sets what it does. Records when it ran."""
    calls = []

    def install(behaviour):
        def run_tick(now):
            calls.append(now)
            return behaviour(now)

        monkeypatch.setattr("intake.worker.run_tick", run_tick)

    install.calls = calls
    return install


def test_a_tick_that_raises_does_not_stop_the_mail(app, smtp, moment, ticks, caplog):
    def broken_tick(now):
        raise RuntimeError("a reminder template is broken")

    ticks(broken_tick)
    queue(2)
    state: dict = {}
    with caplog.at_level(logging.ERROR):
        cli._worker_round(state)  # returns: the worker goes on
    assert len(smtp.messages) == 2 and set(statuses()) == {OutboxStatus.SENT}
    assert "tick failed" in caplog.text and "a reminder template is broken" in caplog.text

    # The next rounds deliver too; the tick is tried again at its interval, not every round.
    queue(1, now=moment[0])
    moment[0] += timedelta(seconds=5)
    cli._worker_round(state)
    assert len(smtp.messages) == 3 and len(ticks.calls) == 1
    moment[0] += timedelta(seconds=app.config["TICK_INTERVAL_SECONDS"])
    queue(1, now=moment[0])
    cli._worker_round(state)
    assert len(smtp.messages) == 4 and len(ticks.calls) == 2


def test_a_tick_that_fails_in_the_database_is_rolled_back_and_the_mail_goes_out(
    app, smtp, moment, ticks
):
    """The tick queues a notice, then a statement fails (on PostgreSQL the whole transaction is
    then aborted): its notice is rolled back, and the mail already queued goes out."""

    def tick_with_a_bad_statement(now):
        db.session.add(
            OutboxMessage(recipient="tick@example.com", subject="Nhắc việc", body_text="…",
                          template="reminder", next_attempt_at=now, created_at=now)
        )  # fmt: skip
        db.session.flush()
        db.session.execute(sa.text("SELECT no_such_column FROM outbox_messages"))

    ticks(tick_with_a_bad_statement)
    queue(2)
    cli._worker_round({})
    assert [r for r, _ in smtp.messages] == [["nguoidan0@example.com"], ["nguoidan1@example.com"]]
    assert db.session.scalar(
        sa.select(OutboxMessage.id).where(OutboxMessage.recipient == "tick@example.com")
    ) is None  # fmt: skip
    assert set(statuses()) == {OutboxStatus.SENT}


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL to drop a live connection")
def test_a_tick_whose_database_connection_was_dropped_does_not_stop_the_mail(
    app, smtp, moment, ticks, caplog
):
    """The database drops the tick's connection (a restart) and the tick then fails: even the
    rollback fails on that connection, and the round still delivers on a fresh one."""

    def tick_cut_off(now):
        pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
        admin = sa.create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()
        raise RuntimeError("the tick gave up")

    ticks(tick_cut_off)
    queue(2)
    with caplog.at_level(logging.WARNING):
        cli._worker_round({})
    assert len(smtp.messages) == 2 and set(statuses()) == {OutboxStatus.SENT}
    assert "tick failed" in caplog.text


def test_a_delivery_that_raises_ends_only_its_round(app, smtp, moment, ticks, monkeypatch):
    ticks(lambda now: cli_tick_report())
    queue(1)
    real_deliver_due = cli.deliver_due

    def deliver_once_broken(now, **kwargs):
        monkeypatch.setattr(cli, "deliver_due", real_deliver_due)
        raise ValueError("a message the sender cannot build")

    monkeypatch.setattr(cli, "deliver_due", deliver_once_broken)
    state: dict = {}
    cli._worker_round(state)
    assert smtp.messages == []
    moment[0] += timedelta(seconds=5)
    cli._worker_round(state)
    assert len(smtp.messages) == 1


def cli_tick_report():
    from intake.cases.tick import TickReport

    return TickReport()
