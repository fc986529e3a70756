"""The verbs of the case aggregate. Each validates, changes the case, flushes, records one event
and queues the notices, in the caller's transaction: the caller (a view, a CLI command) commits.
They take ``actor`` and ``now`` explicitly and are the only code that writes a case's state."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.security import check_password_hash, generate_password_hash

from intake.accounts.models import Role, User
from intake.cases import clocks
from intake.cases.attachments import Upload, store_attachment
from intake.cases.events import Actor, record_event
from intake.cases.labels import REJECT_REASON_TEMPLATES
from intake.cases.models import (
    AttachmentPurpose,
    Case,
    CaseKind,
    Channel,
    ContentClass,
    CooperationRequest,
    CooperationStatus,
    ExtensionStatus,
    SubmitterType,
)
from intake.core.calendar import WorkingCalendar, last_local_day
from intake.core.deadlines import CLOCK_CHANGES, Priority, Step
from intake.core.reasons import RejectReason, ReturnReason
from intake.core.reference import derive_access_key, new_access_key, new_reference_code
from intake.core.states import (
    ANSWERED_STATES,
    FINAL_STATES,
    Action,
    InvalidTransition,
    State,
    initial_state,
    next_state,
)
from intake.core.text import fold, nfc
from intake.extensions import db
from intake.notifications.outbox import queue_email
from intake.org.calendar import load_working_calendar
from intake.org.models import Unit, UnitKind
from intake.org.policies import extension_limits
from intake.reports import recording as report_entries

_DEFAULT_COOPERATION_QUESTION = _l("Đề nghị đơn vị phối hợp cho ý kiến về nội dung này.")


class SubmissionError(ValueError):
    """A submission the form should have refused; ``field`` names the offending input."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


@dataclass
class CaseSubmission:
    """Everything a submitter gives (Art. 7), independent of the channel that carried it."""

    submitter_type: SubmitterType
    full_name: str
    address: str
    phone: str | None
    email: str | None
    title: str
    content: str
    kind: CaseKind
    organisation_name: str | None = None
    tax_code: str | None = None
    id_number: str | None = None
    proposed_solution: str | None = None
    field_id: int | None = None
    procedure_id: int | None = None
    concerned_unit_id: int | None = None
    consent_to_publish: bool = False
    declared_truthful: bool = False
    language: str = "vi"
    channel: Channel = Channel.WEB
    national_code: str | None = None
    received_at: datetime | None = None  # the original receipt date for other channels
    uploads: list[Upload] = field(default_factory=list)


@dataclass
class SubmittedCase:
    case: Case
    access_key: str
    created: bool  # False when the same form was submitted again


