"""The administrator's verbs: accounts, the organisation data of DOMAIN.md §8, and the deadline
policies and working calendar of DOMAIN.md §4.

Each function takes plain values, checks what the database must never hold (a duplicate code, a
unit above itself, a validity range that ends before it starts), then changes and flushes the
session. None commits: the view, or a CLI command, commits once at the edge. A refusal is an
``InvalidInput`` naming the form field it belongs to, so that the view shows it next to that field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from intake import clock
from intake.accounts import passwords
from intake.accounts.models import Role, User
from intake.accounts.security_models import AccountEventKind, record
from intake.accounts.sessions import end_sessions
from intake.cases.operations import recompute_due_dates
from intake.core.calendar import local_date
from intake.core.deadlines import TRANSFER_OUT_MAX_WORKING_DAYS, Priority, Step
from intake.core.errors import InvalidInput  # noqa: F401 — raised as ops.InvalidInput
from intake.core.text import fold, nfc
from intake.extensions import db
from intake.org.calendar import load_working_calendar, remove_override, set_override
from intake.org.models import (
    DeadlinePolicy,
    Field,
    Procedure,
    ProcedureLevel,
    RoutingRule,
    Unit,
    UnitKind,
    needs_notification_email,
)

MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH

# Bounds the forms also state; the database itself only checks working_days (1..365).
MAX_WORKING_DAYS = 365
#: (first reminder %, second reminder %, escalation working days after the due date).
ReminderSchedule = tuple[int | None, int | None, int | None]
MAX_EXTENSIONS = 10
MAX_EXTENSION_WORKING_DAYS = 60  # what a handler's extension request form accepts
CALENDAR_YEARS = range(2000, 2101)

MISSING_UNIT_EMAIL = _l(
    "Đơn vị chủ trì hoặc phối hợp xử lý phải có địa chỉ thư điện tử nhận thông báo "
    "(chỉ cơ quan ngoài tỉnh và đơn vị đã kết thúc hoạt động mới được để trống)."
)
UNIT_WITHOUT_EMAIL_ADMIN = _l(
    "Đơn vị này chưa có địa chỉ thư điện tử nhận thông báo; hãy bổ sung ở trang đơn vị trước."
)


# --- users ------------------------------------------------------------------------------------


def create_user(
    *,
    email: str,
    full_name: str,
    role: Role,
    unit_id: int | None,
    password: str,
    today: date,
    must_change: bool = False,
) -> User:
    email = _email(email)
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise InvalidInput("email", _l("Đã có tài khoản dùng địa chỉ thư điện tử này."))
    unit = _unit_in_force(unit_id, today, field="unit_id")
    _check_password(password, email=email, full_name=full_name)
    user = User(email=email, full_name=nfc(full_name), role=role, unit=unit)
    user.set_password(password)
    user.must_change_password = must_change
    db.session.add(user)
    db.session.flush()
    return user


def update_user(
    user: User,
    *,
    actor: User,
    full_name: str,
    role: Role,
    unit_id: int | None,
    is_enabled: bool,
    today: date,
) -> None:
    """Name, role, unit and whether the account may sign in. An administrator cannot take away
    their own administration rights: the province would be left without anyone to give them back."""
    if user.id == actor.id and role is not Role.ADMIN:
        raise InvalidInput("role", _l("Bạn không thể tự bỏ quyền quản trị của chính mình."))
    # An ended unit keeps the officers it had; nobody new is moved into it.
    unit = user.unit if unit_id == user.unit_id else _unit_in_force(unit_id, today, field="unit_id")
    set_user_enabled(user, is_enabled, actor=actor)
    if role is not user.role or unit is not user.unit:
        # What the officer may see and do has changed: their open sessions end at once.
        end_sessions(user, reason="role_changed")
    user.full_name = nfc(full_name)
    user.role = role
    user.unit = unit
    db.session.flush()


def set_user_enabled(user: User, enabled: bool, *, actor: User) -> None:
    """A disabled account can no longer sign in, and its open sessions stop working at once
    (``User.is_active``). Accounts are never deleted: the event log names their actions."""
    if user.id == actor.id and not enabled:
        raise InvalidInput("is_enabled", _l("Bạn không thể tự khóa tài khoản của chính mình."))
    if user.is_enabled and not enabled:
        end_sessions(user, reason="disabled")
    user.is_enabled = enabled
    db.session.flush()


def reset_password(
    user: User, *, password: str, actor: User | None = None, must_change: bool = True
) -> None:
    """A new password set by an administrator: the account's sessions end, and (by default)
    the officer must choose their own password when they next sign in."""
    _check_password(password, field="password", email=user.email, full_name=user.full_name)
    user.set_password(password)
    user.must_change_password = must_change
    now = clock.now()
    end_sessions(user, reason="password_reset", now=now)
    record(user, AccountEventKind.PASSWORD_RESET, actor=actor, at=now)
    db.session.flush()


def reset_two_factor(user: User, *, actor: User | None) -> None:
    """Remove an officer's second factor and recovery codes (recorded); their sessions end."""
    from intake.accounts.twofactor import remove_two_factor

    now = clock.now()
    remove_two_factor(user)
    end_sessions(user, reason="two_factor_reset", now=now)
    record(user, AccountEventKind.TWO_FACTOR_RESET, actor=actor, at=now)
    db.session.flush()


