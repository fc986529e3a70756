"""Delivering the outbox: claim a message, send it, record the outcome.

This is an edge, like a request: it commits, once per message, so that a message that went out
is marked sent before the next one is tried, and a worker killed mid-batch loses nothing.
Temporary failures (server down, 4xx replies) are retried with exponential backoff; permanent
ones (5xx replies, refused recipients) are recorded and left for a person to look at.

Several workers may run at once. A claim is a conditional UPDATE stamped with the time the
message is taken and a fresh token; the outcome is written only where the row still carries
that claim, so the worker whose claim was taken back by stale-claim recovery never marks the
message as its own. What remains is the worker killed between the relay's "250" and the commit
of "sent": that message goes out once more after the claim timeout, with the same Message-ID.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Any, Literal

import sqlalchemy as sa
from flask import current_app

from intake.extensions import db, mail
from intake.notifications import sms
from intake.notifications.models import (
    DELIVERED_CHANNELS,
    OutboxChannel,
    OutboxMessage,
    OutboxStatus,
)
from intake.notifications.transport import PermanentFailure, TemporaryFailure

__all__ = ["DeliveryReport", "PermanentFailure", "TemporaryFailure", "deliver_due"]

log = logging.getLogger("intake.notifications")

#: Pauses before trying again to record an outcome whose commit failed (a database restarting,
#: a dropped connection): about 8 s in all, far inside the claim timeout, after which a message
#: whose "sent" could not be recorded would be sent again.
RECORD_RETRY_PAUSES: tuple[float, ...] = (0.1, 0.5, 2.0, 5.0)

Outcome = Literal["sent", "retried", "failed"]


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    # Claims taken back by stale-claim recovery while this worker was sending: the outcome of
    # this worker's attempt was not recorded (whoever holds the claim now records its own).
    lost: int = 0
    errors: list[str] = field(default_factory=list)
    sent_by_channel: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Claim:
    message_id: int
    token: str
    claimed_at: datetime


def deliver_due(
    now: datetime, *, limit: int = 100, clock: Callable[[], datetime] | None = None
) -> DeliveryReport:
    """Send up to ``limit`` messages that are due at ``now``.

    ``clock`` gives the time of each claim and of each "sent" as the batch goes on (a batch
    against a slow relay can outlast the claim timeout). By default it is ``now`` advanced by
    the time the batch has been running: the real time for the worker, which passes the
    current time, and still the test's time for a test that passes a fixed one."""
    clock = clock or _running_from(now)
    report = DeliveryReport()
    _release_stale_claims(now)
    due = db.session.execute(
        sa.select(OutboxMessage.id, OutboxMessage.channel)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.channel.in_(DELIVERED_CHANNELS),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    transports: dict[OutboxChannel, Any] = {}
    unreachable: set[OutboxChannel] = set()
    try:
        for message_id, channel in due:
            if channel in unreachable:
                continue  # its server is unreachable: do not hammer it with the rest
            claim = _claim(message_id, now, clock())
            if claim is None:
                continue  # another worker took it
            message = db.session.get(OutboxMessage, message_id, populate_existing=True)
            # Read before sending: a failed commit below expires the loaded row.
            payload, label = _payload(message)
            attempts = message.attempts
            try:
                if transports.get(channel) is None:
                    transports[channel] = _open_transport(channel)
                transports[channel].send(payload)
            except TemporaryFailure as exc:
                values, outcome = _retry_later(
                    attempts, now, str(exc), count_attempt=not exc.server_unreachable
                )
                report.errors.append(str(exc))
                _record(claim, values, outcome, report, label)
                transports[channel] = _close(transports.get(channel))
                if exc.server_unreachable:
                    unreachable.add(channel)
            except PermanentFailure as exc:
                report.errors.append(str(exc))
                _record(claim, _fail(attempts, str(exc)), "failed", report, label)
            else:
                if _record(claim, _sent(clock()), "sent", report, label):
                    report.sent_by_channel[channel.value] = (
                        report.sent_by_channel.get(channel.value, 0) + 1
                    )
    finally:
        for transport in transports.values():
            _close(transport)
    return report


def _payload(message: OutboxMessage) -> tuple[Any, str]:
    """What the channel's transport sends, and how the logs name it (Message-ID, request id)."""
    if message.channel is OutboxChannel.SMS:
        text = sms.to_sms(message)
        return text, text.request_id
    email = _to_mail(message)
    return email, email["Message-ID"]


def _open_transport(channel: OutboxChannel):
    if channel is OutboxChannel.SMS:
        return sms.open_gateway(current_app.config)
    return _open_connection()


def _running_from(start: datetime) -> Callable[[], datetime]:
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def _release_stale_claims(now: datetime) -> None:
    """A message claimed by a worker that died is tried again after the claim timeout.

    The message may then go out twice (if the worker died after sending, before recording it);
    its fixed Message-ID lets mail clients recognise the copy. A live worker keeps its claims
    as long as it sends one message within the claim timeout: each claim is stamped when its
    message is taken, and every wait on the relay is bounded by MAIL_TIMEOUT_SECONDS."""
    timeout = timedelta(seconds=current_app.config["OUTBOX_CLAIM_TIMEOUT_SECONDS"])
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_at < now - timeout,
        )
        .values(status=OutboxStatus.PENDING, claimed_at=None, claim_token=None)
    )
    if result.rowcount:
        log.warning(
            "outbox: took back %d claim(s) older than %s (a worker died, or a send outlasted "
            "the claim timeout)",
            result.rowcount,
            timeout,
        )