def submit_case(
    submission: CaseSubmission,
    *,
    actor: Actor,
    now: datetime,
    calendar: WorkingCalendar,
    secret_key: str,
    upload_dir: str,
    max_attachment_bytes: int,
    submission_token: str | None = None,
) -> SubmittedCase:
    """Log a new item in the register (vào sổ), start the triage clock and send the receipt.

    With a ``submission_token`` (the web form's one-time token) the call is idempotent: the
    same token returns the case it created before, with the same access key."""
    if submission_token:
        existing = _case_for_token(submission_token)
        if existing is not None:
            access_key = derive_access_key(secret_key, submission_token)
            return SubmittedCase(existing, access_key, created=False)
        access_key = derive_access_key(secret_key, submission_token)
    else:
        access_key = new_access_key()

    _check_required(submission)
    received_at = submission.received_at or now
    case = Case(
        reference_code=_unused_reference_code(now.year),
        access_key_hash=generate_password_hash(access_key, method=_key_hash_method()),
        submission_token=submission_token,
        national_code=nfc(submission.national_code) or None,
        channel=submission.channel,
        kind=submission.kind,
        state=initial_state(),
        priority=Priority.NORMAL,
        language=submission.language,
        submitter_type=submission.submitter_type,
        full_name=nfc(submission.full_name),
        organisation_name=_organisation_name(submission),
        tax_code=_organisation_value(submission, submission.tax_code),
        address=nfc(submission.address),
        phone=nfc(submission.phone) or None,
        email=nfc(submission.email).lower() or None,
        id_number=nfc(submission.id_number) or None,
        title=nfc(submission.title),
        content=nfc(submission.content),
        proposed_solution=(
            nfc(submission.proposed_solution) if submission.kind is CaseKind.PETITION else None
        ),
        consent_to_publish=submission.consent_to_publish,
        declared_truthful=submission.declared_truthful,
        field_id=submission.field_id,
        procedure_id=submission.procedure_id,
        concerned_unit_id=submission.concerned_unit_id,
        received_at=received_at,
        created_at=now,
        updated_at=now,
    )
    case.search_text = case_search_text(case)
    if not _insert_once(case):
        # Another request with the same token won the race and committed first.
        existing = _case_for_token(submission_token)
        return SubmittedCase(existing, access_key, created=False)
    # Both clocks run from the original receipt, whatever the channel.
    for step in (Step.TRIAGE, Step.OVERALL):
        clocks.start_clock(case, step, now=now, calendar=calendar, started_at=received_at)

    for upload in submission.uploads:
        store_attachment(
            case,
            upload,
            upload_dir=upload_dir,
            purpose=AttachmentPurpose.SUBMISSION,
            now=now,
            max_bytes=max_attachment_bytes,
            uploaded_by_id=getattr(actor, "id", None),
        )
    db.session.flush()
    report_entries.count_received(case)
    record_event(
        case,
        "submit",
        actor=actor,
        now=now,
        to_state=case.state,
        details={"channel": str(case.channel), "attachments": len(submission.uploads)},
        is_public=True,
    )
    if case.email:
        queue_email(
            "receipt",
            recipient=case.email,
            language=case.language,
            now=now,
            case_id=case.id,
            context={
                "case": case,
                "access_key": access_key,
                "triage_by": last_local_day(case.triage_due_at),
            },
        )
    return SubmittedCase(case, access_key, created=True)


def find_tracked_case(reference_code: str, access_key: str) -> Case | None:
    """The case when both halves match, else ``None``, without saying which half was wrong."""
    case = db.session.scalar(sa.select(Case).where(Case.reference_code == reference_code))
    if case is None:
        # Spend the same time as a real check so that timing does not reveal existing codes.
        check_password_hash(_dummy_key_hash(_key_hash_method()), access_key)
        return None
    return case if check_password_hash(case.access_key_hash, access_key) else None


@functools.cache
def _dummy_key_hash(method: str) -> str:
    """A hash to check against when the code does not exist, computed once per method."""
    return generate_password_hash("no-such-key", method=method)


def _key_hash_method() -> str:
    """Hashing makes a stolen database useless for tracking items. The cost is a setting:
    tests lower it, since they submit hundreds of items."""
    return current_app.config["ACCESS_KEY_HASH_METHOD"]


def case_search_text(case: Case) -> str:
    """What accent-insensitive search looks in: code, title, content, names and phone."""
    parts = [
        case.reference_code,
        case.national_code,
        case.title,
        case.content,
        case.full_name,
        case.organisation_name,
        case.phone,
        case.email,
    ]
    return fold(" ".join(p for p in parts if p))


def _check_required(submission: CaseSubmission) -> None:
    """Art. 7: identity and contact are mandatory; a kiến nghị carries its solution."""
    required = {
        "full_name": submission.full_name,
        "address": submission.address,
        "title": submission.title,
        "content": submission.content,
    }
    for name, value in required.items():
        if not nfc(value):
            raise SubmissionError(name, f"{name} is required")
    if not (nfc(submission.phone) or nfc(submission.address)):
        raise SubmissionError("phone", "a phone number or postal address is required")
    if submission.kind is CaseKind.PETITION and not nfc(submission.proposed_solution):
        raise SubmissionError("proposed_solution", "a petition needs a proposed solution")
    if submission.submitter_type is SubmitterType.ORGANISATION and not nfc(
        submission.organisation_name
    ):
        raise SubmissionError("organisation_name", "an organisation needs its name")


