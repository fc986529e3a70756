"""Delivering the outbox: claim a message, send it, record the outcome.

This is an edge, like a request: it commits, once per message, so that a message that went out
is marked sent before the next one is tried, and a worker killed mid-batch loses nothing.
Temporary failures (server down, 4xx replies) are retried with exponential backoff; permanent
ones (5xx replies, refused recipients) are recorded and left for a person to look at.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

import sqlalchemy as sa
from flask import current_app

from intake.extensions import db, mail
from intake.notifications.models import OutboxMessage, OutboxStatus


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


class TemporaryFailure(Exception):
    def __init__(self, message: str, *, server_unreachable: bool = False):
        super().__init__(message)
        # True when no SMTP conversation was possible: the rest of the batch would fail too.
        self.server_unreachable = server_unreachable


class PermanentFailure(Exception):
    pass


def deliver_due(now: datetime, *, limit: int = 100) -> DeliveryReport:
    """Send up to ``limit`` messages that are due at ``now``."""
    report = DeliveryReport()
    _release_stale_claims(now)
    due_ids = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    connection = None
    try:
        for message_id in due_ids:
            message = _claim(message_id, now)
            if message is None:
                continue  # another worker took it
            try:
                if connection is None:
                    connection = _open_connection()
                connection.send(_to_mail(message))
            except TemporaryFailure as exc:
                _retry_later(
                    message, now, str(exc), report, count_attempt=not exc.server_unreachable
                )
                db.session.commit()
                connection = _close(connection)
                if exc.server_unreachable:
                    break  # the server is unreachable: do not hammer it with the rest
                continue
            except PermanentFailure as exc:
                _fail(message, str(exc), report)
            else:
                message.status = OutboxStatus.SENT
                message.sent_at = now
                message.attempts += 1
                message.last_error = None
                report.sent += 1
            db.session.commit()
    finally:
        _close(connection)
    return report


def _release_stale_claims(now: datetime) -> None:
    """A message claimed by a worker that died is tried again after the claim timeout.

    The message may then go out twice (if the worker died after sending, before recording it);
    its fixed Message-ID lets mail clients recognise the copy."""
    timeout = timedelta(seconds=current_app.config["OUTBOX_CLAIM_TIMEOUT_SECONDS"])
    db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_at < now - timeout,
        )
        .values(status=OutboxStatus.PENDING, claimed_at=None)
    )


def _claim(message_id: int, now: datetime) -> OutboxMessage | None:
    """Take the message with a conditional UPDATE: of two workers, exactly one sees rowcount 1."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, claimed_at=now)
    )
    db.session.commit()
    if result.rowcount != 1:
        return None
    return db.session.get(OutboxMessage, message_id, populate_existing=True)


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


def _open_connection() -> _Connection:
    # Flask-Mail opens smtplib.SMTP without a timeout; a silent server would hang the worker.
    # The default applies to the socket created now, and is restored for the rest of the process.
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(current_app.config["MAIL_TIMEOUT_SECONDS"])
    try:
        return _Connection()
    finally:
        socket.setdefaulttimeout(previous)


def _close(connection: _Connection | None) -> None:
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
    # Stable per outbox row: a copy sent again after a crash is recognisably the same message.
    mail_message["Message-ID"] = (
        f"<outbox-{message.id}-{message.created_at:%Y%m%d%H%M%S}@pakn.intake>"
    )
    mail_message.set_content(message.body_text)
    if message.body_html:
        mail_message.add_alternative(message.body_html, subtype="html")
    return mail_message


def _sender() -> str:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    if isinstance(sender, list | tuple):  # Flask-Mail also accepts (name, address)
        return str(Address(display_name=sender[0], addr_spec=sender[1]))
    return sender


def _retry_later(
    message: OutboxMessage, now: datetime, error: str, report: DeliveryReport, count_attempt: bool
):
    """Try again later. When the server could not be reached at all, the message itself did
    nothing wrong: its attempts are not used up, so an outage of any length loses nothing."""
    if not count_attempt:
        message.last_error = error[:2000]
        message.claimed_at = None
        message.status = OutboxStatus.PENDING
        message.next_attempt_at = now + timedelta(
            seconds=current_app.config["OUTBOX_RETRY_BASE_SECONDS"]
        )
        report.errors.append(error)
        report.retried += 1
        return
    message.attempts += 1
    message.last_error = error[:2000]
    message.claimed_at = None
    report.errors.append(error)
    if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.FAILED
        report.failed += 1
        return
    base = current_app.config["OUTBOX_RETRY_BASE_SECONDS"]
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = now + timedelta(seconds=base * 2 ** (message.attempts - 1))
    report.retried += 1


def _fail(message: OutboxMessage, error: str, report: DeliveryReport) -> None:
    message.attempts += 1
    message.status = OutboxStatus.FAILED
    message.last_error = error[:2000]
    message.claimed_at = None
    report.errors.append(error)
    report.failed += 1