def _email(value: str) -> str:
    email = nfc(value).lower()
    if not email or "@" not in email:
        raise InvalidInput("email", _l("Địa chỉ thư điện tử không hợp lệ."))
    return email


def _check_password(
    password: str, field: str = "password", *, email: str = "", full_name: str = ""
) -> None:
    problem = passwords.problem(password, email=email, full_name=full_name)
    if problem is not None:
        raise InvalidInput(field, problem)


# --- units ------------------------------------------------------------------------------------


def save_unit(
    unit: Unit | None,
    *,
    code: str,
    name: str,
    name_en: str,
    kind: UnitKind,
    parent_id: int | None,
    email: str | None,
    receives_intake: bool,
    valid_from: date | None,
    valid_to: date | None,
) -> Unit:
    """Create a unit (``unit`` is None) or change one. Units are never deleted, only ended with
    ``valid_to``, so that past items and reports keep naming them."""
    code = nfc(code)
    _unique(Unit, Unit.code, code, unit, "code", _l("Đã có đơn vị dùng mã này."))
    parent = None
    if parent_id is not None:
        parent = db.session.get(Unit, parent_id)
        if parent is None:
            raise InvalidInput("parent_id", _l("Đơn vị cấp trên không tồn tại."))
        if unit is not None and _is_ancestor(unit, parent):
            raise InvalidInput(
                "parent_id",
                _l("Đơn vị cấp trên không thể là chính đơn vị này hay một đơn vị trực thuộc nó."),
            )
    if valid_from and valid_to and valid_to < valid_from:
        raise InvalidInput("valid_to", _l("Ngày kết thúc phải từ ngày bắt đầu hiệu lực trở đi."))
    email = nfc(email).lower() or None
    if email is None and needs_notification_email(kind, valid_to, local_date(clock.now())):
        raise InvalidInput("email", MISSING_UNIT_EMAIL)
    if unit is None:
        unit = Unit(code=code)
        db.session.add(unit)
    unit.code = code
    unit.name = nfc(name)
    unit.name_en = nfc(name_en)
    unit.kind = kind
    unit.parent = parent
    unit.email = email
    unit.receives_intake = receives_intake
    unit.valid_from = valid_from
    unit.valid_to = valid_to
    db.session.flush()
    return unit


def _is_ancestor(unit: Unit, candidate: Unit) -> bool:
    """Whether ``unit`` is ``candidate`` or above it: making it candidate's child would close a
    loop. The walk stops on a loop already in the data rather than running forever."""
    seen: set[int] = set()
    current: Unit | None = candidate
    while current is not None and current.id not in seen:
        if current.id == unit.id:
            return True
        seen.add(current.id)
        current = current.parent
    return False