def _claim(message_id: int, now: datetime, taken_at: datetime) -> _Claim | None:
    """Take the message with a conditional UPDATE: of two workers, exactly one sees rowcount 1.

    Stamped with ``taken_at``, the moment it is taken, not the batch's start: a claim dated
    from the start would look stale to another worker's recovery while it is being sent. Still
    due at ``now``: another worker may have tried it since the batch read its list."""
    token = uuid.uuid4().hex
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(status=OutboxStatus.SENDING, claimed_at=taken_at, claim_token=token)
    )
    db.session.commit()
    if result.rowcount != 1:
        return None
    return _Claim(message_id, token, taken_at)


def _record(
    claim: _Claim,
    values: dict[str, Any],
    outcome: Outcome,
    report: DeliveryReport,
    label: str,
) -> bool:
    """Write the outcome of this worker's attempt, if the claim is still this worker's."""
    held, status_now = _write_outcome(claim, values)
    if held:
        setattr(report, outcome, getattr(report, outcome) + 1)
        return True
    report.lost += 1
    log.warning(
        "outbox message %s %s: its claim was taken back while this worker was sending (now "
        "%s); outcome %r not recorded here%s",
        claim.message_id,
        label,
        status_now,
        outcome,
        "; the relay accepted this copy, and another with the same id may go out"
        if outcome == "sent"
        else "",
    )
    return False


def _write_outcome(claim: _Claim, values: dict[str, Any]) -> tuple[bool, OutboxStatus | None]:
    """The conditional UPDATE of the outcome, committed, with retries when the commit fails.

    A "sent" that cannot be committed would be sent again after the claim timeout, so a commit
    that failed for a passing reason is tried again, after a rollback and a short pause, on a
    fresh connection. When a commit reported as failed had in fact landed, the retry finds the
    row already carrying this claim's token and the outcome's status, and takes it as written.
    Returns whether the outcome is recorded, and the status the row has now."""
    claimed = sa.and_(
        OutboxMessage.id == claim.message_id,
        OutboxMessage.status == OutboxStatus.SENDING,
        OutboxMessage.claim_token == claim.token,
        OutboxMessage.claimed_at == claim.claimed_at,
    )
    statement = sa.update(OutboxMessage).where(claimed).values(**values)
    for pause in (*RECORD_RETRY_PAUSES, None):
        try:
            written = db.session.execute(statement).rowcount == 1
            db.session.commit()
            if written:
                return True, values["status"]
            status_now, token_now = db.session.execute(
                sa.select(OutboxMessage.status, OutboxMessage.claim_token).where(
                    OutboxMessage.id == claim.message_id
                )
            ).one()
            db.session.commit()
            return (token_now == claim.token and status_now == values["status"]), status_now
        except sa.exc.DBAPIError as exc:
            # Usually the rollback only resets the session after the failed statement; on a
            # connection that died unnoticed it raises, and the pool has discarded it by then.
            with contextlib.suppress(sa.exc.DBAPIError):
                db.session.rollback()
            if pause is None or not _is_transient(exc):
                log.error(
                    "outbox message %s: outcome %s could not be recorded; it will be tried "
                    "again after the claim timeout (%s)",
                    claim.message_id,
                    values["status"],
                    exc,
                )
                raise
            log.warning(
                "outbox message %s: recording %s failed, trying again in %ss (%s)",
                claim.message_id,
                values["status"],
                pause,
                exc,
            )
            time.sleep(pause)
    raise AssertionError("unreachable")  # the last pass returns or raises


def _is_transient(exc: sa.exc.DBAPIError) -> bool:
    """A lost connection, a database restarting or locked, a serialization failure: worth
    another try. A constraint violation or a bad statement would fail the same way again."""
    return exc.connection_invalidated or isinstance(
        exc, sa.exc.OperationalError | sa.exc.InterfaceError
    )


