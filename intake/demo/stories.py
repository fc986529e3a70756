"""One generated item's timeline (``flask intake demo --items N``), written as the operations
would have written it: each step moves the item through the core transition table and writes
the report entries of the reports' own table (``measures_for``), so a rule changed there
changes the generated histories too. ``intake.demo.bulk`` draws the items and inserts the rows.
"""

from __future__ import annotations

import functools
import random
from datetime import UTC, date, datetime, time, timedelta

from intake.cases.events import GENESIS_HASH, event_hash
from intake.cases.models import (
    ContentClass,
)
from intake.core.calendar import LOCAL_TZ, end_of_local_day, local_date
from intake.core.deadlines import Step
from intake.core.reasons import RejectReason
from intake.core.states import SATISFIED_SCORES, Action, EventKind, State, next_state
from intake.core.text import fold
from intake.reports.models import Measure
from intake.reports.recording import ACTION_MEASURES, measures_for

SCORES = [(1, 5), (2, 7), (3, 18), (4, 35), (5, 35)]
REFUSALS = [r for r in RejectReason if r is not RejectReason.NO_REPLY_TO_INFO_REQUEST]


def working_instant(day: date, rng: random.Random) -> datetime:
    local = datetime.combine(day, time(7, 30), tzinfo=LOCAL_TZ)
    # In UTC, as stored: the event hash covers the ISO form of the instant.
    return (local + timedelta(minutes=rng.randrange(9 * 60))).astimezone(UTC)


def pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