def _unit_in_force(unit_id: int | None, today: date, *, field: str) -> Unit:
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    if unit is None:
        raise InvalidInput(field, _l("Vui lòng chọn đơn vị."))
    if not unit.is_active_on(today):
        raise InvalidInput(field, _l("Đơn vị này không còn (hoặc chưa) hoạt động."))
    return unit


def _unit_receiving_work(unit_id: int | None, today: date, *, field: str) -> Unit:
    """A unit routing may send items to: in force, and with a notification e-mail."""
    unit = _unit_in_force(unit_id, today, field=field)
    if not unit.receives_work:
        raise InvalidInput(field, _l("Cơ quan ngoài tỉnh không thể là đơn vị chủ trì."))
    if not unit.email:
        raise InvalidInput(field, UNIT_WITHOUT_EMAIL_ADMIN)
    return unit


# --- fields and procedures --------------------------------------------------------------------


def save_field(
    field: Field | None, *, code: str, name: str, name_en: str, is_active: bool
) -> Field:
    """A field is switched off rather than deleted: items and procedures keep pointing to it."""
    code = nfc(code)
    _unique(Field, Field.code, code, field, "code", _l("Đã có lĩnh vực dùng mã này."))
    if field is None:
        field = Field(code=code)
        db.session.add(field)
    field.code = code
    field.name = nfc(name)
    field.name_en = nfc(name_en)
    field.is_active = is_active
    db.session.flush()
    return field


def save_procedure(
    procedure: Procedure | None,
    *,
    national_code: str,
    name: str,
    field_id: int | None,
    level: ProcedureLevel,
    unit_id: int | None,
    is_active: bool,
) -> Procedure:
    national_code = nfc(national_code)
    name = nfc(name)
    _unique(
        Procedure,
        Procedure.national_code,
        national_code,
        procedure,
        "national_code",
        _l("Đã có thủ tục dùng mã này."),
    )
    if field_id is None or db.session.get(Field, field_id) is None:
        raise InvalidInput("field_id", _l("Vui lòng chọn lĩnh vực."))
    if unit_id is not None and db.session.get(Unit, unit_id) is None:
        raise InvalidInput("unit_id", _l("Đơn vị không tồn tại."))
    if procedure is None:
        procedure = Procedure(national_code=national_code)
        db.session.add(procedure)
    procedure.national_code = national_code
    procedure.name = name
    procedure.search_text = fold(f"{national_code} {name}")
    procedure.field_id = field_id
    procedure.level = level
    procedure.unit_id = unit_id
    procedure.is_active = is_active
    db.session.flush()
    return procedure


# --- routing rules ----------------------------------------------------------------------------


def save_routing_rule(
    rule: RoutingRule | None,
    *,
    field_id: int | None,
    procedure_id: int | None,
    unit_id: int | None,
    today: date,
) -> RoutingRule:
    """A rule names exactly one target, a field or a procedure, and one lead unit; each target
    has at most one rule, so the suggestion is never ambiguous."""
    if field_id is None and procedure_id is None:
        raise InvalidInput("field_id", _l("Chọn lĩnh vực hoặc thủ tục mà quy tắc áp dụng."))
    if field_id is not None and procedure_id is not None:
        raise InvalidInput(
            "procedure_id", _l("Chỉ chọn một: hoặc lĩnh vực, hoặc thủ tục, không chọn cả hai.")
        )
    if field_id is not None:
        if db.session.get(Field, field_id) is None:
            raise InvalidInput("field_id", _l("Lĩnh vực không tồn tại."))
        _unique(
            RoutingRule, RoutingRule.field_id, field_id, rule, "field_id",
            _l("Lĩnh vực này đã có quy tắc phân công; hãy sửa quy tắc đó."),
        )  # fmt: skip
    else:
        if db.session.get(Procedure, procedure_id) is None:
            raise InvalidInput("procedure_id", _l("Thủ tục không tồn tại."))
        _unique(
            RoutingRule, RoutingRule.procedure_id, procedure_id, rule, "procedure_id",
            _l("Thủ tục này đã có quy tắc phân công; hãy sửa quy tắc đó."),
        )  # fmt: skip
    unit = _unit_receiving_work(unit_id, today, field="unit_id")
    if rule is None:
        rule = RoutingRule()
        db.session.add(rule)
    rule.field_id = field_id
    rule.procedure_id = procedure_id
    rule.unit = unit
    db.session.flush()
    return rule