class _Connection:
    """Flask-Mail's connection, with SMTP errors sorted into temporary and permanent."""

    def __init__(self):
        try:
            self._context = mail.connect()
            self._smtp = self._context.__enter__()
        except OSError as exc:
            raise TemporaryFailure(
                f"cannot connect to the mail server: {exc}", server_unreachable=True
            ) from exc

    def send(self, message: EmailMessage) -> None:
        try:
            self._smtp.host.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if all(code >= 500 for code in codes):
                raise PermanentFailure(f"recipient refused: {exc.recipients}") from exc
            raise TemporaryFailure(f"recipient deferred: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500:
                raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
            raise TemporaryFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        except OSError as exc:  # includes SMTPServerDisconnected and socket time-outs
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}", server_unreachable=True) from exc

    def close(self) -> None:
        # The message is already recorded; a failed QUIT changes nothing.
        with contextlib.suppress(OSError):  # smtplib.SMTPException is an OSError
            self._context.__exit__(None, None, None)


#: The socket default is process-wide: two threads opening connections at once would otherwise
#: each restore the value the other one set.
_SOCKET_DEFAULT_LOCK = threading.Lock()


def _open_connection() -> _Connection:
    # Flask-Mail opens smtplib.SMTP without a timeout; a silent server would hang the worker.
    # The default applies to the socket created now, and is restored for the rest of the process.
    with _SOCKET_DEFAULT_LOCK:
        previous = socket.getdefaulttimeout()
        socket.setdefaulttimeout(current_app.config["MAIL_TIMEOUT_SECONDS"])
        try:
            return _Connection()
        finally:
            socket.setdefaulttimeout(previous)


def _close(connection) -> None:
    if connection is not None:
        connection.close()
    return None


def _to_mail(message: OutboxMessage) -> EmailMessage:
    """The message as the standard library's EmailMessage with the SMTP policy.

    Flask-Mail's own builder folds long non-ASCII subjects into encoded words that lose the
    spaces at the folds ("đã dùngmột nửa"); the modern policy encodes Vietnamese correctly.
    Flask-Mail still manages the connection, TLS and login."""
    mail_message = EmailMessage(policy=SMTP)
    mail_message["Subject"] = message.subject
    mail_message["From"] = _sender()
    mail_message["To"] = message.recipient
    mail_message["Date"] = format_datetime(message.created_at)
    mail_message["Message-ID"] = message_id_header(message)
    mail_message.set_content(message.body_text)
    if message.body_html:
        mail_message.add_alternative(message.body_html, subtype="html")
    return mail_message


def message_id_header(message: OutboxMessage) -> str:
    """The Message-ID of an outbox message, the same on every attempt.

    Derived from the row's id and creation time, both fixed when it is queued, rather than
    made up per attempt: a copy sent again after a worker died mid-send carries the same
    Message-ID, which mail clients and the relay's log recognise as one message."""
    return f"<outbox-{message.id}-{message.created_at:%Y%m%d%H%M%S}@pakn.intake>"


def _sender() -> str:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    if isinstance(sender, list | tuple):  # Flask-Mail also accepts (name, address)
        return str(Address(display_name=sender[0], addr_spec=sender[1]))
    return sender


def _sent(at: datetime) -> dict[str, Any]:
    return {
        "status": OutboxStatus.SENT,
        "sent_at": at,
        "attempts": OutboxMessage.attempts + 1,
        "last_error": None,
    }


def _retry_later(
    attempts: int, now: datetime, error: str, *, count_attempt: bool
) -> tuple[dict[str, Any], Outcome]:
    """Try again later. When the server could not be reached at all, the message itself did
    nothing wrong: its attempts are not used up, so an outage of any length loses nothing."""
    base = current_app.config["OUTBOX_RETRY_BASE_SECONDS"]
    values: dict[str, Any] = {"last_error": error[:2000], "claimed_at": None}
    if not count_attempt:
        values |= {"status": OutboxStatus.PENDING, "next_attempt_at": now + timedelta(seconds=base)}
        return values, "retried"
    attempts += 1
    values["attempts"] = attempts
    if attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        return values | {"status": OutboxStatus.FAILED}, "failed"
    values |= {
        "status": OutboxStatus.PENDING,
        "next_attempt_at": now + timedelta(seconds=base * 2 ** (attempts - 1)),
    }
    return values, "retried"


def _fail(attempts: int, error: str) -> dict[str, Any]:
    return {
        "status": OutboxStatus.FAILED,
        "attempts": attempts + 1,
        "last_error": error[:2000],
        "claimed_at": None,
    }