class Story:
    """One item's timeline. ``gen`` is the generator of ``intake.demo.bulk``: the seeded random
    source, the working-day table, today, the officer who acts and the snapshot deltas."""

    def __init__(self, gen, case: dict, received_on: date, overall_days: int):
        self.gen, self.case, self.received_on = gen, case, received_on
        self.rng = gen.rng
        self.events: list[dict] = []
        self.entries: list[dict] = []
        self.open_clocks: list[tuple[Step, datetime]] = []
        self.overall_due_on = gen.wd.add(received_on, overall_days)
        self.prev_hash = GENESIS_HASH
        self.triaged = False

    def at(self, day: date) -> datetime | None:
        """A working-hours instant of ``day``, or None when that is still to come."""
        instant = working_instant(day, self.rng)
        if day == self.received_on:
            instant = max(instant, self.case["received_at"] + timedelta(minutes=5))
        return instant if instant <= self.gen.now else None

    def event(
        self, kind: EventKind, at: datetime, to: State | None, actor: str | None = None, **kw
    ):
        case = self.case
        from_state = case["state"] if to is not None else None
        row = {
            "case_id": case["id"],
            "seq": len(self.events) + 1,
            "kind": str(kind),
            "at": at,
            "actor_id": None if actor else self.gen.officer,
            "actor_label": actor or "",
            "from_state": from_state,
            "to_state": to,
            "unit_id": kw.get("unit_id"),
            "reason_code": kw.get("reason_code"),
            "note": kw.get("note"),
            "details": kw.get("details", {}),
            "is_public": kw.get("is_public", True),
            "prev_hash": self.prev_hash,
        }
        row["hash"] = self.prev_hash = event_hash(_Row(row))
        self.events.append(row)
        if to is not None:
            case["state"] = to
        case["updated_at"] = at

    def transition(
        self,
        action: Action,
        at: datetime,
        actor: str | None = None,
        *,
        counted: dict | None = None,
        **event,
    ):
        """Move the item by ``action`` as the operations would: the target state from the
        core transition table (a story that breaks a rule fails here, as an operation
        would), the event of that kind, and the report entries of ``measures_for``, the
        reports' own table; ``counted`` are the values of the action's own measure."""
        to = next_state(self.case["state"], action)
        main = ACTION_MEASURES.get(action)
        measures = measures_for(action, first_triage=not self.triaged)
        self.triaged = self.triaged or Measure.TRIAGED in measures
        self.event(EventKind.of(action), at, to, actor, **event)
        for measure in measures:
            self.entry(measure, at, **(counted or {}) if measure is main else {})

    def entry(self, measure: Measure, at: datetime, **values):
        case = self.case
        self.entries.append(
            {
                "case_id": case["id"],
                "measure": measure,
                "occurred_at": at,
                "occurred_on": local_date(at),
                "occurred_month": local_date(at).replace(day=1),
                "rollup_batch": None,
                "unit_id": case["lead_unit_id"],
                "field_id": case["field_id"],
                "channel": case["channel"],
                "kind": case["kind"],
                "content_class": case["content_class"],
                "reason_code": values.get("reason_code"),
                "on_time": values.get("on_time"),
                "working_days": values.get("working_days"),
                "score": values.get("score"),
            }
        )

    def stock(self, start: datetime, end: datetime | None, *, deferred=None):
        """Open from ``start`` to ``end`` (None: still open), overdue after the overall due
        date, or deferred over ``deferred`` (from, until): as the nightly snapshots saw it."""
        case = self.case
        key = (case["lead_unit_id"], case["field_id"], case["channel"])
        deltas = self.gen.deltas[key]
        first = local_date(start) + timedelta(days=1)
        last = local_date(end) + timedelta(days=1) if end else None
        if last is not None and last <= first:
            return
        deltas[first][0] += 1
        if last is not None:
            deltas[last][0] -= 1
        if deferred is not None:
            since, until = deferred
            deltas[local_date(since) + timedelta(days=1)][2] += 1
            if until is not None:
                deltas[local_date(until) + timedelta(days=1)][2] -= 1
            return
        overdue_from = self.overall_due_on + timedelta(days=2)
        if last is None or overdue_from < last:
            deltas[max(overdue_from, first)][1] += 1
            if last is not None:
                deltas[last][1] -= 1

    def run(self, field_id: int | None, unit_id: int) -> None:
        gen, rng, case = self.gen, self.rng, self.case
        received_at = case["received_at"]
        self.event(EventKind.SUBMIT, received_at, State.RECEIVED, actor="citizen",
                   details={"channel": str(case["channel"]), "attachments": 0})  # fmt: skip
        self.entry(Measure.RECEIVED, received_at)
        triage_on = gen.wd.add(self.received_on, rng.choice([0, 1, 1, 1, 2, 2, 3, 4]))
        triaged_at = self.at(triage_on)
        if triaged_at is None:  # still waiting for triage
            self.open_clocks = [(Step.TRIAGE, received_at), (Step.OVERALL, received_at)]
            self.stock(received_at, None)
            return
        case["field_id"] = field_id
        case["content_class"] = pick(rng, [(ContentClass.BEHAVIOUR, 6),
                                            (ContentClass.REGULATION, 3),
                                            (ContentClass.INITIATIVE, 1)])  # fmt: skip
        triage_on_time = gen.wd.between(self.received_on, triage_on) <= 3
        roll = rng.random()
        if roll < 0.11:
            self._finish_at_triage(roll, triaged_at, triage_on_time)
            return
        if rng.random() < 0.04:  # routed to the wrong unit first, which sends it back
            wrong = rng.choice(gen.departments)
            if wrong != unit_id:
                self._assign(triaged_at, wrong)
                back_at = self.at(gen.wd.add(triage_on, 1))
                if back_at is None:
                    self.open_clocks = [(Step.ACCEPTANCE, triaged_at),
                                        (Step.OVERALL, received_at)]  # fmt: skip
                    self.stock(received_at, None)
                    return
                self.transition(Action.RETURN_TO_INTAKE, back_at, unit_id=wrong,
                                reason_code="not_competent", is_public=False)  # fmt: skip
                case["bounce_count"] += 1
                case["lead_unit_id"] = None
                triage_on = local_date(back_at)
                triaged_at = back_at + timedelta(minutes=30)
        self._assign(triaged_at, unit_id)
        self._handle(received_at, triage_on, unit_id)

    def _finish_at_triage(self, roll: float, at: datetime, on_time: bool) -> None:
        case = self.case
        if roll < 0.07:
            reason = self.rng.choice(REFUSALS)
            action = Action.MARK_DUPLICATE if reason is RejectReason.DUPLICATE else Action.REJECT
            self.transition(action, at, reason_code=str(reason),
                            counted={"reason_code": str(reason), "on_time": on_time})  # fmt: skip
        elif roll < 0.09:
            agency = {"agency": "Bộ Tài chính", "letter_number": "01/VP"}
            self.transition(Action.TRANSFER_OUT, at, counted={"on_time": on_time}, details=agency)
        else:
            self.transition(Action.WITHDRAW, at, actor="citizen")
        case["closed_at"] = at
        self.stock(case["received_at"], at)

    def _assign(self, at: datetime, unit_id: int) -> None:
        self.case["lead_unit_id"] = unit_id
        self.transition(Action.ASSIGN, at, unit_id=unit_id, details={"cooperating_unit_ids": []})

    def _handle(self, received_at: datetime, assigned_on: date, unit_id: int) -> None:
        gen, rng, case = self.gen, self.rng, self.case
        accepted_at = self.at(gen.wd.add(assigned_on, rng.choice([0, 0, 1, 1, 2])))
        if accepted_at is None:
            self.open_clocks = [(Step.ACCEPTANCE, case["updated_at"]), (Step.OVERALL, received_at)]
            self.stock(received_at, None)
            return
        self.transition(Action.ACCEPT, accepted_at, unit_id=unit_id)
        if case["content_class"] is ContentClass.REGULATION and rng.random() < 0.03:
            deferred_at = self.at(gen.wd.add(local_date(accepted_at), rng.randrange(2, 8)))
            if deferred_at is not None:
                self._defer(received_at, deferred_at, unit_id)
                return
        # Most answers come within the handling time; a tail comes late.
        handling = pick(rng, [(3, 5), (5, 15), (7, 20), (9, 20), (10, 10), (12, 10),
                               (15, 8), (20, 7), (30, 5)])  # fmt: skip
        submitted_at = self.at(gen.wd.add(local_date(accepted_at), handling))
        if submitted_at is None:
            self.open_clocks = [(Step.HANDLING, accepted_at), (Step.OVERALL, received_at)]
            self.stock(received_at, None)
            return
        self.transition(Action.SUBMIT_ANSWER, submitted_at, unit_id=unit_id)
        published_at = self.at(gen.wd.add(local_date(submitted_at), rng.choice([0, 1, 1, 2, 3])))
        if published_at is None:
            self.open_clocks = [(Step.REVIEW, submitted_at), (Step.OVERALL, received_at)]
            self.stock(received_at, None)
            return
        self._publish(published_at, received_at, self.overall_due_on, unit_id)
        self.stock(received_at, published_at)
        self._after_answer(published_at, unit_id)

    def _defer(self, received_at: datetime, deferred_at: datetime, unit_id: int) -> None:
        """Kept for study, then taken up again months later and answered in its handling
        time (the overall clock stopped at deferral, so the handling clock judges it)."""
        gen = self.gen
        self.transition(Action.DEFER, deferred_at, unit_id=unit_id,
                        note="Chờ văn bản hướng dẫn của Bộ.", is_public=False)  # fmt: skip
        resumed_at = self.at(gen.wd.add(local_date(deferred_at), self.rng.randrange(20, 120)))
        if resumed_at is None:
            self.stock(received_at, None, deferred=(deferred_at, None))
            return
        self.transition(Action.RESUME, resumed_at, unit_id=unit_id)
        answered_at = self.at(gen.wd.add(local_date(resumed_at), self.rng.randrange(3, 10)))
        if answered_at is None:
            self.open_clocks = [(Step.HANDLING, resumed_at)]
            self.stock(received_at, None, deferred=(deferred_at, resumed_at))
            return
        self.transition(Action.SUBMIT_ANSWER, answered_at - timedelta(hours=1), unit_id=unit_id)
        self._publish(answered_at, received_at, gen.wd.add(local_date(resumed_at), 10), unit_id)
        self.stock(received_at, answered_at, deferred=(deferred_at, resumed_at))
        self._after_answer(answered_at, unit_id)

    def _publish(self, at: datetime, started_at: datetime, due_on: date, unit_id: int) -> None:
        case = self.case
        on_time = local_date(at) <= due_on
        due_at = end_of_local_day(due_on)
        days = self.gen.wd.between(local_date(started_at), local_date(at))
        self.transition(Action.PUBLISH_ANSWER, at, unit_id=unit_id,
                        counted={"on_time": on_time, "working_days": days},
                        details={"clocks": [{"step": "overall", "due_at": due_at.isoformat(),
                                             "on_time": on_time}]})  # fmt: skip
        case.update(
            answered_at=at,
            answer_public_text="Cơ quan đã kiểm tra, chỉ đạo giải quyết và trả kết quả.",
            answer_letter="Kính gửi ông/bà, cơ quan đã giải quyết hồ sơ của ông/bà.",
            answer_submitted_at=at,
            published_title=case["title"],
            published_content=case["content"] if case["consent_to_publish"] else None,
            published_answer="Cơ quan đã kiểm tra, chỉ đạo giải quyết và trả kết quả.",
            published_at=at,
        )
        case["published_search_text"] = " ".join(
            (fold(case["reference_code"]), folded(case["title"], case["published_answer"]))
        )
        case["published_search_title"] = " ".join(
            (fold(case["reference_code"]), folded(case["title"]))
        )

    def _after_answer(self, answered_at: datetime, unit_id: int) -> None:
        gen, rng, case = self.gen, self.rng, self.case
        answered_on = local_date(answered_at)
        if rng.random() < 0.4:
            rated_at = self.at(answered_on + timedelta(days=rng.randrange(1, 6)))
            if rated_at is not None:
                score = pick(rng, SCORES)
                case.update(rating_score=score, rated_at=rated_at)
                self.event(EventKind.RATE, rated_at, None, actor="citizen",
                           details={"score": score}, is_public=False)  # fmt: skip
                self.entry(Measure.RATED, rated_at, score=score)
                if score in SATISFIED_SCORES:  # a satisfied rating closes the item
                    self.transition(Action.CLOSE, rated_at, actor="citizen")
                    case["closed_at"] = rated_at
                    return
                if score <= 2 and rng.random() < 0.3:
                    self._reconsider(rated_at, unit_id)
                    return
        closed_at = self.at(gen.wd.add(answered_on, 11))
        if closed_at is not None and case["state"] is State.ANSWERED:
            self.transition(Action.CLOSE, closed_at, actor="system")
            case["closed_at"] = closed_at

    def _reconsider(self, after: datetime, unit_id: int) -> None:
        gen, rng, case = self.gen, self.rng, self.case
        reopened_at = after + timedelta(minutes=10)
        if reopened_at > gen.now:
            return
        self.transition(Action.REOPEN, reopened_at, actor="citizen", unit_id=unit_id,
                        note="Câu trả lời chưa giải quyết được vướng mắc.")  # fmt: skip
        case.update(reconsideration_count=1, answered_at=None)
        due_on = gen.wd.add(local_date(reopened_at), 10)
        answered_at = self.at(gen.wd.add(local_date(reopened_at), rng.randrange(3, 14)))
        if answered_at is None:
            self.open_clocks = [(Step.HANDLING, reopened_at)]
            self.stock(reopened_at, None)
            return
        self.transition(Action.SUBMIT_ANSWER, answered_at - timedelta(hours=1), unit_id=unit_id)
        self._publish(answered_at, reopened_at, due_on, unit_id)
        self.stock(reopened_at, answered_at)


@functools.lru_cache(maxsize=4096)
def folded(*texts: str) -> str:
    """Titles and texts repeat across generated items: fold each combination once."""
    return fold(" ".join(texts))


class _Row:
    """Attribute access over an event's dict, for ``event_hash``."""

    def __init__(self, row: dict):
        self.__dict__.update(row)
