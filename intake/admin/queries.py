"""What the administrator's pages list. Queries return a ``Select`` where a page paginates or
filters them; the unit tree is built in Python because it is small and its order is a walk, and so
are the policy table and a year of the calendar (a few dozen rows each)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import holidays
import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from intake.accounts.models import Role, User
from intake.core.clocks import DEFAULT_SCHEDULE, ReminderSchedule
from intake.core.deadlines import Priority, Step, default_working_days
from intake.core.text import fold
from intake.extensions import db
from intake.org.calendar import load_working_calendar
from intake.org.models import (
    CalendarOverride,
    DeadlinePolicy,
    Field,
    Procedure,
    RoutingRule,
    Unit,
    UnitKind,
)
from intake.org.policies import working_days_for

_KIND_ORDER = {kind: i for i, kind in enumerate(UnitKind)}
_STEP_ORDER = {step: i for i, step in enumerate(Step)}
_PRIORITY_ORDER = {priority: i for i, priority in enumerate(Priority)}
_HOLIDAY_LANGUAGES = {"vi": "vi", "en": "en_US"}  # our locale -> the `holidays` package's


@dataclass(frozen=True)
class TreeRow:
    unit: Unit
    depth: int


def unit_tree() -> list[TreeRow]:
    """Every unit, each under its parent: by level (province, departments, districts, communes,
    external), then by name. A unit whose parent chain loops (which the operations refuse, but
    a hand-edited database might hold) is still listed, at the top level."""
    units = db.session.scalars(sa.select(Unit)).all()
    known = {u.id for u in units}
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id if unit.parent_id in known else None].append(unit)
    for siblings in children.values():
        siblings.sort(key=lambda u: (_KIND_ORDER[u.kind], fold(u.name)))
    rows: list[TreeRow] = []
    seen: set[int] = set()

    def walk(roots: list[Unit]) -> None:
        stack = [(unit, 0) for unit in reversed(roots)]
        while stack:
            unit, depth = stack.pop()
            if unit.id in seen:
                continue
            seen.add(unit.id)
            rows.append(TreeRow(unit, depth))
            stack.extend((child, depth + 1) for child in reversed(children.get(unit.id, [])))

    walk(children.get(None, []))
    walk([u for u in sorted(units, key=lambda u: fold(u.name)) if u.id not in seen])
    return rows


def users_per_unit() -> dict[int, int]:
    rows = db.session.execute(
        sa.select(User.unit_id, sa.func.count(User.id))
        .where(User.is_enabled)
        .group_by(User.unit_id)
    )
    return {key: value for key, value in rows}


def users(
    *,
    q: str = "",
    unit_id: int | None = None,
    role: Role | None = None,
    enabled: bool | None = None,
) -> list[User]:
    """Officers' accounts matching the filters. Names are matched without diacritics in Python:
    a province has hundreds of accounts, not millions, and both databases then behave alike."""
    query = sa.select(User).options(joinedload(User.unit))
    if unit_id is not None:
        query = query.where(User.unit_id == unit_id)
    if role is not None:
        query = query.where(User.role == role)
    if enabled is not None:
        query = query.where(User.is_enabled.is_(enabled))
    found = sorted(db.session.scalars(query), key=lambda u: (fold(u.full_name), u.email))
    needle = fold(q)
    if not needle:
        return found
    return [u for u in found if needle in fold(f"{u.full_name} {u.email}")]


def procedures(*, q: str = "", field_id: int | None = None) -> sa.Select:
    """Procedures by national code; ``q`` matches the folded code and name, so "dang ky khai
    sinh" finds "Đăng ký khai sinh"."""
    query = (
        sa.select(Procedure)
        .options(joinedload(Procedure.field), joinedload(Procedure.unit))
        .order_by(Procedure.national_code)
    )
    needle = fold(q)
    if needle:
        query = query.where(Procedure.search_text.contains(needle, autoescape=True))
    if field_id is not None:
        query = query.where(Procedure.field_id == field_id)
    return query


