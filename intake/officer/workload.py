"""What a unit's queue tells its people besides the rows: which of a handler's items were
assigned to them and not yet touched ("new"), and, for the unit lead, each handler's load."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from intake.accounts.models import Role, User
from intake.cases.models import Case, CaseEvent
from intake.core.states import EventKind, State
from intake.extensions import db
from intake.web.template_helpers import working_days_left

#: The states in which an item is on the unit's desk (the lead unit's open work).
WITH_UNIT = (State.ASSIGNED, State.IN_PROGRESS, State.NEEDS_INFO, State.DEFERRED)


def new_for(user: User, case_ids: list[int]) -> set[int]:
    """Of ``case_ids``, the items assigned to ``user`` by someone else on which ``user`` has
    done nothing since (no event of theirs after the assignment)."""
    if not case_ids:
        return set()
    latest = (
        sa.select(CaseEvent.case_id, sa.func.max(CaseEvent.seq).label("seq"))
        .join(Case, Case.id == CaseEvent.case_id)
        .where(
            CaseEvent.case_id.in_(case_ids),
            CaseEvent.kind == str(EventKind.ASSIGN_HANDLER),
            Case.handler_id == user.id,
        )
        .group_by(CaseEvent.case_id)
        .subquery()
    )
    assignment = sa.orm.aliased(CaseEvent)
    later = sa.orm.aliased(CaseEvent)
    acted_since = (
        sa.select(later.id)
        .where(later.case_id == latest.c.case_id, later.seq > latest.c.seq)
        .where(later.actor_id == user.id)
        .exists()
    )
    rows = db.session.scalars(
        sa.select(latest.c.case_id)
        .join(
            assignment,
            sa.and_(assignment.case_id == latest.c.case_id, assignment.seq == latest.c.seq),
        )
        .where(sa.or_(assignment.actor_id.is_(None), assignment.actor_id != user.id))
        .where(~acted_since)
    )
    return set(rows)


@dataclass
class Load:
    name: str
    open: int = 0
    due_soon: int = 0
    overdue: int = 0
    case_ids: list[int] = field(default_factory=list)


def unit_load(unit_id: int, now: datetime) -> list[Load]:
    """One row per officer of the unit (and one for items not yet given to anybody): open
    items, items due within a working day, overdue items — by the current step's due date,
    as the queue's badges count them."""
    officers = db.session.scalars(
        sa.select(User)
        .where(
            User.unit_id == unit_id,
            User.role.in_([Role.HANDLER, Role.UNIT_LEAD]),
            User.is_enabled,
        )
        .order_by(User.full_name)
    ).all()
    rows: dict[int | None, Load] = {u.id: Load(u.full_name) for u in officers}
    cases = db.session.execute(
        sa.select(Case.id, Case.handler_id, Case.step_due_at).where(
            Case.lead_unit_id == unit_id, Case.state.in_(WITH_UNIT)
        )
    )
    for case_id, handler_id, due_at in cases:
        row = rows.get(handler_id)
        if row is None:
            row = rows.setdefault(None, Load(""))
        row.open += 1
        row.case_ids.append(case_id)
        if due_at is not None and due_at < now:
            row.overdue += 1
        elif due_at is not None and working_days_left(due_at) <= 1:
            row.due_soon += 1
    return list(rows.values())
