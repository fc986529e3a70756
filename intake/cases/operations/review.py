"""The intake office's review of a unit's answer: publish it, or return it for rework
(QĐ 31/2021 Art. 46)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from intake.accounts.models import User
from intake.cases import search
from intake.cases.models import (
    Case,
)
from intake.cases.operations.engine import (
    notify_citizen,
    notify_unit,
    published_url,
    require,
    required_text,
    transition,
)
from intake.core import redaction
from intake.core.calendar import WorkingCalendar
from intake.core.errors import InvalidInput
from intake.core.states import (
    Action,
)
from intake.core.text import nfc
from intake.extensions import db


def known_personal_data(case: Case) -> redaction.Known:
    """What the service knows of the submitter, to be looked for in every public text."""
    return redaction.Known(
        full_name=case.full_name,
        address=case.address,
        phone=case.phone,
        email=case.email,
        id_number=case.id_number,
        tax_code=case.tax_code,
    )


def personal_data_left(*texts: str | None, known: redaction.Known | None = None) -> list[str]:
    """The kinds of personal data still found in texts about to be published."""
    return [f.kind for text in texts for f in redaction.find_personal_data(text or "", known)]


def publish_answer(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    published_title: str,
    published_content: str,
    published_answer: str,
) -> None:
    """Approve the answer: send the letter and, where the citizen consented, publish the
    reviewer-confirmed redacted texts. The answer's public text is published either way."""
    require(case, Action.PUBLISH_ANSWER, expected_version)
    published_answer = nfc(published_answer)
    if not nfc(published_title):
        raise InvalidInput("published_title", _l("Vui lòng nhập thông tin này."))
    if not published_answer:
        raise InvalidInput("published_answer", _l("Vui lòng nhập thông tin này."))
    known = known_personal_data(case)
    if personal_data_left(published_title, published_content, published_answer, known=known):
        # Nothing personal is ever published (DOMAIN.md §6): the reviewer masks it first.
        raise InvalidInput(
            "confirm_redaction",
            _l(
                "Nội dung công khai vẫn còn thông tin cá nhân (được đánh dấu). "
                "Vui lòng ẩn trước khi công khai."
            ),
        )
    transition(
        case,
        Action.PUBLISH_ANSWER,
        actor=actor,
        now=now,
        is_public=True,
        unit=case.lead_unit,
    )
    case.answered_at = now
    case.published_title = nfc(published_title)
    case.published_content = nfc(published_content) if case.consent_to_publish else None
    case.published_answer = published_answer
    case.published_at = now
    case.published_search_text = search.public_text(case)
    case.published_search_title = search.public_title(case)
    notify_citizen(case, "answered", now=now)
    # Everyone whose item was marked a duplicate of this one hears of the answer too.
    duplicates = sa.select(Case).where(Case.duplicate_of_id == case.id).order_by(Case.id)
    for duplicate in db.session.scalars(duplicates):
        notify_citizen(duplicate, "duplicate_answered", now=now, original=case,
                       published_url=published_url(case))  # fmt: skip


def return_for_rework(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    reason: str,
    calendar: WorkingCalendar | None = None,
) -> None:
    require(case, Action.RETURN_FOR_REWORK, expected_version)
    reason = required_text(reason, _l("cần nêu nội dung cần hoàn thiện"))
    transition(
        case,
        Action.RETURN_FOR_REWORK,
        actor=actor,
        now=now,
        is_public=False,
        note=reason,
        unit=case.lead_unit,
        calendar=calendar,
    )
    if case.lead_unit:
        notify_unit(case.lead_unit, case, "unit_rework", now=now, reason=reason)
