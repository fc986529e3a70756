"""Read-side queries of the case aggregate. Each returns a ``Select`` so that views paginate it
and tests run it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from intake.accounts.models import User
from intake.cases import search
from intake.cases.models import Case, CaseEvent, CooperationRequest, CooperationStatus
from intake.cases.permissions import visible_filter
from intake.core.calendar import end_of_local_day, start_of_local_day
from intake.core.states import ANSWERED_STATES, ENDED_AT_TRIAGE_STATES, OPEN_STATES, State
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
    """The cases of one tab of a queue, visible to ``user``, filtered; the best match first when
    searched (among the newest matches of the tab: :func:`tab_counts` counts the same), else
    most urgent first."""
    query = _apply_filters(sa.select(Case).where(visible_filter(user)), filters)
    return search.ranked(query.where(_tab_condition(user, tab)), filters.q, search.OFFICER,
                         order_by=[
        sa.case((Case.state.in_(OPEN_STATES), 0), else_=1),  # finished items last
        sa.case((Case.priority == "urgent", 0), else_=1),
        sa.func.coalesce(Case.step_due_at, Case.triage_due_at, Case.overall_due_at),
        Case.received_at,
        Case.id,
    ])  # fmt: skip


def _tab_condition(user: User, tab: str) -> sa.ColumnElement[bool]:
    return _tab_conditions(user, (tab,))[tab]


def _open_cooperation() -> sa.Select:
    return sa.select(CooperationRequest.case_id).where(
        CooperationRequest.status == CooperationStatus.OPEN
    )


def _open_cooperation_asked_of(unit_id: int | None) -> sa.Select:
    return _open_cooperation().where(CooperationRequest.unit_id == unit_id)


#: Each tab's condition, from the reader's unit and id. Built only for the tabs asked for: a
#: unit's queue page asks for its six tabs' counts and one tab's rows, and building SQL
#: expressions was a large part of that page's time.
_TABS = {
    "to_classify": lambda unit_id, user_id: Case.state == State.RECEIVED,
    "returned": lambda unit_id, user_id: sa.and_(
        Case.state == State.RECEIVED, Case.bounce_count > 0
    ),
    "needs_info": lambda unit_id, user_id: Case.state == State.NEEDS_INFO,
    "review": lambda unit_id, user_id: Case.state == State.ANSWER_REVIEW,
    "all": lambda unit_id, user_id: sa.true(),
    "to_accept": lambda unit_id, user_id: sa.and_(
        Case.state == State.ASSIGNED, Case.lead_unit_id == unit_id
    ),
    "in_progress": lambda unit_id, user_id: sa.and_(
        Case.state.in_([State.IN_PROGRESS, State.NEEDS_INFO, State.DEFERRED]),
        Case.lead_unit_id == unit_id,
    ),
    "waiting_cooperation": lambda unit_id, user_id: sa.and_(
        Case.state == State.IN_PROGRESS,
        Case.lead_unit_id == unit_id,
        Case.id.in_(_open_cooperation()),
    ),
    "mine": lambda unit_id, user_id: sa.and_(
        Case.handler_id == user_id, Case.state.in_(OPEN_STATES)
    ),
    "cooperation": lambda unit_id, user_id: Case.id.in_(_open_cooperation_asked_of(unit_id)),
    "done": lambda unit_id, user_id: sa.and_(
        Case.lead_unit_id == unit_id,
        Case.state.in_([State.ANSWER_REVIEW, State.ANSWERED, State.CLOSED]),
    ),
}


def _no_tab(unit_id, user_id) -> sa.ColumnElement[bool]:
    return sa.false()


def _tab_conditions(user: User, tabs: tuple[str, ...]) -> dict[str, sa.ColumnElement[bool]]:
    """The conditions of ``tabs`` (an unknown tab lists nothing)."""
    unit_id, user_id = user.unit_id, user.id  # once: ``user`` is often current_user's proxy
    return {tab: _TABS.get(tab, _no_tab)(unit_id, user_id) for tab in tabs}


def _apply_filters(query: sa.Select, filters: QueueFilters) -> sa.Select:
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


def tab_counts(
    user: User, tabs: tuple[str, ...], filters: QueueFilters | None = None
) -> dict[str, int]:
    """How many items each tab shows with the same filters, for the badge next to a tab's name
    (the number of rows it lists): one query, each tab a count of its own that the indexes
    answer (the state's, the unit's), not one pass over every item."""
    conditions = _tab_conditions(user, tabs)
    filters = filters or QueueFilters()
    if filters.q:
        # The rows each tab lists: its own newest matches, as :func:`queue` ranks them (found
        # once per request, so the tab on screen shares its rows' search).
        searched = _apply_filters(sa.select(Case).where(visible_filter(user)), filters)
        return {
            t: search.candidate_count(
                searched.where(conditions[t]), filters.q, search.OFFICER
            )  # fmt: skip
            for t in tabs
        }
    visible = _apply_filters(sa.select(sa.func.count()).select_from(Case), filters)
    visible = visible.where(visible_filter(user))
    columns = [visible.where(conditions[t]).scalar_subquery().label(t) for t in tabs]
    row = db.session.execute(sa.select(*columns)).one()
    return dict(zip(tabs, row, strict=True))


def full_history(case: Case) -> sa.Select:
    """Everything that happened, for officers: internal notes included."""
    return sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)


def published_cases(
    q: str = "",
    field_id: int | None = None,
    unit_id: int | None = None,
    published_from: date | None = None,
    published_to: date | None = None,
):
    """Answered items as /published shows them: the best match first when searched, else
    newest first; optionally those published between two local days (both included)."""
    query = sa.select(Case).where(Case.published_at.is_not(None), Case.state.in_(ANSWERED_STATES))
    if field_id:
        query = query.where(Case.field_id == field_id)
    if unit_id:
        query = query.where(Case.lead_unit_id == unit_id)
    if published_from:
        query = query.where(Case.published_at >= start_of_local_day(published_from))
    if published_to:
        query = query.where(Case.published_at < end_of_local_day(published_to))
    order = [Case.published_at.desc(), Case.id.desc()]
    return search.ranked(query, q, search.PUBLIC, order_by=order)


# --- similar items: answers offered before submitting, duplicates at triage ------------------

#: Items received this many days back (or still open) are offered as possible duplicates.
DUPLICATE_WINDOW_DAYS = 90
#: The share of a text's telling words another item must have to be offered as alike.
SIMILAR_ANSWER_OVERLAP = 0.34
DUPLICATE_OVERLAP = 0.5


def similar_published(title: str, content: str, *, limit: int = 5) -> list[Case]:
    """Published answers that look like a text about to be submitted, most alike first: any of
    its telling words, ranked (a title match weighs most)."""
    words = search.similar_words(title, content)  # the title's words first
    if not words:
        return []
    query = sa.select(Case).where(Case.published_at.is_not(None), Case.state.in_(ANSWERED_STATES))
    query = search.ranked(query, words, search.PUBLIC, order_by=[Case.id.desc()], any_words=True)
    found = db.session.scalars(query.limit(limit * 3))
    alike = [
        c for c in found if search.overlap(words, c.published_search_text) >= SIMILAR_ANSWER_OVERLAP
    ]
    return alike[:limit]


@dataclass
class DuplicateCandidate:
    case: Case
    same_contact: bool
    similar_text: bool


def duplicate_candidates(case: Case, *, now: datetime, limit: int = 8) -> list[DuplicateCandidate]:
    """Open or recent items that may be the same request as ``case``: from the same phone or
    e-mail, or with a similar text. Never ``case`` itself, never an item that is itself a
    duplicate or was refused, transferred or withdrawn (it cannot be the one to follow)."""
    eligible = sa.and_(
        Case.id != case.id,
        Case.duplicate_of_id.is_(None),
        Case.state.not_in([*ENDED_AT_TRIAGE_STATES, State.WITHDRAWN]),
        sa.or_(
            Case.state.in_(OPEN_STATES),
            Case.received_at >= now - timedelta(days=DUPLICATE_WINDOW_DAYS),
        ),
    )
    contacts = [Case.phone == case.phone] if case.phone else []
    contacts += [Case.email == case.email] if case.email else []
    same_contact = []
    if contacts:
        same_contact = db.session.scalars(
            sa.select(Case).where(eligible, sa.or_(*contacts)).order_by(Case.received_at.desc())
            .limit(limit)
        ).all()  # fmt: skip
    words = search.similar_words(case.title, case.content)
    similar = []
    if words:
        query = search.ranked(sa.select(Case).where(eligible), words, search.OFFICER,
                              order_by=[Case.id.desc()], any_words=True)  # fmt: skip
        found = db.session.scalars(query.limit(limit * 3))
        similar = [c for c in found if search.overlap(words, c.search_text) >= DUPLICATE_OVERLAP]
    found: dict[int, DuplicateCandidate] = {}
    for other in same_contact:
        found[other.id] = DuplicateCandidate(other, same_contact=True, similar_text=False)
    for other in similar:
        if other.id in found:
            found[other.id].similar_text = True
        else:
            found[other.id] = DuplicateCandidate(other, same_contact=False, similar_text=True)
    ranked = sorted(found.values(), key=lambda c: not (c.same_contact and c.similar_text))
    return ranked[:limit]
