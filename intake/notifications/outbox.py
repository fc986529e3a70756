"""Queueing e-mail: render the message now, in the recipient's language, and store it in the
outbox within the caller's transaction. Nothing here talks to a mail server."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from intake.extensions import db
from intake.notifications.models import OutboxMessage, OutboxStatus


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
    context = {"base_url": current_app.config["PUBLIC_BASE_URL"].rstrip("/"), **context}
    with force_locale(language):
        subject = render_template(f"email/{template}.subject.txt", **context)
        body_text = render_template(f"email/{template}.txt", **context)
        # HTML versions may show the text body (escaped) instead of rendering it twice.
        body_html = render_template(f"email/{template}.html", body_text=body_text, **context)
    message = OutboxMessage(
        recipient=recipient,
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
        template=template,
        case_id=case_id,
        dedupe_key=dedupe_key,
        status=OutboxStatus.PENDING,
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(message)
    return message
