"""What the citizen does to their own item: add information, withdraw, rate, ask for
reconsideration, stop SMS; and the close that ends an answered item."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from intake import clock
from intake.cases import signals
from intake.cases.attachments import Upload, store_attachment
from intake.cases.events import Actor, record_event
from intake.cases.models import (
    AttachmentPurpose,
    Case,
)
from intake.cases.operations.engine import (
    calendar_or_loaded,
    check_version,
    notify_citizen,
    notify_unit,
    require,
    required_text,
    setting,
    touch,
    transition,
)
from intake.cases.operations.submission import case_search_text
from intake.core.calendar import WorkingCalendar
from intake.core.errors import NotAllowed
from intake.core.states import (
    ANSWERED_STATES,
    SATISFIED_SCORES,
    Action,
    EventKind,
    InvalidTransition,
    State,
)
from intake.core.text import nfc
from intake.org.calendar import load_working_calendar


def provide_info(
    case: Case,
    *,
    now: datetime,
    text: str,
    uploads: list[Upload],
    actor: Actor = "citizen",
    expected_version: int | None = None,
    upload_dir: str | None = None,
    max_attachment_bytes: int | None = None,
) -> None:
    """The citizen answers a request for information; the item returns where it was."""
    require(case, Action.PROVIDE_INFO, expected_version)
    upload_dir = upload_dir if upload_dir is not None else setting("UPLOAD_DIR")
    if max_attachment_bytes is None:
        max_attachment_bytes = setting("MAX_ATTACHMENT_BYTES")
    text = nfc(text)
    if not text and not uploads:
        raise NotAllowed(_l("chưa có thông tin hoặc tệp bổ sung"))
    transition(
        case,
        Action.PROVIDE_INFO,
        actor=actor,
        now=now,
        is_public=True,
        note=text or None,
        details={"attachments": len(uploads)},
    )
    for upload in uploads:
        store_attachment(
            case,
            upload,
            upload_dir=upload_dir,
            purpose=AttachmentPurpose.ADDITIONAL_INFO,
            now=now,
            max_bytes=max_attachment_bytes,
        )
    case.search_text = case_search_text(case)
    case.info_overdue_at = None
    if case.lead_unit:
        notify_unit(case.lead_unit, case, "unit_info_provided", now=now)


def withdraw_case(
    case: Case,
    *,
    now: datetime,
    reason: str | None,
    actor: Actor = "citizen",
    expected_version: int | None = None,
) -> None:
    require(case, Action.WITHDRAW, expected_version)
    transition(
        case,
        Action.WITHDRAW,
        actor=actor,
        now=now,
        is_public=True,
        note=nfc(reason) or None,
    )


def rate_answer(
    case: Case,
    *,
    now: datetime,
    score: int,
    comment: str | None,
    actor: Actor = "citizen",
    expected_version: int | None = None,
) -> None:
    """The citizen rates the answer once (1-5); a satisfied rating (4-5) closes the item."""
    check_version(case, expected_version)
    if case.state not in ANSWERED_STATES:
        raise InvalidTransition(case.state, Action.CLOSE)
    if case.rating_score is not None:
        raise NotAllowed(_l("kết quả đã được đánh giá"))
    if not 1 <= score <= 5:
        raise NotAllowed(_l("điểm đánh giá phải từ 1 đến 5"))
    case.rating_score, case.rating_comment, case.rated_at = score, nfc(comment) or None, now
    case.updated_at = now
    signals.answer_rated.send(case, now=now)
    record_event(
        case,
        EventKind.RATE,
        actor=actor,
        now=now,
        details={"score": score},
        note=case.rating_comment,
    )
    if score in SATISFIED_SCORES and case.state is State.ANSWERED:
        close_case(case, now=now, actor=actor)


def reconsideration_open(case: Case, now: datetime | None = None) -> bool:
    """Whether the citizen may still ask: answered and not closed (a satisfied rating closes
    it), under the limit, within the window."""
    if case.state is not State.ANSWERED or case.answered_at is None:
        return False
    if case.reconsideration_count >= setting("MAX_RECONSIDERATIONS"):
        return False
    window = setting("RECONSIDERATION_WINDOW_WORKING_DAYS")
    return (now or clock.now()) <= load_working_calendar().due_at(case.answered_at, window)


def request_reconsideration(
    case: Case,
    *,
    now: datetime,
    reason: str,
    actor: Actor = "citizen",
    expected_version: int | None = None,
    calendar: WorkingCalendar | None = None,
    window_working_days: int | None = None,
    max_reconsiderations: int | None = None,
) -> None:
    """Reopen once, within the window: back to the unit with a new handling clock."""
    require(case, Action.REOPEN, expected_version)
    calendar = calendar_or_loaded(calendar)
    if window_working_days is None:
        window_working_days = setting("RECONSIDERATION_WINDOW_WORKING_DAYS")
    if max_reconsiderations is None:
        max_reconsiderations = setting("MAX_RECONSIDERATIONS")
    reason = required_text(reason, _l("cần nêu điểm chưa thỏa đáng"))
    if case.reconsideration_count >= max_reconsiderations:
        raise NotAllowed(_l("đã sử dụng quyền đề nghị xem xét lại"))
    if case.answered_at is None or now > calendar.due_at(case.answered_at, window_working_days):
        raise NotAllowed(_l("đã hết thời hạn đề nghị xem xét lại"))
    transition(
        case,
        Action.REOPEN,
        actor=actor,
        now=now,
        is_public=True,
        note=reason,
        unit=case.lead_unit,
        calendar=calendar,
    )
    case.reconsideration_count += 1
    case.answered_at = None
    notify_citizen(case, "reopened", now=now)
    if case.lead_unit:
        notify_unit(case.lead_unit, case, "unit_reopened", now=now, reason=reason)


def close_case(case: Case, *, now: datetime, actor: Actor = "system") -> None:
    """Final: after the rating, or when the reconsideration window has ended."""
    transition(case, Action.CLOSE, actor=actor, now=now, is_public=True)


def stop_sms(
    case: Case,
    *,
    now: datetime,
    actor: Actor = "citizen",
    expected_version: int | None = None,
) -> None:
    """The citizen wants no more SMS about this item. Later notices skip SMS; whoever is then
    left with no e-mail either gets them by letter (``intake.cases.notices``)."""
    check_version(case, expected_version)
    if case.mobile_number is None:
        raise NotAllowed(_l("không có số di động nhận SMS"))
    if case.sms_stopped_at is not None:
        raise NotAllowed(_l("đã ngừng nhận SMS"))
    case.sms_stopped_at = now
    touch(case, now=now)
    record_event(case, EventKind.STOP_SMS, actor=actor, now=now, is_public=True)