def _organisation_name(submission: CaseSubmission) -> str | None:
    return _organisation_value(submission, submission.organisation_name)


def _organisation_value(submission: CaseSubmission, value: str | None) -> str | None:
    if submission.submitter_type is not SubmitterType.ORGANISATION:
        return None
    return nfc(value) or None


def _case_for_token(token: str | None) -> Case | None:
    return db.session.scalar(sa.select(Case).where(Case.submission_token == token))


def _unused_reference_code(year: int) -> str:
    """A random code not yet taken; with 40 random bits a second try is already rare."""
    for _ in range(10):
        code = new_reference_code(year)
        taken = db.session.scalar(sa.select(Case.id).where(Case.reference_code == code))
        if taken is None:
            return code
    raise RuntimeError("could not find an unused reference code")


def _insert_once(case: Case) -> bool:
    """Insert in a savepoint; ``False`` if the submission token is already taken."""
    try:
        with db.session.begin_nested():
            db.session.add(case)
    except IntegrityError:
        if case.submission_token and _case_for_token(case.submission_token) is not None:
            return False
        raise
    return True


# --------------------------------------------------------------------------------------------
# The workflow. Every verb below moves the case through ``_transition`` (or, for steps that do
# not change the state, records its event directly) and queues the notices of DOMAIN.md §5.


class StaleCase(Exception):
    """The case changed since the officer loaded it; they must look again before acting."""

    def __init__(self, case: Case):
        # No attribute of ``case`` is read here: after a failed flush the session must be
        # rolled back before the case can be loaded again.
        self.case = case
        super().__init__("the case changed since it was loaded")


class NotAllowed(Exception):
    """The actor may see the case but not do this to it (role, unit, or a missing input).

    The message is a lazy translation: views show it to the officer in their language."""


def _require(case: Case, action: Action, expected_version: int | None = None) -> None:
    """Refuse early, in the order that tells the officer most: someone changed the item since
    they loaded it; the state does not allow the action; only then, a missing input."""
    check_version(case, expected_version)
    next_state(case.state, action, origin=case.state_before_info)


def _required_text(value: str | None, missing: str) -> str:
    """The text in its stored form (NFC, trimmed), or NotAllowed with ``missing``."""
    text = nfc(value)
    if not text:
        raise NotAllowed(missing)
    return text


def check_version(case: Case, expected_version: int | None) -> None:
    """The form carried the version the officer saw; acting on a newer one is refused."""
    if expected_version is not None and case.version != expected_version:
        raise StaleCase(case)


def _transition(
    case: Case,
    action: Action,
    *,
    actor: Actor,
    now: datetime,
    is_public: bool,
    reason_code: str | None = None,
    note: str | None = None,
    details: dict | None = None,
    unit: Unit | None = None,
    calendar: WorkingCalendar | None = None,
):
    """Move ``case`` by ``action``, apply the action's effect on the clocks (the table in
    ``intake.core.deadlines``) and record the event. The version the officer saw is
    checked by ``_require`` at the top of each verb, before anything is modified: any query
    after a modification autoflushes and bumps the version in this very transaction."""
    from_state = case.state
    to_state = next_state(case.state, action, origin=case.state_before_info)
    case.state = to_state
    case.state_before_info = from_state if to_state is State.NEEDS_INFO else None
    if to_state in FINAL_STATES:
        case.closed_at = now
    case.updated_at = now
    # Write the case first: its versioned UPDATE is where a concurrent change shows up, and
    # loading the clocks below would otherwise autoflush it outside the check.
    _flush_checking_version(case)
    ended = _apply_clock_change(case, CLOCK_CHANGES[action], now=now, calendar=calendar)
    if ended:
        # On time or late is decided here and kept with the event: reports read it, and
        # never recompute history from today's calendar.
        details = {**(details or {}), "clocks": clocks.verdicts(ended)}
    if to_state in FINAL_STATES or action in (Action.SUBMIT_ANSWER, Action.RETURN_TO_INTAKE):
        # No more cooperation is needed on an item that is answered, returned or finished.
        _cancel_open_cooperation(case, now=now)
    if to_state in FINAL_STATES:
        clocks.stop_clocks(case, frozenset(Step), now=now)
    # The reports' projection of this event, in the same transaction.
    report_entries.count_transition(case, action, now=now, ended=ended, reason_code=reason_code)
    return record_event(
        case,
        str(action),
        actor=actor,
        now=now,
        from_state=from_state,
        to_state=to_state,
        unit=unit,
        reason_code=reason_code,
        note=note,
        details=details,
        is_public=is_public,
    )