def delete_routing_rule(rule: RoutingRule) -> None:
    """Rules only suggest: items already routed keep their unit, so a rule may be deleted."""
    db.session.delete(rule)
    db.session.flush()


# --- deadline policies ------------------------------------------------------------------------


def save_province_policies(
    step: Step,
    *,
    working_days: Mapping[Priority, int | None],
    extensions: Mapping[Priority, tuple[int | None, int | None]] | None = None,
    reminders: ReminderSchedule | None = None,
) -> list[DeadlinePolicy]:
    """The province-wide lengths of one step, one per priority (``field_id`` null). A row the
    seed did not create is created. ``extensions`` (how many, how many working days each) only
    for the handling step. Clocks already running keep the due date they were given."""
    for priority in Priority:
        _check_days(working_days.get(priority), f"{priority.value}_days", step)
        if extensions is not None:
            count, days = extensions.get(priority, (None, None))
            _check_extensions(count, days, prefix=f"{priority.value}_")
    if reminders is not None:
        _check_reminders(reminders)
    saved = []
    for priority in Priority:
        policy = province_policy(step, priority)
        if policy is None:
            policy = DeadlinePolicy(field_id=None, step=step, priority=priority)
            db.session.add(policy)
        policy.working_days = working_days[priority]
        if extensions is not None and step is Step.HANDLING:
            policy.max_extensions, policy.max_extension_working_days = extensions[priority]
        if reminders is not None:
            (
                policy.remind_half_percent,
                policy.remind_late_percent,
                policy.escalation_working_days,
            ) = reminders
        saved.append(policy)
    db.session.flush()
    return saved


def province_policy(step: Step, priority: Priority) -> DeadlinePolicy | None:
    """The all-fields row of a step and priority. The unique key does not cover a null field, so
    a hand-edited database might hold two: the oldest is the one shown and edited."""
    return db.session.scalar(
        sa.select(DeadlinePolicy)
        .where(
            DeadlinePolicy.field_id.is_(None),
            DeadlinePolicy.step == step,
            DeadlinePolicy.priority == priority,
        )
        .order_by(DeadlinePolicy.id)
        .limit(1)
    )


def save_policy_override(
    policy: DeadlinePolicy | None,
    *,
    field_id: int | None,
    priority: Priority,
    step: Step,
    working_days: int | None,
    max_extensions: int | None = None,
    max_extension_working_days: int | None = None,
) -> DeadlinePolicy:
    """A field's own length for one step and priority, instead of the province-wide one. The
    extension limits are kept only for the handling step, the one they apply to."""
    if field_id is None or db.session.get(Field, field_id) is None:
        raise InvalidInput("field_id", _l("Vui lòng chọn lĩnh vực."))
    _check_days(working_days, "working_days", step)
    if step is Step.HANDLING:
        _check_extensions(max_extensions, max_extension_working_days, prefix="")
    taken = sa.select(DeadlinePolicy.id).where(
        DeadlinePolicy.field_id == field_id,
        DeadlinePolicy.priority == priority,
        DeadlinePolicy.step == step,
    )
    if policy is not None and policy.id is not None:
        taken = taken.where(DeadlinePolicy.id != policy.id)
    if db.session.scalar(taken.limit(1)) is not None:
        raise InvalidInput(
            "step",
            _l("Lĩnh vực này đã có thời hạn riêng cho bước và mức độ này; hãy sửa thời hạn đó."),
        )
    if policy is None:
        policy = DeadlinePolicy()
        db.session.add(policy)
    policy.field_id = field_id
    policy.priority = priority
    policy.step = step
    policy.working_days = working_days
    if step is Step.HANDLING:
        policy.max_extensions = max_extensions
        policy.max_extension_working_days = max_extension_working_days
    db.session.flush()
    return policy


