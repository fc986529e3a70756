"""The lead unit's verbs: accept or return the item, assign a handler, keep it for study or
resume it, draft and submit the answer; internal notes."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from intake.accounts.models import Role, User
from intake.cases.attachments import Upload, store_attachment
from intake.cases.events import record_event
from intake.cases.models import (
    AttachmentPurpose,
    Case,
    ContentClass,
    CooperationStatus,
)
from intake.cases.operations.engine import (
    check_version,
    require,
    required_text,
    setting,
    touch,
    transition,
)
from intake.core.calendar import WorkingCalendar
from intake.core.errors import NotAllowed
from intake.core.reasons import ReturnReason
from intake.core.states import (
    Action,
    EventKind,
    InvalidTransition,
    State,
)
from intake.core.text import nfc
from intake.notifications.outbox import queue_email


def accept_case(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None = None,
    calendar: WorkingCalendar | None = None,
) -> None:
    require(case, Action.ACCEPT, expected_version)
    transition(
        case,
        Action.ACCEPT,
        actor=actor,
        now=now,
        is_public=True,
        unit=case.lead_unit,
        calendar=calendar,
    )
    if case.handler_id is None and actor.role is Role.HANDLER:
        case.handler_id = actor.id


def return_to_intake(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    reason: ReturnReason,
    note: str,
) -> None:
    """Send back (e.g. không đúng thẩm quyền); a third bounce flags the item for intake."""
    require(case, Action.RETURN_TO_INTAKE, expected_version)
    note = required_text(note, _l("cần giải thích lý do trả lại"))
    unit = case.lead_unit
    transition(
        case,
        Action.RETURN_TO_INTAKE,
        actor=actor,
        now=now,
        is_public=False,
        reason_code=str(reason),
        note=note,
        unit=unit,
    )
    case.bounce_count += 1
    case.lead_unit = None
    case.handler_id = None


def assign_handler(
    case: Case, *, actor: User, now: datetime, expected_version: int | None, handler: User
) -> None:
    check_version(case, expected_version)
    if handler.unit_id != case.lead_unit_id or handler.role not in (Role.HANDLER, Role.UNIT_LEAD):
        raise NotAllowed(_l("cán bộ xử lý phải thuộc đơn vị chủ trì"))
    touch(case, now=now)
    case.handler_id = handler.id
    record_event(
        case,
        EventKind.ASSIGN_HANDLER,
        actor=actor,
        now=now,
        details={"handler_id": handler.id, "handler": handler.full_name},
    )
    if handler.id != actor.id and handler.email:  # told in their queue ("new") and by e-mail
        queue_email(
            "handler_assigned",
            recipient=handler.email,
            language="vi",
            now=now,
            case_id=case.id,
            context={"case": case, "handler": handler, "actor": actor},
        )


def add_note(
    case: Case, *, actor: User, now: datetime, text: str, expected_version: int | None = None
) -> None:
    """An internal note: never shown to the citizen, never published. Notes never conflict
    with another officer's change, so the version is not checked (the argument keeps the
    verbs' common signature)."""
    text = required_text(text, _l("ghi chú trống"))
    record_event(case, EventKind.NOTE, actor=actor, now=now, note=text, unit=actor.unit)


def defer_case(
    case: Case, *, actor: User, now: datetime, expected_version: int | None, reason: str
) -> None:
    """Keep a regulation-content item for further study (Art. 14.2b); its clocks stop."""
    require(case, Action.DEFER, expected_version)
    reason = required_text(reason, _l("cần nêu lý do"))
    if case.content_class is not ContentClass.REGULATION:
        raise NotAllowed(_l("chỉ nội dung về quy định hành chính mới được tiếp tục nghiên cứu"))
    transition(
        case,
        Action.DEFER,
        actor=actor,
        now=now,
        is_public=True,
        note=reason,
        unit=case.lead_unit,
    )


def resume_case(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None = None,
    calendar: WorkingCalendar | None = None,
) -> None:
    require(case, Action.RESUME, expected_version)
    transition(
        case,
        Action.RESUME,
        actor=actor,
        now=now,
        is_public=True,
        unit=case.lead_unit,
        calendar=calendar,
    )


def save_answer(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    public_text: str,
    letter: str,
    upload: Upload | None,
    upload_dir: str,
    max_attachment_bytes: int,
) -> None:
    """Keep the draft (public text, letter, optional file); nothing leaves the unit yet."""
    check_version(case, expected_version)
    if case.state is not State.IN_PROGRESS:
        raise InvalidTransition(case.state, Action.SUBMIT_ANSWER)
    if not (nfc(public_text) or nfc(letter) or upload is not None):
        raise NotAllowed(_l("dự thảo trả lời đang trống"))
    touch(case, now=now)
    case.answer_public_text = nfc(public_text) or None
    case.answer_letter = nfc(letter) or None
    case.answer_by_id = actor.id
    if upload is not None:
        store_attachment(
            case,
            upload,
            upload_dir=upload_dir,
            purpose=AttachmentPurpose.ANSWER,
            now=now,
            max_bytes=max_attachment_bytes,
            uploaded_by_id=actor.id,
        )
    record_event(case, EventKind.SAVE_ANSWER, actor=actor, now=now, unit=case.lead_unit)


def submit_answer(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None = None,
    calendar: WorkingCalendar | None = None,
) -> None:
    """Send the draft for review by the intake office (QĐ 31/2021 Art. 46)."""
    require(case, Action.SUBMIT_ANSWER, expected_version)
    if not case.answer_public_text or not case.answer_letter:
        raise NotAllowed(_l("cần có cả nội dung trả lời công khai và văn bản trả lời người gửi"))
    open_requests = [r for r in case.cooperation_requests if r.status is CooperationStatus.OPEN]
    transition(
        case,
        Action.SUBMIT_ANSWER,
        actor=actor,
        now=now,
        is_public=True,
        unit=case.lead_unit,
        details={"open_cooperation_requests": len(open_requests)},
        calendar=calendar,
    )
    case.answer_submitted_at = now


def write_answer(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    public_text: str,
    letter: str,
    upload: Upload | None = None,
    submit_for_review: bool = False,
    upload_dir: str | None = None,
    max_attachment_bytes: int | None = None,
) -> None:
    """The answer form's one verb: keep the draft and, when asked, send it for review."""
    save_answer(
        case, actor=actor, now=now, expected_version=expected_version,
        public_text=public_text, letter=letter, upload=upload,
        upload_dir=upload_dir if upload_dir is not None else setting("UPLOAD_DIR"),
        max_attachment_bytes=max_attachment_bytes or setting("MAX_ATTACHMENT_BYTES"),
    )  # fmt: skip
    if submit_for_review:
        submit_answer(case, actor=actor, now=now, expected_version=None)