def _apply_clock_change(case, change, *, now, calendar) -> list:
    if change.start is not None or change.resume or change.end:
        # Starting, moving or judging a clock needs the calendar; load it if the caller had none.
        calendar = calendar or load_working_calendar()
    ended = []
    if change.end:
        ended = clocks.end_clocks(case, change.end, now=now, calendar=calendar)
    if change.stop:
        clocks.stop_clocks(case, change.stop, now=now)
    if change.pause:
        clocks.pause_clocks(case, now=now)
    if change.resume:
        clocks.resume_clocks(case, now=now, calendar=calendar)
    if change.start is not None:
        unit = case.lead_unit if change.start in (Step.ACCEPTANCE, Step.HANDLING) else None
        clocks.start_clock(case, change.start, now=now, calendar=calendar, unit=unit)
    return ended


def _cancel_open_cooperation(case: Case, *, now: datetime) -> None:
    for request in case.cooperation_requests:
        if request.status is CooperationStatus.OPEN:
            request.status = CooperationStatus.CANCELLED
    clocks.stop_clocks(case, (Step.COOPERATION,), now=now)


def _touch(case: Case, *, now: datetime) -> None:
    """A change that keeps the state still bumps the version, so concurrent edits conflict.
    Callers check the expected version first, before they modify anything."""
    case.updated_at = now
    _flush_checking_version(case)


def _flush_checking_version(case: Case) -> None:
    try:
        db.session.flush()
    except StaleDataError:
        # Another transaction updated the row between our read and our write. The session
        # must now be rolled back, which the edge (view or command) does when it catches this.
        raise StaleCase(case) from None


def _notify_citizen(case: Case, template: str, *, now: datetime, **context) -> None:
    if case.email:
        queue_email(
            template,
            recipient=case.email,
            language=case.language,
            now=now,
            case_id=case.id,
            context={"case": case, **context},
        )


def _notify_unit(unit: Unit, case: Case, template: str, *, now: datetime, **context) -> None:
    if unit.email:
        queue_email(
            template,
            recipient=unit.email,
            language="vi",
            now=now,
            case_id=case.id,
            context={"case": case, "unit": unit, **context},
        )


# --- intake office ---------------------------------------------------------------------------


def classify_case(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    kind: CaseKind,
    content_class: ContentClass | None,
    field_id: int | None,
    procedure_id: int | None,
    priority: Priority,
    calendar: WorkingCalendar,
) -> None:
    """Record what the item is about; urgency changes the triage and overall clocks."""
    if case.state is not State.RECEIVED:
        raise InvalidTransition(case.state, Action.ASSIGN)
    check_version(case, expected_version)
    before = {
        "kind": str(case.kind),
        "content_class": str(case.content_class) if case.content_class else None,
        "field_id": case.field_id,
        "procedure_id": case.procedure_id,
        "priority": str(case.priority),
    }
    if kind is CaseKind.PETITION and not case.proposed_solution:
        case.proposed_solution = ""
    case.kind, case.content_class = kind, content_class
    case.field_id, case.procedure_id, case.priority = field_id, procedure_id, priority
    if before["priority"] != str(priority) or before["field_id"] != field_id:
        clocks.reapply_policy(case, (Step.TRIAGE, Step.OVERALL), calendar=calendar)
    after = {
        "kind": str(kind),
        "content_class": str(content_class) if content_class else None,
        "field_id": field_id,
        "procedure_id": procedure_id,
        "priority": str(priority),
    }
    _touch(case, now=now)
    record_event(case, "classify", actor=actor, now=now, details={"before": before, "after": after})