def delete_policy_override(policy: DeadlinePolicy) -> None:
    """The field goes back to the province-wide length, for clocks started from now on. The
    province-wide rows are edited, never deleted."""
    if policy.field_id is None:
        raise InvalidInput("field_id", _l("Không thể xóa thời hạn chung toàn tỉnh."))
    db.session.delete(policy)
    db.session.flush()


def _check_days(value: int | None, field: str, step: Step | None = None) -> None:
    if value is None or not 1 <= value <= MAX_WORKING_DAYS:
        raise InvalidInput(
            field, _l("Nhập số ngày làm việc từ 1 đến %(max)d.", max=MAX_WORKING_DAYS)
        )
    if step is Step.TRIAGE and value > TRANSFER_OUT_MAX_WORKING_DAYS:
        raise InvalidInput(
            field,
            _l(
                "Thời hạn phân loại không quá %(max)d ngày làm việc: đó là hạn tối đa để chuyển "
                "cơ quan có thẩm quyền (Điều 9.1d Nghị định 20/2008/NĐ-CP).",
                max=TRANSFER_OUT_MAX_WORKING_DAYS,
            ),
        )


def _check_reminders(reminders: ReminderSchedule) -> None:
    half, late, escalation = reminders
    if half is None or not 1 <= half <= 98:
        raise InvalidInput("remind_half_percent", _l("Nhập một tỷ lệ từ 1 đến 98 (%)."))
    if late is None or not half < late <= 99:
        raise InvalidInput(
            "remind_late_percent",
            _l("Nhập một tỷ lệ lớn hơn lần nhắc thứ nhất và không quá 99 (%)."),
        )
    if escalation is None or not 1 <= escalation <= 30:
        raise InvalidInput("escalation_working_days", _l("Nhập số ngày làm việc từ 1 đến 30."))


def _check_extensions(count: int | None, days: int | None, *, prefix: str) -> None:
    if count is None or not 0 <= count <= MAX_EXTENSIONS:
        raise InvalidInput(
            f"{prefix}max_extensions",
            _l("Nhập số lần gia hạn từ 0 đến %(max)d.", max=MAX_EXTENSIONS),
        )
    if days is None or not 1 <= days <= MAX_EXTENSION_WORKING_DAYS:
        raise InvalidInput(
            f"{prefix}max_extension_working_days",
            _l("Nhập số ngày làm việc từ 1 đến %(max)d.", max=MAX_EXTENSION_WORKING_DAYS),
        )


# --- the working calendar ---------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarChange:
    day: date
    is_working_day: bool | None  # None: the override was removed, the national calendar applies
    moved: int  # open due dates that moved, each recorded on its item


def set_calendar_day(
    day: date | None, *, is_working_day: bool, reason: str, now: datetime, actor: User | str
) -> CalendarChange:
    """Declare a day off or a working day (a provincial decision the `holidays` package does not
    know), then move every open due date the change touches, with an event on each item."""
    if day is None or day.year not in CALENDAR_YEARS:
        raise InvalidInput(
            "day",
            _l(
                "Chọn một ngày từ năm %(first)d đến năm %(last)d.",
                first=CALENDAR_YEARS[0],
                last=CALENDAR_YEARS[-1],
            ),
        )
    reason = nfc(reason)
    if not reason:
        raise InvalidInput("reason", _l("Vui lòng nêu căn cứ, ví dụ số quyết định của tỉnh."))
    set_override(day, is_working_day=is_working_day, reason=reason, now=now)
    return CalendarChange(day, is_working_day, _recompute(now, actor))


def remove_calendar_day(day: date, *, now: datetime, actor: User | str) -> CalendarChange | None:
    """Forget a day's override: the national calendar applies again, and open due dates follow.
    None when the day had no override."""
    if not remove_override(day):
        return None
    return CalendarChange(day, None, _recompute(now, actor))


def _recompute(now: datetime, actor: User | str) -> int:
    return recompute_due_dates(now=now, calendar=load_working_calendar(), actor=actor)


# --- shared -----------------------------------------------------------------------------------


def _unique(model, column, value, current, field: str, message) -> None:
    query = sa.select(model.id).where(column == value)
    if current is not None and current.id is not None:
        query = query.where(model.id != current.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise InvalidInput(field, message)
