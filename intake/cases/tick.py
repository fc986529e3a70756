"""The deadline worker's round (`flask intake tick`, and every minute in `flask intake worker`).

Each part works in batches, each batch in its own transaction, so that memory does not grow
with the number of items and a crash leaves whole batches done or undone, never half. A reminder
is recorded in ``clock_reminders`` (unique per clock and level) by the same INSERT that decides
who sends it: of two workers running at once, only the one whose insert returned the row sends.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_date, gettext
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from intake.accounts.models import Role, User
from intake.cases import operations as ops
from intake.cases.deferral import remind_deferred
from intake.cases.events import record_event
from intake.cases.labels import STEP_LABELS
from intake.cases.models import Case, CaseClock, ClockReminder, ClockStatus
from intake.core.calendar import (
    LOCAL_TZ,
    WorkingCalendar,
    end_of_local_day,
    last_local_day,
    local_date,
)
from intake.core.clocks import ReminderLevel
from intake.core.deadlines import Step
from intake.core.states import EventKind, State
from intake.extensions import db
from intake.notifications.models import OutboxMessage
from intake.notifications.outbox import queue_email
from intake.org.calendar import claim_calendar_change, load_working_calendar
from intake.org.models import Unit
from intake.sqltypes import UTCDateTime

log = logging.getLogger("intake.tick")

#: The ``source`` of the due-date changes that follow an upgrade of the `holidays` package.
HOLIDAYS_PACKAGE = "holidays_package"

#: A reminder lists at most this many items; more go in further messages.
MAX_LINES = 500

LEVEL_COLUMNS = {
    ReminderLevel.HALF: CaseClock.remind_half_at,
    ReminderLevel.LATE: CaseClock.remind_late_at,
    ReminderLevel.DUE: CaseClock.remind_due_at,
    ReminderLevel.ESCALATION: CaseClock.escalate_at,
}


@dataclass
class TickReport:
    reminders: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    messages: int = 0
    digests: int = 0
    closed: int = 0
    flagged: int = 0
    snapshot: bool = False
    rolled_up: int = 0
    anonymised: int = 0
    checkpoint: bool = False
    deferred_reviews: int = 0
    calendar_changed: list[int] = field(default_factory=list)  # years the package changed
    due_dates_moved: int = 0

    def summary(self) -> str:
        sent = ", ".join(f"{level} {n}" for level, n in sorted(self.reminders.items())) or "none"
        return (
            f"reminders: {sent}; e-mails {self.messages}; digests {self.digests}; "
            f"closed {self.closed}; flagged {self.flagged}; "
            f"backlog snapshot {'taken' if self.snapshot else 'none'}; "
            f"report entries counted {self.rolled_up}; "
            f"deferred items to review {self.deferred_reviews}; anonymised {self.anonymised}; "
            f"audit checkpoint {'taken' if self.checkpoint else 'none'}" + self._calendar_summary()
        )

    def _calendar_summary(self) -> str:
        if not self.calendar_changed:
            return ""
        years = ", ".join(map(str, self.calendar_changed))
        return (
            f"; holiday calendar of the package changed ({years}): "
            f"{self.due_dates_moved} open due date(s) moved"
        )


def run_case_tick(now: datetime, report: TickReport, *, batch_size: int = 2000) -> TickReport:
    """The cases' part of the round (``intake.worker.run_tick`` runs the reports' part first)."""
    _follow_the_holiday_package(now, report)
    calendar = load_working_calendar()
    book = _AddressBook()
    for level in ReminderLevel:
        _send_reminders(level, now, batch_size, report, book)
    _send_digests(now, calendar, report, book)
    _close_answered(now, calendar, batch_size, report)
    _flag_silent_citizens(now, calendar, batch_size, report)
    report.deferred_reviews = remind_deferred(now, calendar)
    db.session.commit()
    return report


def _follow_the_holiday_package(now: datetime, report: TickReport) -> None:
    """An upgrade of the `holidays` package added or moved a day of the years in use: every
    open due date is computed again with the new calendar (DOMAIN §4), each move recorded on
    its item, before any reminder is worked out from the old dates. One transaction: the
    fingerprint stored is the one the due dates were computed with."""
    try:
        changed = claim_calendar_change(now)
        if changed:
            report.calendar_changed = changed
            report.due_dates_moved = ops.recompute_due_dates(
                now=now,
                calendar=load_working_calendar(fresh=True),
                actor="system",
                source=HOLIDAYS_PACKAGE,
            )
            log.warning(
                "holiday calendar of the package changed for %s: %d open due date(s) moved",
                changed, report.due_dates_moved,
            )  # fmt: skip
        db.session.commit()
    except IntegrityError:  # another worker stored the first fingerprints a moment ago
        db.session.rollback()


# --- reminders ------------------------------------------------------------------------------


def _send_reminders(
    level: ReminderLevel, now: datetime, batch_size: int, report, book: _AddressBook
) -> None:
    """Claim every reminder of this level that is due, then write the messages, in one
    transaction: a crash leaves the level wholly sent or wholly unsent, never half."""
    claim = uuid.uuid4().hex
    claimed = _claim_reminders(level, now, claim)
    if claimed:
        report.reminders[str(level)] += claimed
        report.messages += _queue_reminder_mail(claim, level, now, book, batch_size)
    db.session.commit()


def _claim_reminders(level: ReminderLevel, now: datetime, claim: str) -> int:
    """Record, in one INSERT … SELECT … ON CONFLICT DO NOTHING, a reminder for every running
    clock past this level's instant that has none yet, stamped with this run's ``claim``.
    A clock another worker recorded first is skipped: its unique key says so."""
    column = LEVEL_COLUMNS[level]
    already = sa.select(ClockReminder.id).where(
        ClockReminder.clock_id == CaseClock.id, ClockReminder.level == str(level)
    )
    # A clock already past a higher level (a letter recorded late, a worker stopped for days)
    # gets only the highest level it has reached, once (DOMAIN §4), not every level at once.
    levels = list(LEVEL_COLUMNS)
    not_past_higher = [
        sa.or_(higher.is_(None), higher > now)
        for higher in (LEVEL_COLUMNS[h] for h in levels[levels.index(level) + 1 :])
    ]
    due = sa.select(
        CaseClock.id, sa.literal(str(level)), sa.literal(now, UTCDateTime), sa.literal(claim)
    ).where(
        CaseClock.status == ClockStatus.RUNNING, column <= now, ~already.exists(), *not_past_higher
    )
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(ClockReminder)
        .from_select(["clock_id", "level", "sent_at", "claim"], due)
        .on_conflict_do_nothing(index_elements=["clock_id", "level"])
    )
    db.session.execute(statement)
    # Counted, not taken from rowcount: drivers differ on INSERT … SELECT … ON CONFLICT.
    return db.session.scalar(
        sa.select(sa.func.count(ClockReminder.id)).where(ClockReminder.claim == claim)
    )


def _queue_reminder_mail(
    claim: str, level: ReminderLevel, now: datetime, book: _AddressBook, batch_size: int
) -> int:
    """Messages listing the claimed items, per recipient, at most MAX_LINES items each.

    The claimed rows are streamed in unit order, so that a unit's message is complete before
    the next unit starts and memory holds one message at a time, whatever the number of items.
    Each line is formatted here, once: a tick may list hundreds of thousands of items."""
    rows = db.session.execute(
        sa.select(
            CaseClock.unit_id, CaseClock.step, CaseClock.due_at,
            Case.id, Case.reference_code, Case.title,
        )
        .join(ClockReminder, ClockReminder.clock_id == CaseClock.id)
        .join(Case, Case.id == CaseClock.case_id)
        .where(ClockReminder.claim == claim)
        .order_by(CaseClock.unit_id, CaseClock.due_at, Case.id)
        .execution_options(yield_per=batch_size)
    )  # fmt: skip
    base_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    with force_locale("vi"):
        steps = {step: str(STEP_LABELS[step]) for step in Step}
        due_word = gettext("hạn")
    days: dict[datetime, str] = {}
    pending: dict[str, list[str]] = defaultdict(list)
    messages = 0

    def flush(address: str) -> None:
        nonlocal messages
        lines = pending.pop(address)
        message = queue_email(
            "reminder", recipient=address, language="vi", now=now,
            context={"level": str(level), "lines": lines, "count": len(lines)},
        )  # fmt: skip
        # Written now and let go: the transaction stays open, the memory does not grow.
        db.session.flush()
        db.session.expunge(message)
        messages += 1

    current_unit = object()
    for unit_id, step, due_at, case_id, code, title in rows:
        if unit_id != current_unit and level is not ReminderLevel.ESCALATION:
            for address in list(pending):  # the previous unit is complete
                flush(address)
            current_unit = unit_id
        if due_at not in days:
            with force_locale("vi"):
                days[due_at] = format_date(last_local_day(due_at), "dd/MM/yyyy")
        unit_name = book.unit_name(unit_id)
        line = (
            f"- {code} · {title}\n  {steps[step]} · {due_word} {days[due_at]}"
            f"{f' · {unit_name}' if unit_name else ''}\n  {base_url}/officer/cases/{case_id}"
        )
        for address in book.recipients(level, unit_id):
            pending[address].append(line)
            if len(pending[address]) >= MAX_LINES:
                flush(address)
    for address in list(pending):
        flush(address)
    return messages


class _AddressBook:
    """Who receives what, read once per tick: unit addresses, unit leads, supervisors.

    50 % and 80 %: the responsible unit (the intake office for its own steps); due: the unit's
    leads; two working days late: the supervisors. Without a person on file, the unit's
    address."""

    def __init__(self):
        self.units = {u.id: (u.name, u.email) for u in db.session.scalars(sa.select(Unit))}
        self.intake_office_id = db.session.scalar(
            sa.select(Unit.id).where(Unit.receives_intake).order_by(Unit.id)
        )
        people = db.session.execute(
            sa.select(User.role, User.unit_id, User.email).where(User.is_enabled)
        ).all()
        self.leads: dict[int, list[str]] = defaultdict(list)
        self.supervisors: list[str] = []
        for role, unit_id, email in people:
            if role is Role.UNIT_LEAD:
                self.leads[unit_id].append(email)
            elif role is Role.SUPERVISOR:
                self.supervisors.append(email)

    def unit_name(self, unit_id: int | None) -> str | None:
        return self.units.get(unit_id, (None, None))[0]

    def recipients(self, level: ReminderLevel, unit_id: int | None) -> list[str]:
        unit_address = self._address(unit_id if unit_id is not None else self.intake_office_id)
        if level is ReminderLevel.ESCALATION:
            return self.supervisors or unit_address
        if level is ReminderLevel.DUE and unit_id is not None:
            return self.leads.get(unit_id) or unit_address
        return unit_address

    def _address(self, unit_id: int | None) -> list[str]:
        email = self.units.get(unit_id, (None, None))[1]
        return [email] if email else []


# --- daily digest ---------------------------------------------------------------------------


def _send_digests(
    now: datetime, calendar: WorkingCalendar, report: TickReport, book: _AddressBook
) -> None:
    """Once a working day, from DIGEST_HOUR local time: each unit's items due within two
    working days and overdue. The outbox's unique key makes it once per unit and day."""
    today = local_date(now)
    local_hour = now.astimezone(LOCAL_TZ).hour
    if not calendar.is_working_day(today) or local_hour < current_app.config["DIGEST_HOUR"]:
        return
    horizon = end_of_local_day(calendar.add_working_days(today, 2))
    units = db.session.execute(
        sa.select(CaseClock.unit_id, sa.func.count(CaseClock.id))
        .where(CaseClock.status == ClockStatus.RUNNING, CaseClock.due_at <= horizon)
        .group_by(CaseClock.unit_id)
    ).all()
    for unit_id, _count in units:
        key = f"digest:{unit_id or 'intake'}:{today.isoformat()}"
        if db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
            continue
        unit = db.session.get(Unit, unit_id or book.intake_office_id or 0)
        if unit is None or not unit.email:
            continue
        items = db.session.execute(
            sa.select(CaseClock, Case)
            .join(Case, Case.id == CaseClock.case_id)
            .where(
                CaseClock.status == ClockStatus.RUNNING,
                CaseClock.due_at <= horizon,
                CaseClock.unit_id == unit_id if unit_id else CaseClock.unit_id.is_(None),
            )
            .order_by(CaseClock.due_at)
            .limit(200)
        ).all()
        try:
            with db.session.begin_nested():
                queue_email(
                    "digest",
                    recipient=unit.email,
                    language="vi",
                    now=now,
                    dedupe_key=key,
                    context={"unit": unit, "items": items, "now": now, "today": today},
                )
        except sa.exc.IntegrityError:
            continue  # another worker sent today's digest for this unit first
        report.digests += 1
    db.session.commit()


