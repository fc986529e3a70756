"""The citizen's notices (DOMAIN.md §5), fanned out to every channel the citizen gave: an
e-mail to the e-mail address, an SMS to a mobile number (unless they stopped SMS), and, for
whoever is left with neither, a letter in the intake office's print queue. Nobody is left
without a notice: every item has an address (Art. 7), so a letter is always possible."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app

from intake.cases.models import Case, SubmitterType
from intake.notifications.models import OutboxChannel
from intake.notifications.outbox import queue_email, queue_letter, queue_sms


def channels_for(case: Case) -> list[OutboxChannel]:
    """The channels a notice about ``case`` goes by now, in the order they are queued."""
    channels = []
    if case.email:
        channels.append(OutboxChannel.EMAIL)
    if case.receives_sms and current_app.config["SMS_ENABLED"]:
        channels.append(OutboxChannel.SMS)
    return channels or [OutboxChannel.LETTER]


def letter_recipient(case: Case) -> str:
    """The name on the envelope: the organisation and the person acting for it, or the person."""
    if case.submitter_type is SubmitterType.ORGANISATION and case.organisation_name:
        return f"{case.organisation_name} ({case.full_name})"
    return case.full_name


def notify_citizen(case: Case, template: str, *, now: datetime, **context: Any) -> None:
    """Queue the notice ``template`` (``email/<template>.*`` and ``sms/<template>.txt``)."""
    base_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    context = {
        "case": case,
        "track_url": f"{base_url}/track?code={case.reference_code}",
        **context,
    }
    common = {"language": case.language, "now": now, "case_id": case.id, "context": context}
    for channel in channels_for(case):
        if channel is OutboxChannel.EMAIL:
            queue_email(template, recipient=case.email, **common)
        elif channel is OutboxChannel.SMS:
            queue_sms(template, recipient=case.mobile_number, **common)
        else:
            queue_letter(template, recipient=letter_recipient(case), **common)
