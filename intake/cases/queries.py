"""Read-side queries of the case aggregate. Each returns a ``Select`` so that views paginate it
and tests run it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from intake.accounts.models import User
from intake.cases.models import Case, CaseEvent, CooperationRequest, CooperationStatus
from intake.cases.permissions import visible_filter
from intake.core.calendar import end_of_local_day, start_of_local_day
from intake.core.states import ANSWERED_STATES, OPEN_STATES, State
from intake.core.text import fold
from intake.extensions import db


def public_history(case: Case) -> sa.Select:
    """What the citizen may see of the history: public events only, oldest first."""
    return (
        sa.select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.is_public)
        .order_by(CaseEvent.seq)
    )


# --- queues -----------------------------------------------------------------------------------

INTAKE_TABS = ("to_classify", "returned", "needs_info", "review", "all")
UNIT_TABS = ("to_accept", "in_progress", "waiting_cooperation", "mine", "cooperation", "done")


@dataclass
class QueueFilters:
    q: str = ""
    state: str = ""
    field_id: int | None = None
    unit_id: int | None = None
    channel: str = ""
    priority: str = ""
    received_from: date | None = None
    received_to: date | None = None


def queue(user: User, tab: str, filters: QueueFilters) -> sa.Select:
    """The cases of one tab of a queue, visible to ``user``, filtered, most urgent first."""
    query = sa.select(Case).where(visible_filter(user))
    query = query.where(_tab_condition(user, tab))
    return _apply_filters(query, filters).order_by(
        sa.case((Case.state.in_(OPEN_STATES), 0), else_=1),  # finished items last
        sa.case((Case.priority == "urgent", 0), else_=1),
        sa.func.coalesce(Case.step_due_at, Case.triage_due_at, Case.overall_due_at),
        Case.received_at,
    )


def _tab_condition(user: User, tab: str) -> sa.ColumnElement[bool]:
    return _tab_conditions(user).get(tab, sa.false())


def _tab_conditions(user: User) -> dict[str, sa.ColumnElement[bool]]:
    open_cooperation = sa.select(CooperationRequest.case_id).where(
        CooperationRequest.status == CooperationStatus.OPEN
    )
    conditions = {
        "to_classify": Case.state == State.RECEIVED,
        "returned": sa.and_(Case.state == State.RECEIVED, Case.bounce_count > 0),
        "needs_info": Case.state == State.NEEDS_INFO,
        "review": Case.state == State.ANSWER_REVIEW,
        "all": sa.true(),
        "to_accept": sa.and_(Case.state == State.ASSIGNED, Case.lead_unit_id == user.unit_id),
        "in_progress": sa.and_(
            Case.state.in_([State.IN_PROGRESS, State.NEEDS_INFO, State.DEFERRED]),
            Case.lead_unit_id == user.unit_id,
        ),
        "waiting_cooperation": sa.and_(
            Case.state == State.IN_PROGRESS,
            Case.lead_unit_id == user.unit_id,
            Case.id.in_(open_cooperation),
        ),
        "mine": sa.and_(Case.handler_id == user.id, Case.state.in_(OPEN_STATES)),
        "cooperation": Case.id.in_(
            sa.select(CooperationRequest.case_id).where(
                CooperationRequest.unit_id == user.unit_id,
                CooperationRequest.status == CooperationStatus.OPEN,
            )
        ),
        "done": sa.and_(
            Case.lead_unit_id == user.unit_id,
            Case.state.in_([State.ANSWER_REVIEW, State.ANSWERED, State.CLOSED]),
        ),
    }
    return conditions


def _apply_filters(query: sa.Select, filters: QueueFilters) -> sa.Select:
    if filters.q:
        query = query.where(*_contains_words(Case.search_text, filters.q))
    if filters.state:
        query = query.where(Case.state == filters.state)
    if filters.field_id:
        query = query.where(Case.field_id == filters.field_id)
    if filters.unit_id:
        query = query.where(Case.lead_unit_id == filters.unit_id)
    if filters.channel:
        query = query.where(Case.channel == filters.channel)
    if filters.priority:
        query = query.where(Case.priority == filters.priority)
    if filters.received_from:
        query = query.where(Case.received_at >= start_of_local_day(filters.received_from))
    if filters.received_to:
        query = query.where(Case.received_at < end_of_local_day(filters.received_to))
    return query


def tab_counts(user: User, tabs: tuple[str, ...]) -> dict[str, int]:
    """How many items wait in each tab, for the badges next to the tab names: one pass over
    the visible items, each tab a filtered count."""
    conditions = _tab_conditions(user)
    columns = [sa.func.count(Case.id).filter(conditions.get(t, sa.false())) for t in tabs]
    row = db.session.execute(sa.select(*columns).where(visible_filter(user))).one()
    return dict(zip(tabs, row, strict=True))


def full_history(case: Case) -> sa.Select:
    """Everything that happened, for officers: internal notes included."""
    return sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)


def published_cases(q: str = "", field_id: int | None = None, unit_id: int | None = None):
    """Answered items as /published shows them, newest first."""
    query = sa.select(Case).where(Case.published_at.is_not(None), Case.state.in_(ANSWERED_STATES))
    if q:
        query = query.where(*_contains_words(Case.published_search_text, q))
    if field_id:
        query = query.where(Case.field_id == field_id)
    if unit_id:
        query = query.where(Case.lead_unit_id == unit_id)
    return query.order_by(Case.published_at.desc())


def _contains_words(column, text: str) -> list[sa.ColumnElement[bool]]:
    """Every word of ``text`` (folded: no diacritics) starts a word of the folded ``column``:
    "nguyen van an" finds "Nguyễn Văn An", and "an" does not match inside "nhận".

    A LIKE over a folded copy works the same on SQLite and PostgreSQL. Folded words hold only
    letters and digits, so %, _ or a backslash typed by a user never reach the pattern. Every
    distinct word counts (the views bound the query to 200 characters); only the first eight
    did, so a long title found items that lacked its one distinctive number."""
    padded = sa.literal(" ").concat(column)
    return [padded.like(f"% {word}%") for word in dict.fromkeys(fold(text).split())]