def routing_rules() -> list[tuple[RoutingRule, Field | None, Procedure | None]]:
    """Field rules first (by field name, as a Vietnamese reader sorts it: "Đất đai" among the
    D's, not after Z), then procedure rules (by national code)."""
    rows = db.session.execute(
        sa.select(RoutingRule, Field, Procedure)
        .options(joinedload(RoutingRule.unit))
        .outerjoin(Field, Field.id == RoutingRule.field_id)
        .outerjoin(Procedure, Procedure.id == RoutingRule.procedure_id)
    )
    return sorted(
        (tuple(row) for row in rows),
        key=lambda r: (0, fold(r[1].name)) if r[1] is not None else (1, r[2].national_code),
    )


def fields() -> list[Field]:
    """Fields in use first, each group in the order a Vietnamese reader expects."""
    found = db.session.scalars(sa.select(Field))
    return sorted(found, key=lambda f: (not f.is_active, fold(f.name)))


def field_lead_units() -> dict[int, Unit]:
    """The unit each field's routing rule suggests, for the fields list."""
    rows = db.session.execute(
        sa.select(RoutingRule.field_id, Unit)
        .join(Unit, Unit.id == RoutingRule.unit_id)
        .where(RoutingRule.field_id.is_not(None))
    )
    return {key: value for key, value in rows}


def procedures_per_field() -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Procedure.field_id, sa.func.count(Procedure.id)).group_by(Procedure.field_id)
    )
    return {key: value for key, value in rows}


# --- deadline policies ------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyCell:
    """One step at one priority, for every field. ``configured`` is False when the table has no
    row: DOMAIN.md's default applies (as ``intake.org.policies`` reads it) until one is saved."""

    working_days: int
    max_extensions: int
    max_extension_working_days: int
    configured: bool
    reminders: ReminderSchedule = DEFAULT_SCHEDULE


@dataclass(frozen=True)
class StepPolicies:
    step: Step
    cells: dict[Priority, PolicyCell]


def province_policies() -> list[StepPolicies]:
    """The province-wide table: one row per step, in the order an item meets them."""
    rows: dict[tuple[Step, Priority], DeadlinePolicy] = {}
    for policy in db.session.scalars(
        sa.select(DeadlinePolicy)
        .where(DeadlinePolicy.field_id.is_(None))
        .order_by(DeadlinePolicy.id.desc())  # the oldest of duplicates wins, as it is edited
    ):
        rows[(policy.step, policy.priority)] = policy
    table = []
    for step in Step:
        cells = {}
        for priority in Priority:
            policy = rows.get((step, priority))
            cells[priority] = (
                PolicyCell(
                    policy.working_days,
                    policy.max_extensions,
                    policy.max_extension_working_days,
                    configured=True,
                    reminders=ReminderSchedule(
                        policy.remind_half_percent,
                        policy.remind_late_percent,
                        policy.escalation_working_days,
                    ),
                )
                if policy is not None
                else PolicyCell(default_working_days(step, priority), 1, 10, configured=False)
            )
        table.append(StepPolicies(step, cells))
    return table


def province_step(step: Step) -> StepPolicies:
    return next(row for row in province_policies() if row.step is step)


def policy_overrides() -> list[tuple[DeadlinePolicy, Field]]:
    """Fields' own lengths: by field name (as a Vietnamese reader sorts it), step, priority."""
    rows = db.session.execute(
        sa.select(DeadlinePolicy, Field).join(Field, Field.id == DeadlinePolicy.field_id)
    )
    return sorted(
        (tuple(row) for row in rows),
        key=lambda r: (fold(r[1].name), _STEP_ORDER[r[0].step], _PRIORITY_ORDER[r[0].priority]),
    )


# --- the working calendar ---------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    """A day of the year that differs from an ordinary week, or that the province changed."""

    day: date
    holiday: str | None  # the national holiday's name, from the `holidays` package
    swapped: bool  # a weekend day the Government made a working day (làm bù)
    weekend: bool
    national_working: bool  # what the national calendar alone says
    override: CalendarOverride | None
    is_working: bool  # what deadlines count: the override wins over the national calendar