# --- answered items and silent citizens -----------------------------------------------------


def _close_answered(now, calendar, batch_size, report) -> None:
    """Answered items whose reconsideration window has ended become closed."""
    window = current_app.config["RECONSIDERATION_WINDOW_WORKING_DAYS"]
    # A window of N working days is at least N calendar days: a cheap SQL pre-filter.
    candidates = db.session.scalars(
        sa.select(Case.id)
        .where(Case.state == State.ANSWERED, Case.answered_at <= now - timedelta(days=window))
        .order_by(Case.id)
    ).all()
    for start in range(0, len(candidates), batch_size):
        for case in db.session.scalars(
            sa.select(Case).where(Case.id.in_(candidates[start : start + batch_size]))
        ):
            if case.state is State.ANSWERED and now > calendar.due_at(case.answered_at, window):
                try:
                    with db.session.begin_nested():
                        ops.close_case(case, now=now)
                except ops.StaleCase:
                    continue  # the citizen acted at the same moment: leave it to them
                report.closed += 1
        db.session.commit()


def _flag_silent_citizens(now, calendar, batch_size, report) -> None:
    """Items waiting for the citizen beyond the window are flagged for the intake office."""
    window = current_app.config["NEEDS_INFO_WINDOW_WORKING_DAYS"]
    seen: set[int] = set()
    while True:
        flagged = _flag_batch(now, calendar, window, batch_size, seen, report)
        db.session.commit()
        if not flagged:
            return


def _flag_batch(now, calendar, window, batch_size, seen, report) -> bool:
    candidates = db.session.execute(
        sa.select(Case.id, sa.func.min(CaseClock.paused_at))
        .join(CaseClock, CaseClock.case_id == Case.id)
        .where(
            Case.state == State.NEEDS_INFO,
            Case.info_overdue_at.is_(None),
            CaseClock.status == ClockStatus.PAUSED,
            CaseClock.step == Step.OVERALL,
            CaseClock.paused_at <= now - timedelta(days=window),
            Case.id.not_in(seen) if seen else sa.true(),
        )
        .group_by(Case.id)
        .order_by(Case.id)
        .limit(batch_size)
    ).all()
    for case_id, paused_at in candidates:
        seen.add(case_id)
        if now <= calendar.due_at(paused_at, window):
            continue
        case = db.session.get(Case, case_id)
        case.info_overdue_at = now
        record_event(
            case,
            EventKind.INFO_OVERDUE,
            actor="system",
            now=now,
            details={"waiting_since": paused_at.isoformat(), "window_working_days": window},
        )
        report.flagged += 1
    return bool(candidates)
