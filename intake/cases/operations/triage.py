"""The intake office's verbs: classify, route, refuse, mark as duplicate, transfer out, ask
the citizen for more (DOMAIN.md §3)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from intake.accounts.models import User
from intake.cases import clocks
from intake.cases.events import record_event
from intake.cases.labels import REJECT_REASON_TEMPLATES
from intake.cases.models import (
    Case,
    CaseKind,
    ContentClass,
)
from intake.cases.operations.cooperation import open_cooperation
from intake.cases.operations.engine import (
    calendar_or_loaded,
    check_version,
    notify_citizen,
    notify_unit,
    published_url,
    require,
    require_receiving_unit,
    required_text,
    touch,
    transition,
)
from intake.core.calendar import WorkingCalendar, local_date
from intake.core.deadlines import Priority, Step
from intake.core.errors import InvalidInput, NotAllowed
from intake.core.reasons import RejectReason
from intake.core.reference import normalise_reference_code
from intake.core.states import (
    Action,
    EventKind,
    InvalidTransition,
    State,
)
from intake.core.text import nfc
from intake.extensions import db
from intake.org.models import Unit, UnitKind


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
    calendar: WorkingCalendar | None = None,
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
        clocks.reapply_policy(
            case, (Step.TRIAGE, Step.OVERALL), calendar=calendar_or_loaded(calendar)
        )
    after = {
        "kind": str(kind),
        "content_class": str(content_class) if content_class else None,
        "field_id": field_id,
        "procedure_id": procedure_id,
        "priority": str(priority),
    }
    touch(case, now=now)
    record_event(
        case, EventKind.CLASSIFY, actor=actor, now=now, details={"before": before, "after": after}
    )


def assign_case(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    lead_unit: Unit,
    cooperating_units: list[Unit],
    note: str | None,
    calendar: WorkingCalendar | None = None,
) -> None:
    """Route to a lead unit (đơn vị chủ trì), optionally asking others to cooperate."""
    require(case, Action.ASSIGN, expected_version)
    if lead_unit.kind is UnitKind.EXTERNAL:
        raise NotAllowed(
            _l(
                "cơ quan ngoài tỉnh không thể là đơn vị chủ trì; "
                "hãy dùng chức năng chuyển cơ quan có thẩm quyền"
            )
        )
    require_receiving_unit(lead_unit, now=now)
    for unit in cooperating_units:
        require_receiving_unit(unit, now=now)
    calendar = calendar_or_loaded(calendar)  # the cooperation clocks below need one too
    case.lead_unit = lead_unit
    case.handler_id = None
    transition(
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
    notify_unit(lead_unit, case, "unit_assigned", now=now)
    for unit in cooperating_units:
        if unit.id != lead_unit.id:
            open_cooperation(case, unit, actor=actor, now=now, question=note, calendar=calendar)


def reject_case(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    reason: RejectReason,
    message: str | None = None,
) -> None:
    """Refuse at triage with a legal reason; the citizen is told why and where to go. Without
    a message of the officer's own, the reason's standard explanation is sent."""
    require(case, Action.REJECT, expected_version)
    if not nfc(message):
        with force_locale(case.language):  # the citizen reads it, not the officer
            message = str(REJECT_REASON_TEMPLATES[reason])
    message = required_text(message, _l("cần nêu lý do để thông báo cho người gửi"))
    transition(
        case,
        Action.REJECT,
        actor=actor,
        now=now,
        is_public=True,
        reason_code=str(reason),
        note=message,
    )
    notify_citizen(case, "rejected", now=now, reason=reason, message=message)


def mark_duplicate(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    original: Case | None = None,
    original_code: str | None = None,
) -> None:
    """Refuse as a duplicate, pointing the citizen to the item to follow instead (given as
    the item itself, or as the code an officer typed in any common spelling)."""
    require(case, Action.MARK_DUPLICATE, expected_version)
    if original is None:
        code = normalise_reference_code(original_code or "")
        original = db.session.scalar(sa.select(Case).where(Case.reference_code == code))
        if original is None:
            raise InvalidInput("original_code", _l("không tìm thấy mã %(code)s", code=code))
    # The item to follow is the first of a chain: a duplicate of a duplicate follows the original.
    for _hop in range(10):
        if original.duplicate_of is None:
            break
        original = original.duplicate_of
    if original.id == case.id:
        raise NotAllowed(_l("một phản ánh, kiến nghị không thể trùng với chính nó"))
    case.duplicate_of = original
    with force_locale(case.language):  # the citizen's language, not the officer's
        message = str(REJECT_REASON_TEMPLATES[RejectReason.DUPLICATE]) % {
            "original": original.reference_code
        }
        # Where to follow it: its published answer, and a notice when it is answered.
        message += " " + str(
            _l(
                "Khi phản ánh, kiến nghị %(original)s có kết quả trả lời, bạn sẽ được thông báo; "
                "kết quả được công khai tại %(url)s.",
                original=original.reference_code,
                url=published_url(original),
            )
        )
    transition(
        case,
        Action.MARK_DUPLICATE,
        actor=actor,
        now=now,
        is_public=True,
        reason_code=str(RejectReason.DUPLICATE),
        note=message,
        details={"original": original.reference_code},
    )
    notify_citizen(case, "rejected", now=now, reason=RejectReason.DUPLICATE, message=message)


def transfer_out(
    case: Case,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None,
    agency_unit: Unit | None,
    letter_number: str,
) -> None:
    """Forward to the competent agency outside the province (Art. 9.1d: within 5 wd), one of
    the external units of the organisation tree (DOMAIN §8). The event keeps the unit's id and
    its name as it was, which history and letters show even after the unit is renamed."""
    require(case, Action.TRANSFER_OUT, expected_version)
    letter_number = nfc(letter_number)
    if agency_unit is None or not letter_number:
        raise NotAllowed(_l("cần chọn cơ quan có thẩm quyền và nêu số văn bản chuyển"))
    if agency_unit.kind is not UnitKind.EXTERNAL:
        raise NotAllowed(
            _l("%(unit)s thuộc tỉnh: hãy chuyển đơn vị chủ trì xử lý", unit=agency_unit.name)
        )
    if not agency_unit.is_active_on(local_date(now)):
        raise NotAllowed(_l("đơn vị %(unit)s không hoạt động vào ngày này", unit=agency_unit.name))
    agency = agency_unit.name
    transition(
        case,
        Action.TRANSFER_OUT,
        actor=actor,
        now=now,
        is_public=True,
        details={
            "agency": agency, "agency_unit_id": agency_unit.id, "letter_number": letter_number
        },
    )  # fmt: skip
    notify_citizen(
        case, "transferred", now=now, agency=agency_unit.display_name(case.language),
        letter_number=letter_number,
    )  # fmt: skip


def request_info(
    case: Case, *, actor: User, now: datetime, expected_version: int | None, message: str
) -> None:
    """Ask the citizen for more; the clocks pause until they answer (DOMAIN.md §4)."""
    require(case, Action.REQUEST_INFO, expected_version)
    message = required_text(message, _l("cần nêu thông tin cần bổ sung"))
    transition(
        case,
        Action.REQUEST_INFO,
        actor=actor,
        now=now,
        is_public=True,
        note=message,
    )
    notify_citizen(case, "info_requested", now=now, message=message)


def triage_case(
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
    lead_unit: Unit,
    cooperating_units: list[Unit],
    note: str | None,
    calendar: WorkingCalendar | None = None,
) -> None:
    """Classify and route in one go (the intake officer's one submit): both events, one
    transaction; the routing sees the classification (urgency, field) just recorded."""
    calendar = calendar_or_loaded(calendar)
    classify_case(
        case, actor=actor, now=now, expected_version=expected_version, kind=kind,
        content_class=content_class, field_id=field_id, procedure_id=procedure_id,
        priority=priority, calendar=calendar,
    )  # fmt: skip
    assign_case(
        case, actor=actor, now=now, expected_version=None, lead_unit=lead_unit,
        cooperating_units=cooperating_units, note=note, calendar=calendar,
    )  # fmt: skip
