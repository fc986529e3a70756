"""Writing the report entries and the nightly backlog snapshot (see ``models``).

Called by the case operations in the same transaction as the event they project, so an entry
exists exactly when its event does. Verdicts and handling times are copied from what the
operation decided; nothing here recomputes the past from today's calendar.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from intake.cases import signals
from intake.cases.models import Case, CaseClock, CaseEvent, ClockStatus
from intake.core.calendar import local_date, start_of_local_day
from intake.core.deadlines import Step
from intake.core.states import ANSWERED_STATES, FINAL_STATES, OPEN_STATES, Action, State
from intake.extensions import db
from intake.reports.models import BacklogSnapshot, Measure, ReportEntry, SnapshotDay

#: The actions that count, and what they count as.
ACTION_MEASURES: dict[Action, Measure] = {
    Action.REJECT: Measure.REFUSED,
    Action.MARK_DUPLICATE: Measure.REFUSED,
    Action.TRANSFER_OUT: Measure.TRANSFERRED_OUT,
    Action.WITHDRAW: Measure.WITHDRAWN,
    Action.ASSIGN: Measure.ASSIGNED,
    Action.PUBLISH_ANSWER: Measure.ANSWERED,
    Action.REOPEN: Measure.REOPENED,
    Action.RETURN_TO_INTAKE: Measure.BOUNCED,
    Action.DEFER: Measure.DEFERRED,
}


#: The first of these gives an item the field and content class it is counted under.
TRIAGE_ACTIONS = frozenset(
    {Action.ASSIGN, Action.REJECT, Action.MARK_DUPLICATE, Action.TRANSFER_OUT}
)


def measures_for(action: Action, *, first_triage: bool) -> list[Measure]:
    """The entries one transition writes, in order: the triage an item gets once (its first
    routing, refusal or transfer), the action's own measure, and the publication that goes
    with an answer. One table for the operations' projection and the bulk demo generator."""
    measures = [Measure.TRIAGED] if first_triage and action in TRIAGE_ACTIONS else []
    measure = ACTION_MEASURES.get(action)
    if measure is not None:
        measures.append(measure)
    if measure is Measure.ANSWERED:
        measures.append(Measure.PUBLISHED)
    return measures


def _triaged_before(case: Case) -> bool:
    return (
        db.session.scalar(
            sa.select(ReportEntry.id)
            .where(ReportEntry.case_id == case.id, ReportEntry.measure == Measure.TRIAGED)
            .limit(1)
        )
        is not None
    )


def _entry(case: Case, measure: Measure, at: datetime, **values) -> ReportEntry:
    entry = ReportEntry(
        case_id=case.id,
        measure=measure,
        occurred_at=at,
        occurred_on=local_date(at),
        occurred_month=local_date(at).replace(day=1),
        unit_id=case.lead_unit_id,
        field_id=case.field_id,
        channel=case.channel,
        kind=case.kind,
        content_class=case.content_class,
        **values,
    )
    db.session.add(entry)
    return entry


def connect() -> None:
    """Project the case aggregate's events into report entries (called by ``create_app``).
    Blinker keeps one connection per receiver, so building several apps connects once."""
    signals.case_received.connect(count_received)
    signals.case_transitioned.connect(_on_transition)
    signals.answer_rated.connect(_on_rating)


def _on_transition(case: Case, **event) -> None:
    count_transition(case, event["action"], now=event["now"], ended=event["ended"],
                     reason_code=event["reason_code"])  # fmt: skip


def _on_rating(case: Case, *, now: datetime) -> None:
    count_rating(case, now=now)


def count_received(case: Case) -> None:
    """Counted when it enters the register: a letter dated last week but recorded today is
    received in today's period, so that a period already reported never changes (its
    deadlines still run from the letter's date)."""
    _entry(case, Measure.RECEIVED, case.created_at)


def count_rating(case: Case, *, now: datetime) -> None:
    _entry(case, Measure.RATED, now, score=case.rating_score)


def count_transition(
    case: Case,
    action: Action,
    *,
    now: datetime,
    ended: list[CaseClock],
    reason_code: str | None,
) -> None:
    """The entries for one transition, if it counts (``measures_for``)."""
    first_triage = action in TRIAGE_ACTIONS and not _triaged_before(case)
    main = ACTION_MEASURES.get(action)
    for measure in measures_for(action, first_triage=first_triage):
        if measure is not main:
            _entry(case, measure, now)
        elif measure is Measure.ANSWERED:
            _count_answer(case, now=now, ended=ended)
        else:
            _entry(case, measure, now, **_values(measure, action, ended, reason_code))


def _values(measure: Measure, action: Action, ended: list[CaseClock], reason_code) -> dict:
    values = {}
    if measure is Measure.REFUSED:
        values["reason_code"] = "duplicate" if action is Action.MARK_DUPLICATE else reason_code
    if measure in (Measure.REFUSED, Measure.TRANSFERRED_OUT):
        values["on_time"] = _verdict(ended, Step.TRIAGE)
    return values


def _verdict(ended: list[CaseClock], step: Step) -> bool | None:
    return next((c.on_time for c in ended if c.step is step), None)


