"""Logging a new item in the register (vào sổ), whatever channel carried it (Art. 6, 7).

The web form, the officers' form for other channels, the demo and (later) the API all come
here; the submission is idempotent on the web form's one-time token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from intake.cases import clocks, search, signals
from intake.cases.attachments import Upload, store_attachment
from intake.cases.events import Actor, record_event
from intake.cases.models import (
    AttachmentPurpose,
    Case,
    CaseKind,
    Channel,
    SubmitterType,
)
from intake.cases.notices import notify_citizen
from intake.cases.operations.engine import calendar_or_loaded, setting
from intake.cases.operations.tracking import access_key_digest
from intake.core.calendar import WorkingCalendar, last_local_day
from intake.core.contact import missing_contact
from intake.core.deadlines import Priority, Step
from intake.core.errors import SubmissionError
from intake.core.reference import derive_access_key, new_access_key, new_reference_code
from intake.core.states import (
    EventKind,
    initial_state,
)
from intake.core.text import nfc
from intake.extensions import db
from intake.org.policies import clock_policies

#: The clocks that start when an item is logged: triage's, and the overall answer's.
RECEIPT_CLOCKS = (Step.TRIAGE, Step.OVERALL)

#: Items that arrive as electronic messages: Art. 7 also asks for an e-mail or a postal address.
ELECTRONIC_CHANNELS = frozenset({Channel.WEB, Channel.NATIONAL_PORTAL, Channel.EMAIL, Channel.APP})


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
    postal_address: str | None = None  # where letters reach them (Art. 7 "địa chỉ thư tín")
    client_key_id: int | None = None  # the application's key, for channel "app"


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
    calendar: WorkingCalendar | None,
    secret_key: str | None = None,
    upload_dir: str | None = None,
    max_attachment_bytes: int | None = None,
    submission_token: str | None = None,
) -> SubmittedCase:
    """Log a new item in the register (vào sổ), start the triage clock and send the receipt.

    The secret key, upload folder and size limit are the deployment's settings unless given (a
    batch or a test passes its own): every door — the web form, the officers' form, the API,
    Open311, the national exchange — logs an item the same way without repeating them.

    With a ``submission_token`` (the web form's one-time token) the call is idempotent: the
    same token returns the case it created before, with the same access key."""
    secret_key = secret_key or setting("SECRET_KEY")
    upload_dir = upload_dir or setting("UPLOAD_DIR")
    max_attachment_bytes = max_attachment_bytes or setting("MAX_ATTACHMENT_BYTES")
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
        access_key_hash=access_key_digest(access_key),
        submission_token=submission_token,
        national_code=nfc(submission.national_code) or None,
        channel=submission.channel,
        client_key_id=submission.client_key_id,
        kind=submission.kind,
        state=initial_state(),
        priority=Priority.NORMAL,
        language=submission.language,
        submitter_type=submission.submitter_type,
        full_name=nfc(submission.full_name),
        organisation_name=_organisation_name(submission),
        tax_code=_organisation_value(submission, submission.tax_code),
        address=nfc(submission.address),
        postal_address=nfc(submission.postal_address) or None,
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
    case.search_title = search.officer_title(case)
    # Read before the case is added: a query afterwards would flush it outside the savepoint.
    calendar = calendar_or_loaded(calendar)
    policies = clock_policies(RECEIPT_CLOCKS, case.priority, case.field_id)

    def start_receipt_clocks() -> None:
        # Both clocks run from the original receipt, whatever the channel.
        for step in RECEIPT_CLOCKS:
            clocks.start_clock(
                case, step, now=now, calendar=calendar, started_at=received_at,
                policy=policies[step],
            )  # fmt: skip

    if not _insert_once(case, with_it=start_receipt_clocks):
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
    signals.case_received.send(case)
    record_event(
        case,
        EventKind.SUBMIT,
        actor=actor,
        now=now,
        to_state=case.state,
        details={"channel": str(case.channel), "attachments": len(submission.uploads)},
        is_public=True,
        opens_history=True,
    )
    notify_citizen(
        case,
        "receipt",
        now=now,
        access_key=access_key,
        triage_by=last_local_day(case.triage_due_at),
    )
    return SubmittedCase(case, access_key, created=True)


def case_search_text(case: Case) -> str:
    """What accent-insensitive search looks in: code, title, content, names and phone."""
    return search.officer_text(case)


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
    missing = missing_contact(
        phone=nfc(submission.phone),
        postal_address=nfc(submission.postal_address),
        email=nfc(submission.email),
        electronic=submission.channel in ELECTRONIC_CHANNELS,
    )
    if missing == "phone":
        raise SubmissionError("phone", "a phone number or a postal address is required")
    if missing == "email":
        raise SubmissionError("email", "an electronic item needs an e-mail or a postal address")
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


def _insert_once(case: Case, *, with_it: Callable[[], None]) -> bool:
    """Insert the case, and what ``with_it`` attaches to it, in a savepoint: one flush writes
    the case with its due dates and its clocks. ``False`` if the submission token is already
    taken."""
    try:
        with db.session.begin_nested():
            db.session.add(case)
            with_it()
    except IntegrityError:
        if case.submission_token and _case_for_token(case.submission_token) is not None:
            return False
        raise
    return True
