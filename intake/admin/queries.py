"""What the administrator's pages list. Queries return a ``Select`` where a page paginates or
filters them; the unit tree is built in Python because it is small and its order is a walk."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from intake.accounts.models import Role, User
from intake.core.text import fold
from intake.extensions import db
from intake.org.models import Field, Procedure, RoutingRule, Unit, UnitKind

_KIND_ORDER = {kind: i for i, kind in enumerate(UnitKind)}


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
    )