def _count_answer(case: Case, *, now: datetime, ended: list[CaseClock]) -> None:
    """On time by the overall clock (received → answered). A reconsideration, or an item
    taken back from deferral, has no overall clock running: its last handling clock decides."""
    verdict_clock = next((c for c in ended if c.step is Step.OVERALL), None)
    if verdict_clock is None:
        verdict_clock = db.session.scalar(
            sa.select(CaseClock)
            .where(
                CaseClock.case_id == case.id,
                CaseClock.step == Step.HANDLING,
                CaseClock.status == ClockStatus.ENDED,
            )
            .order_by(CaseClock.id.desc())
            .limit(1)
        )
    started_at = _episode_start(case)
    from intake.org.calendar import load_working_calendar  # the calendar of the answer's day

    elapsed = load_working_calendar().working_days_between(local_date(started_at), local_date(now))
    paused = verdict_clock.paused_working_days if verdict_clock else 0
    values = {
        "on_time": verdict_clock.on_time if verdict_clock else None,
        "working_days": max(elapsed - paused, 0),
    }
    _entry(case, Measure.ANSWERED, now, **values)


def _episode_start(case: Case) -> datetime:
    """Receipt; or the last reopening, for the answer to a reconsideration; or the last time
    it was taken up again after being kept for study (the months of study are not handling
    time: the handling clock that judges the answer also starts there)."""
    restarted_at = db.session.scalar(
        sa.select(sa.func.max(CaseEvent.at)).where(
            CaseEvent.case_id == case.id,
            CaseEvent.kind.in_([str(Action.REOPEN), str(Action.RESUME)]),
        )
    )
    return max(restarted_at, case.received_at) if restarted_at else case.received_at


# --- the backlog -------------------------------------------------------------------------

_WAITING_FOR_OFFICE = sorted(OPEN_STATES - {State.DEFERRED, State.NEEDS_INFO})


def overdue_condition(at: datetime):
    """Open, waiting for the administration (not for the citizen, not deferred), and past a
    running step's or the overall due date. Triage's due date only counts while in triage."""
    return sa.and_(
        Case.state.in_(_WAITING_FOR_OFFICE),
        sa.or_(
            Case.step_due_at < at,
            Case.overall_due_at < at,
            sa.and_(Case.state == State.RECEIVED, Case.triage_due_at < at),
        ),
    )


def open_at(at: datetime):
    """Items that were open at ``at`` as far as today's rows can tell: received before it, and
    open now or finished since. The snapshot is meant to be taken at 00:00; when the worker
    runs later, this keeps out what arrived in the meantime and keeps in what was answered,
    refused, transferred or withdrawn meanwhile."""
    return sa.and_(
        Case.created_at < at,
        sa.or_(
            Case.state.in_(sorted(OPEN_STATES)),
            sa.and_(Case.state.in_(sorted(ANSWERED_STATES)), Case.answered_at >= at),
            sa.and_(Case.state.in_(sorted(FINAL_STATES - ANSWERED_STATES)), Case.closed_at >= at),
        ),
    )


def backlog_query(at: datetime, *, live: bool = False) -> sa.Select:
    """Items open at ``at``, grouped as the snapshot stores them, with which were overdue.
    ``live`` (``at`` is now): only the open states, which the state index answers at once;
    the snapshot also looks for items finished since ``at``, a full scan once a night."""
    unit = unit_group_key()
    statement = (
        sa.select(
            unit,
            Case.field_id,
            Case.channel,
            sa.func.count(),
            sa.func.sum(sa.case((overdue_condition(at), 1), else_=0)),
            sa.func.sum(sa.case((Case.state == State.DEFERRED, 1), else_=0)),
        )
        .where(Case.state.in_(sorted(OPEN_STATES)) if live else open_at(at))
        .group_by(unit, Case.field_id, Case.channel)
    )
    return statement


def unit_group_key():
    """``lead_unit_id`` for GROUP BY, written so that no index matches it: SQLite's planner
    otherwise walks the whole lead-unit index in order to group, instead of picking the few
    open items from the state index (seen: 120 ms instead of 2 at 100,000 items).
    PostgreSQL plans both forms the same."""
    return (Case.lead_unit_id + sa.literal_column("0")).label("lead_unit_id")


def take_backlog_snapshot(day: date, *, now: datetime) -> bool:
    """Store the backlog as at 00:00 of ``day`` (the tick calls this just after midnight).
    Returns False when the day was already taken."""
    if db.session.get(SnapshotDay, day) is not None:
        return False
    db.session.add(SnapshotDay(taken_on=day, taken_at=now))
    db.session.flush()  # a concurrent worker's insert of the same day fails here
    at = start_of_local_day(day)
    snapshot = backlog_query(at)
    db.session.execute(
        sa.insert(BacklogSnapshot).from_select(
            [
                "taken_on",
                "unit_id",
                "field_id",
                "channel",
                "open_count",
                "overdue_count",
                "deferred_count",
            ],
            sa.select(sa.literal(day, sa.Date), *snapshot.subquery().c),
        )
    )
    return True