def assign_case(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    lead_unit: Unit,
    cooperating_units: list[Unit],
    note: str | None,
    calendar: WorkingCalendar,
) -> None:
    """Route to a lead unit (đơn vị chủ trì), optionally asking others to cooperate."""
    _require(case, Action.ASSIGN, expected_version)
    if lead_unit.kind is UnitKind.EXTERNAL:
        raise NotAllowed(
            _l(
                "cơ quan ngoài tỉnh không thể là đơn vị chủ trì; "
                "hãy dùng chức năng chuyển cơ quan có thẩm quyền"
            )
        )
    case.lead_unit = lead_unit
    case.handler_id = None
    _transition(
        case,
        Action.ASSIGN,
        actor=actor,
        now=now,
        is_public=True,
        unit=lead_unit,
        note=nfc(note) or None,
        details={"cooperating_unit_ids": [u.id for u in cooperating_units]},
        calendar=calendar,
    )
    _notify_unit(lead_unit, case, "unit_assigned", now=now)
    for unit in cooperating_units:
        if unit.id != lead_unit.id:
            _open_cooperation(case, unit, actor=actor, now=now, question=note, calendar=calendar)


def reject_case(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    reason: RejectReason,
    message: str,
) -> None:
    """Refuse at triage with a legal reason; the citizen is told why and where to go."""
    _require(case, Action.REJECT, expected_version)
    message = _required_text(message, _l("cần nêu lý do để thông báo cho người gửi"))
    _transition(
        case,
        Action.REJECT,
        actor=actor,
        now=now,
        is_public=True,
        reason_code=str(reason),
        note=message,
    )
    _notify_citizen(case, "rejected", now=now, reason=reason, message=message)


def mark_duplicate(
    case: Case, *, actor: User, now: datetime, expected_version: int | None, original: Case
) -> None:
    """Refuse as a duplicate, pointing the citizen to the item to follow instead."""
    _require(case, Action.MARK_DUPLICATE, expected_version)
    if original.id == case.id:
        raise NotAllowed(_l("một phản ánh, kiến nghị không thể trùng với chính nó"))
    case.duplicate_of = original
    with force_locale(case.language):  # the citizen's language, not the officer's
        message = str(REJECT_REASON_TEMPLATES[RejectReason.DUPLICATE]) % {
            "original": original.reference_code
        }
    _transition(
        case,
        Action.MARK_DUPLICATE,
        actor=actor,
        now=now,
        is_public=True,
        reason_code=str(RejectReason.DUPLICATE),
        note=message,
        details={"original": original.reference_code},
    )
    _notify_citizen(case, "rejected", now=now, reason=RejectReason.DUPLICATE, message=message)


def transfer_out(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    agency: str,
    letter_number: str,
) -> None:
    """Forward to the competent agency outside the province (Art. 9.1d: within 5 wd)."""
    _require(case, Action.TRANSFER_OUT, expected_version)
    agency, letter_number = nfc(agency), nfc(letter_number)
    if not agency or not letter_number:
        raise NotAllowed(_l("cần nêu cơ quan có thẩm quyền và số văn bản chuyển"))
    _transition(
        case,
        Action.TRANSFER_OUT,
        actor=actor,
        now=now,
        is_public=True,
        details={"agency": agency, "letter_number": letter_number},
    )
    _notify_citizen(case, "transferred", now=now, agency=agency, letter_number=letter_number)


