"""Queueing notices: render the message now, in the recipient's language, and store it in the
outbox within the caller's transaction, as an e-mail, an SMS (its segments counted now) or a
letter for the print queue. Nothing here talks to a mail server or an SMS gateway."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from intake.core import sms
from intake.extensions import db
from intake.notifications.models import OutboxChannel, OutboxMessage, OutboxStatus


def _context(context: dict[str, Any], **extra) -> dict[str, Any]:
    """What every notice's templates see: the site's address, then the caller's values."""
    return {"base_url": current_app.config["PUBLIC_BASE_URL"].rstrip("/"), **context, **extra}


def _queue(now: datetime, **fields) -> OutboxMessage:
    """Add one message, due now, to the outbox (the caller's transaction commits it)."""
    message = OutboxMessage(
        **fields, status=OutboxStatus.PENDING, next_attempt_at=now, created_at=now
    )
    db.session.add(message)
    return message


def queue_email(
    template: str,
    *,
    recipient: str,
    language: str,
    now: datetime,
    context: dict[str, Any],
    case_id: int | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Render ``templates/email/<template>.{subject,txt,html}`` and add it to the outbox."""
    context = _context(context)
    with force_locale(language):
        subject = render_template(f"email/{template}.subject.txt", **context)
        body_text = render_template(f"email/{template}.txt", **context)
        # HTML versions may show the text body (escaped) instead of rendering it twice.
        body_html = render_template(f"email/{template}.html", body_text=body_text, **context)
    return _queue(
        now,
        recipient=recipient,
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
        template=template,
        case_id=case_id,
        dedupe_key=dedupe_key,
    )


def queue_sms(
    template: str,
    *,
    recipient: str,
    language: str,
    now: datetime,
    context: dict[str, Any],
    case_id: int | None = None,
) -> OutboxMessage:
    """Render ``templates/sms/<template>.txt`` on one line and add it to the outbox.

    With ``SMS_UNACCENTED`` the text loses its diacritics, so that it fits the GSM alphabet
    (160 characters a part instead of 70). The number of parts is stored with the message:
    what the gateway will charge is known before anything is sent."""
    context = _context(context)
    with force_locale(language):
        text = " ".join(render_template(f"sms/{template}.txt", **context).split())
    if current_app.config["SMS_UNACCENTED"]:
        text = sms.unaccented(text)
    return _queue(
        now,
        channel=OutboxChannel.SMS,
        recipient=recipient,
        subject=template,
        body_text=text,
        template=template,
        case_id=case_id,
        segments=sms.count(text).segments,
    )


def queue_letter(
    template: str,
    *,
    recipient: str,
    language: str,
    now: datetime,
    context: dict[str, Any],
    case_id: int,
) -> OutboxMessage:
    """The notice as a letter in the intake office's print queue: the e-mail's text (its
    footer knows it is a letter), waiting for a person to post it. The worker never takes it."""
    context = _context(context, letter=True)
    with force_locale(language):
        subject = render_template(f"email/{template}.subject.txt", **context)
        body_text = render_template(f"email/{template}.txt", **context)
    return _queue(
        now,
        channel=OutboxChannel.LETTER,
        recipient=recipient[:255],
        subject=" ".join(subject.split()),
        body_text=body_text,
        template=template,
        case_id=case_id,
    )
