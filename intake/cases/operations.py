"""The verbs of the case aggregate. Each validates, changes the case, flushes, records one event
and queues the notices, in the caller's transaction: the caller (a view, a CLI command) commits.
They take ``actor`` and ``now`` explicitly and are the only code that writes a case's state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from intake.cases.attachments import Upload, store_attachment
from intake.cases.events import Actor, record_event
from intake.cases.models import (
    AttachmentPurpose,
    Case,
    CaseKind,
    Channel,
    SubmitterType,
)
from intake.core.calendar import WorkingCalendar, last_local_day
from intake.core.deadlines import Priority, Step
from intake.core.reference import derive_access_key, new_access_key, new_reference_code
from intake.core.states import initial_state
from intake.core.text import fold, nfc
from intake.extensions import db
from intake.notifications.outbox import queue_email
from intake.org.policies import working_days_for

# Hashing makes a stolen database useless for tracking items; pbkdf2 keeps each check cheap
# enough that a bulk demo of many items stays fast.
_KEY_HASH_METHOD = "pbkdf2:sha256:60000"


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
        access_key_hash=generate_password_hash(access_key, method=_KEY_HASH_METHOD),
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
    case.triage_due_at = calendar.due_at(
        received_at, working_days_for(Step.TRIAGE, case.priority, case.field_id)
    )
    case.overall_due_at = calendar.due_at(
        received_at, working_days_for(Step.OVERALL, case.priority, case.field_id)
    )
    if not _insert_once(case):
        # Another request with the same token won the race and committed first.
        existing = _case_for_token(submission_token)
        return SubmittedCase(existing, access_key, created=False)

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
        check_password_hash(_DUMMY_HASH, access_key)
        return None
    return case if check_password_hash(case.access_key_hash, access_key) else None


_DUMMY_HASH = generate_password_hash("not-a-key", method=_KEY_HASH_METHOD)


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