def request_info(
    case: Case, *, actor: User, now: datetime, expected_version: int | None, message: str
) -> None:
    """Ask the citizen for more; the clocks pause until they answer (DOMAIN.md §4)."""
    _require(case, Action.REQUEST_INFO, expected_version)
    message = _required_text(message, _l("cần nêu thông tin cần bổ sung"))
    _transition(
        case,
        Action.REQUEST_INFO,
        actor=actor,
        now=now,
        is_public=True,
        note=message,
    )
    _notify_citizen(case, "info_requested", now=now, message=message)


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
    _require(case, Action.PUBLISH_ANSWER, expected_version)
    published_answer = nfc(published_answer)
    if not nfc(published_title):
        raise NotAllowed(_l("tiêu đề công khai đang trống"))
    if not published_answer:
        raise NotAllowed(_l("nội dung trả lời công khai đang trống"))
    _transition(
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
    case.published_search_text = fold(
        " ".join(
            t for t in (case.reference_code, case.published_title, case.published_content,
                        case.published_answer) if t
        )
    )  # fmt: skip
    _notify_citizen(case, "answered", now=now)


def return_for_rework(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    reason: str,
    calendar: WorkingCalendar,
) -> None:
    _require(case, Action.RETURN_FOR_REWORK, expected_version)
    reason = _required_text(reason, _l("cần nêu nội dung cần hoàn thiện"))
    _transition(
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
        _notify_unit(case.lead_unit, case, "unit_rework", now=now, reason=reason)


# --- units ----------------------------------------------------------------------------------


def accept_case(
    case: Case, *, actor: User, now: datetime, expected_version: int | None, calendar
) -> None:
    _require(case, Action.ACCEPT, expected_version)
    _transition(
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
    _require(case, Action.RETURN_TO_INTAKE, expected_version)
    note = _required_text(note, _l("cần giải thích lý do trả lại"))
    unit = case.lead_unit
    _transition(
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
    _touch(case, now=now)
    case.handler_id = handler.id
    record_event(
        case,
        "assign_handler",
        actor=actor,
        now=now,
        details={"handler_id": handler.id, "handler": handler.full_name},
    )


def add_note(case: Case, *, actor: User, now: datetime, text: str) -> None:
    """An internal note: never shown to the citizen, never published."""
    text = _required_text(text, _l("ghi chú trống"))
    record_event(case, "note", actor=actor, now=now, note=text, unit=actor.unit)


def request_cooperation(
    case: Case,
    *,
    actor: User,
    now: datetime,
    units: list[Unit],
    question: str,
    calendar: WorkingCalendar,
) -> None:
    if case.state is not State.IN_PROGRESS:
        raise InvalidTransition(case.state, Action.SUBMIT_ANSWER)
    if not nfc(question) or not units:
        raise NotAllowed(_l("cần chọn đơn vị và nêu nội dung đề nghị phối hợp"))
    for unit in units:
        if unit.id != case.lead_unit_id:
            _open_cooperation(
                case, unit, actor=actor, now=now, question=question, calendar=calendar
            )


def _open_cooperation(case, unit, *, actor, now, question, calendar) -> CooperationRequest:
    question = nfc(question) or str(_DEFAULT_COOPERATION_QUESTION)
    request = CooperationRequest(
        case=case,
        unit=unit,
        question=question,
        requested_by_id=actor.id,
        requested_at=now,
        due_at=now,  # set from its clock just below
    )
    db.session.add(request)
    db.session.flush()
    clock = clocks.start_clock(
        case, Step.COOPERATION, now=now, calendar=calendar, unit=unit, cooperation=request
    )
    request.due_at = clock.due_at
    record_event(
        case,
        "request_cooperation",
        actor=actor,
        now=now,
        unit=unit,
        note=question,
        details={"cooperation_request_id": request.id},
    )
    _notify_unit(unit, case, "unit_cooperation", now=now, question=question)
    return request


def reply_cooperation(
    request: CooperationRequest, *, actor: User, now: datetime, reply: str
) -> None:
    reply = _required_text(reply, _l("ý kiến trống"))
    if request.status is not CooperationStatus.OPEN:
        raise NotAllowed(_l("đề nghị phối hợp này đã được trả lời"))
    # Conditional update: of two officers replying at once, one wins, the other is told.
    result = db.session.execute(
        sa.update(CooperationRequest)
        .where(
            CooperationRequest.id == request.id,
            CooperationRequest.status == CooperationStatus.OPEN,
        )
        .values(
            status=CooperationStatus.REPLIED, reply=reply, replied_by_id=actor.id, replied_at=now
        )
    )
    if result.rowcount != 1:
        raise NotAllowed(_l("đề nghị phối hợp này đã được trả lời"))
    db.session.refresh(request)
    ended = clocks.end_clocks(
        request.case, (Step.COOPERATION,), now=now, cooperation_id=request.id,
        calendar=load_working_calendar(),
    )  # fmt: skip
    record_event(
        request.case,
        "reply_cooperation",
        actor=actor,
        now=now,
        unit=request.unit,
        note=reply,
        details={"cooperation_request_id": request.id, "clocks": clocks.verdicts(ended)},
    )


def defer_case(
    case: Case, *, actor: User, now: datetime, expected_version: int | None, reason: str
) -> None:
    """Keep a regulation-content item for further study (Art. 14.2b); its clocks stop."""
    _require(case, Action.DEFER, expected_version)
    reason = _required_text(reason, _l("cần nêu lý do"))
    if case.content_class is not ContentClass.REGULATION:
        raise NotAllowed(_l("chỉ nội dung về quy định hành chính mới được tiếp tục nghiên cứu"))
    _transition(
        case,
        Action.DEFER,
        actor=actor,
        now=now,
        is_public=True,
        note=reason,
        unit=case.lead_unit,
    )


def resume_case(
    case: Case, *, actor: User, now: datetime, expected_version: int | None, calendar
) -> None:
    _require(case, Action.RESUME, expected_version)
    _transition(
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
    _touch(case, now=now)
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
    record_event(case, "save_answer", actor=actor, now=now, unit=case.lead_unit)


def submit_answer(
    case: Case, *, actor: User, now: datetime, expected_version: int | None, calendar
) -> None:
    """Send the draft for review by the intake office (QĐ 31/2021 Art. 46)."""
    _require(case, Action.SUBMIT_ANSWER, expected_version)
    if not case.answer_public_text or not case.answer_letter:
        raise NotAllowed(_l("cần có cả nội dung trả lời công khai và văn bản trả lời người gửi"))
    open_requests = [r for r in case.cooperation_requests if r.status is CooperationStatus.OPEN]
    _transition(
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


# --- citizens -------------------------------------------------------------------------------


def provide_info(
    case: Case,
    *,
    now: datetime,
    text: str,
    uploads: list[Upload],
    upload_dir: str,
    max_attachment_bytes: int,
) -> None:
    """The citizen answers a request for information; the item returns where it was."""
    _require(case, Action.PROVIDE_INFO)
    text = nfc(text)
    if not text and not uploads:
        raise NotAllowed(_l("chưa có thông tin hoặc tệp bổ sung"))
    _transition(
        case,
        Action.PROVIDE_INFO,
        actor="citizen",
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
        _notify_unit(case.lead_unit, case, "unit_info_provided", now=now)


def withdraw_case(case: Case, *, now: datetime, reason: str | None) -> None:
    _transition(
        case,
        Action.WITHDRAW,
        actor="citizen",
        now=now,
        is_public=True,
        note=nfc(reason) or None,
    )


def rate_answer(case: Case, *, now: datetime, score: int, comment: str | None) -> None:
    """The citizen rates the answer once (1-5)."""
    if case.state not in ANSWERED_STATES:
        raise InvalidTransition(case.state, Action.CLOSE)
    if case.rating_score is not None:
        raise NotAllowed(_l("kết quả đã được đánh giá"))
    if not 1 <= score <= 5:
        raise NotAllowed(_l("điểm đánh giá phải từ 1 đến 5"))
    case.rating_score, case.rating_comment, case.rated_at = score, nfc(comment) or None, now
    case.updated_at = now
    report_entries.count_rating(case, now=now)
    record_event(
        case, "rate", actor="citizen", now=now, details={"score": score}, note=case.rating_comment
    )


def request_reconsideration(
    case: Case,
    *,
    now: datetime,
    reason: str,
    calendar: WorkingCalendar,
    window_working_days: int,
    max_reconsiderations: int,
) -> None:
    """Reopen once, within the window: back to the unit with a new handling clock."""
    _require(case, Action.REOPEN)
    reason = _required_text(reason, _l("cần nêu điểm chưa thỏa đáng"))
    if case.reconsideration_count >= max_reconsiderations:
        raise NotAllowed(_l("đã sử dụng quyền đề nghị xem xét lại"))
    if case.answered_at is None or now > calendar.due_at(case.answered_at, window_working_days):
        raise NotAllowed(_l("đã hết thời hạn đề nghị xem xét lại"))
    _transition(
        case,
        Action.REOPEN,
        actor="citizen",
        now=now,
        is_public=True,
        note=reason,
        unit=case.lead_unit,
        calendar=calendar,
    )
    case.reconsideration_count += 1
    case.answered_at = None
    _notify_citizen(case, "reopened", now=now)
    if case.lead_unit:
        _notify_unit(case.lead_unit, case, "unit_reopened", now=now, reason=reason)


def close_case(case: Case, *, now: datetime, actor: Actor = "system") -> None:
    """Final: after the rating, or when the reconsideration window has ended."""
    _transition(case, Action.CLOSE, actor=actor, now=now, is_public=True)


# --- extensions and calendar changes --------------------------------------------------------


def request_extension(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    working_days: int,
    reason: str,
) -> None:
    """The handler asks for more time on the handling clock; the unit lead decides."""
    check_version(case, expected_version)
    clock = clocks.current_clock(case, Step.HANDLING)
    if clock is None:
        raise NotAllowed(_l("chỉ gia hạn được khi hồ sơ đang xử lý"))
    reason = _required_text(reason, _l("cần nêu lý do gia hạn"))
    max_extensions, max_days = extension_limits(case.priority, case.field_id)
    if clocks.pending_extension(case) is not None:
        raise NotAllowed(_l("đã có đề nghị gia hạn đang chờ quyết định"))
    if clocks.extensions_granted(case) >= max_extensions:
        raise NotAllowed(_l("hồ sơ đã được gia hạn tối đa số lần cho phép"))
    if not 1 <= working_days <= max_days:
        raise NotAllowed(_l("số ngày gia hạn phải từ 1 đến %(n)d ngày làm việc", n=max_days))
    _touch(case, now=now)
    clock.extension_status = ExtensionStatus.REQUESTED
    clock.extension_requested_days = working_days
    clock.extension_reason = reason
    record_event(
        case, "request_extension", actor=actor, now=now, unit=case.lead_unit, note=reason,
        details={"working_days": working_days, "clock_id": clock.id},
    )  # fmt: skip


def decide_extension(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    approve: bool,
    calendar: WorkingCalendar,
    note: str | None = None,
) -> None:
    """The unit lead (or a supervisor) approves or refuses; approval moves the due date."""
    check_version(case, expected_version)
    clock = clocks.pending_extension(case)
    if clock is None:
        raise NotAllowed(_l("không có đề nghị gia hạn nào đang chờ"))
    _touch(case, now=now)
    before = clock.due_at
    if approve:
        clock.extension_status = ExtensionStatus.APPROVED
        clock.extension_working_days += clock.extension_requested_days
        if clock.status in clocks.ACTIVE:
            clocks.apply_times(clock, calendar)
            clocks.sync_case(case)
    else:
        clock.extension_status = ExtensionStatus.REFUSED
    record_event(
        case, "decide_extension", actor=actor, now=now, unit=case.lead_unit,
        note=nfc(note) or None,
        details={
            "approved": approve, "working_days": clock.extension_requested_days,
            "due_before": before.isoformat(), "due_after": clock.due_at.isoformat(),
        },
    )  # fmt: skip


def recompute_due_dates(*, now: datetime, calendar: WorkingCalendar, actor: Actor) -> int:
    """After the calendar changed: every open clock's instants again, and an event on each
    case whose due date moved. Verdicts of ended clocks are history and stay as they were."""
    moved = 0
    for clock in db.session.scalars(clocks.open_clocks_query().execution_options(yield_per=1000)):
        before = clock.due_at
        if clocks.apply_times(clock, calendar):
            moved += 1
            clocks.sync_case(clock.case)
            record_event(
                clock.case, "due_date_changed", actor=actor, now=now,
                details={"step": str(clock.step), "due_before": before.isoformat(),
                         "due_after": clock.due_at.isoformat()},
            )  # fmt: skip
    return moved