def calendar_year(year: int, language: str) -> list[CalendarDay]:
    """The national days off and swapped working days of ``year``, side by side with the
    province's overrides, in date order. Holiday names in ``language`` (our locale code)."""
    national = holidays.country_holidays(
        "VN", years=year, language=_HOLIDAY_LANGUAGES.get(language, "vi")
    )
    swapped = {d for d in getattr(national, "weekend_workdays", ()) if d.year == year}
    overrides = {
        o.day: o
        for o in db.session.scalars(
            sa.select(CalendarOverride).where(
                CalendarOverride.day.between(date(year, 1, 1), date(year, 12, 31))
            )
        )
    }
    in_force = load_working_calendar()
    return [
        CalendarDay(
            day=day,
            holiday=national.get(day),
            swapped=day in swapped,
            weekend=day.weekday() in national.weekend,
            national_working=bool(national.is_working_day(day)),
            override=overrides.get(day),
            is_working=in_force.is_working_day(day),
        )
        for day in sorted({*(d for d in national if d.year == year), *swapped, *overrides})
    ]


def override_years() -> dict[int, int]:
    """How many overrides each year has, for links to the years other than the one shown."""
    counts: dict[int, int] = defaultdict(int)
    for day in db.session.scalars(sa.select(CalendarOverride.day)):
        counts[day.year] += 1
    return dict(sorted(counts.items()))


# --- the overview -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    users: int
    users_enabled: int
    admins: int
    units: int
    units_in_force: int
    fields: int
    fields_active: int
    procedures: int
    procedures_active: int
    field_rules: int
    procedure_rules: int
    overall_days: int
    policy_overrides: int
    year: int
    calendar_overrides: int


def units_without_email(today: date) -> list[Unit]:
    """Units that can lead or cooperate on items but have no notification e-mail (DOMAIN §8):
    routing refuses them until the administrator adds one."""
    units = db.session.scalars(
        sa.select(Unit).where(sa.or_(Unit.email.is_(None), Unit.email == "")).order_by(Unit.name)
    )
    return [u for u in units if u.needs_email(today)]


def overview(today: date) -> Overview:
    def count(query) -> int:
        return db.session.scalar(query) or 0

    in_force = sa.and_(
        sa.or_(Unit.valid_from.is_(None), Unit.valid_from <= today),
        sa.or_(Unit.valid_to.is_(None), Unit.valid_to >= today),
    )
    return Overview(
        users=count(sa.select(sa.func.count(User.id))),
        users_enabled=count(sa.select(sa.func.count(User.id)).where(User.is_enabled)),
        admins=count(
            sa.select(sa.func.count(User.id)).where(User.role == Role.ADMIN, User.is_enabled)
        ),
        units=count(sa.select(sa.func.count(Unit.id))),
        units_in_force=count(sa.select(sa.func.count(Unit.id)).where(in_force)),
        fields=count(sa.select(sa.func.count(Field.id))),
        fields_active=count(sa.select(sa.func.count(Field.id)).where(Field.is_active)),
        procedures=count(sa.select(sa.func.count(Procedure.id))),
        procedures_active=count(sa.select(sa.func.count(Procedure.id)).where(Procedure.is_active)),
        field_rules=count(
            sa.select(sa.func.count(RoutingRule.id)).where(RoutingRule.field_id.is_not(None))
        ),
        procedure_rules=count(
            sa.select(sa.func.count(RoutingRule.id)).where(RoutingRule.procedure_id.is_not(None))
        ),
        overall_days=working_days_for(Step.OVERALL, Priority.NORMAL),
        policy_overrides=count(
            sa.select(sa.func.count(DeadlinePolicy.id)).where(DeadlinePolicy.field_id.is_not(None))
        ),
        year=today.year,
        calendar_overrides=count(
            sa.select(sa.func.count(CalendarOverride.id)).where(
                CalendarOverride.day.between(date(today.year, 1, 1), date(today.year, 12, 31))
            )
        ),
    )
