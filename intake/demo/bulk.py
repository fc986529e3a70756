"""`flask intake demo --items N`: many realistic items with their histories, fast.

The real operations take a few milliseconds per step, far too slow for a million items; this
module writes the same rows they would (the item, its hash-chained events, its report entries,
the clocks of open items and the nightly backlog snapshots) with bulk INSERTs, one batch per
transaction. Timelines are drawn at random from a fixed seed, so two runs give the same data.

What is simplified, and why it does not matter for what the data is for (dashboards, reports,
benchmarks): finished items carry their verdicts in events and entries but no clock rows;
generated items never wait for the citizen; the historic overdue stock judges only the overall
deadline. Open items get real clocks from the deadline policies, so queues, reminders and the
overdue list treat them like any other item. Nobody can follow a generated item: its access
key is a random secret that is thrown away.
"""

from __future__ import annotations

import bisect
import functools
import random
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from intake.accounts.models import Role, User
from intake.cases import clocks
from intake.cases.events import GENESIS_HASH, event_hash
from intake.cases.models import (
    Case,
    CaseEvent,
    CaseKind,
    Channel,
    ContentClass,
    SubmitterType,
)
from intake.core.calendar import LOCAL_TZ, WorkingCalendar, end_of_local_day, local_date
from intake.core.deadlines import Priority, Step
from intake.core.reasons import RejectReason
from intake.core.reference import ALPHABET, CODE_PREFIX
from intake.core.states import Action, State
from intake.core.text import fold
from intake.extensions import db
from intake.org.models import Field, RoutingRule, Unit, UnitKind
from intake.reports.models import BacklogSnapshot, Measure, ReportEntry, SnapshotDay
from intake.reports.rollups import roll_up_entries

CHANNELS = [
    (Channel.WEB, 45),
    (Channel.NATIONAL_PORTAL, 20),
    (Channel.EMAIL, 10),
    (Channel.PHONE, 10),
    (Channel.PAPER, 8),
    (Channel.COUNTER, 5),
    (Channel.QUESTIONNAIRE, 2),
]
SCORES = [(1, 5), (2, 7), (3, 18), (4, 35), (5, 35)]
REFUSALS = [r for r in RejectReason if r is not RejectReason.NO_REPLY_TO_INFO_REQUEST]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Lâm", "Thạch", "Danh", "Sơn"]
GIVEN = ["Văn An", "Thị Bích", "Minh Châu", "Hoàng Dũng", "Thị Hoa", "Văn Khánh", "Thị Mai",
         "Quốc Phong", "Thanh Tâm", "Ngọc Trâm", "Văn Sáu", "Thị Sương"]  # fmt: skip
PLACES = ["phường 1, thành phố Sóc Trăng", "xã An Hiệp, huyện Châu Thành",
          "thị trấn Mỹ Xuyên, huyện Mỹ Xuyên", "xã Đại Ân 1, huyện Cù Lao Dung",
          "phường Vĩnh Phước, thị xã Vĩnh Châu", "thị trấn Kế Sách, huyện Kế Sách"]  # fmt: skip
TOPICS = [
    "Chậm trả kết quả hồ sơ {p}",
    "Đề nghị hướng dẫn thành phần hồ sơ {p}",
    "Phản ánh yêu cầu thêm giấy tờ ngoài quy định khi làm thủ tục {p}",
    "Kiến nghị đơn giản hóa thủ tục {p}",
    "Phí, lệ phí thu không đúng quy định khi giải quyết {p}",
]
PROCEDURE_WORDS = ["cấp giấy chứng nhận quyền sử dụng đất", "đăng ký hộ kinh doanh",
                   "cấp giấy phép xây dựng", "chứng thực bản sao", "đăng ký khai sinh",
                   "cấp phiếu lý lịch tư pháp", "cấp giấy phép lái xe"]  # fmt: skip


@dataclass
class BulkReport:
    items: int = 0
    events: int = 0
    entries: int = 0
    snapshot_rows: int = 0


class _WorkingDays:
    """Working-day arithmetic over a precomputed index: the generator asks millions of times."""

    def __init__(self, calendar: WorkingCalendar, first: date, last: date):
        self.first = first
        self.days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        self.cumulative = []
        count = 0
        for day in self.days:
            count += calendar.is_working_day(day)
            self.cumulative.append(count)

    def _index(self, day: date) -> int:
        return (day - self.first).days

    def add(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (as WorkingCalendar.add_working_days)."""
        target = self.cumulative[self._index(day)] + n
        return self.days[bisect.bisect_left(self.cumulative, target)] if n else day

    def between(self, start: date, end: date) -> int:
        return self.cumulative[self._index(end)] - self.cumulative[self._index(start)]


def _working_instant(day: date, rng: random.Random) -> datetime:
    local = datetime.combine(day, time(7, 30), tzinfo=LOCAL_TZ)
    # In UTC, as stored: the event hash covers the ISO form of the instant.
    return (local + timedelta(minutes=rng.randrange(9 * 60))).astimezone(UTC)


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


class _Generator:
    def __init__(self, *, now: datetime, years: float, seed: int, calendar: WorkingCalendar):
        self.now = now
        self.today = local_date(now)
        self.first_day = self.today - timedelta(days=int(365.25 * years))
        self.rng = random.Random(seed)
        self.wd = _WorkingDays(calendar, self.first_day - timedelta(days=5),
                               self.today + timedelta(days=400))  # fmt: skip
        self.calendar = calendar
        units = db.session.scalars(sa.select(Unit).where(Unit.kind != UnitKind.EXTERNAL)).all()
        self.departments = [u.id for u in units if not u.receives_intake] or [u.id for u in units]
        self.fields = db.session.scalars(sa.select(Field.id)).all() or [None]
        routed = dict(
            db.session.execute(
                sa.select(RoutingRule.field_id, RoutingRule.unit_id).where(
                    RoutingRule.field_id.is_not(None)
                )
            ).all()
        )
        self.unit_of_field = {f: routed.get(f) or self.rng.choice(self.departments)
                              for f in self.fields}  # fmt: skip
        self.officer = db.session.scalar(
            sa.select(User.id).where(User.role == Role.INTAKE_OFFICER).limit(1)
        )
        self.key_hash = generate_password_hash(secrets.token_urlsafe(16), "pbkdf2:sha256:1000")
        self.codes: set[str] = set(db.session.scalars(sa.select(Case.reference_code)))
        # Backlog deltas per (unit, field, channel) → day → [open, overdue, deferred].
        self.deltas: dict = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))

    # --- one item ------------------------------------------------------------------------

    def item(self, case_id: int):
        rng = self.rng
        span = (self.today - self.first_day).days
        received_on = self.first_day + timedelta(days=rng.randrange(span + 1))
        received_at = _working_instant(received_on, rng)
        if received_at > self.now:
            received_at = self.now - timedelta(minutes=rng.randrange(1, 600))
            received_on = local_date(received_at)
        channel = _pick(rng, CHANNELS)
        kind = CaseKind.PETITION if rng.random() < 0.3 else CaseKind.FEEDBACK
        field_id = rng.choice(self.fields)
        unit_id = self.unit_of_field[field_id]
        priority = Priority.URGENT if rng.random() < 0.05 else Priority.NORMAL
        overall_days = 5 if priority is Priority.URGENT else 15
        procedure = rng.choice(PROCEDURE_WORDS)
        title = rng.choice(TOPICS).format(p=procedure)
        content = (f"Tôi đã nộp hồ sơ {procedure} tại bộ phận một cửa nhưng quá hẹn chưa có "
                   "kết quả, không được thông báo lý do. Đề nghị cơ quan xem xét.")  # fmt: skip
        case = {
            "id": case_id,
            "reference_code": self._code(received_on.year),
            "access_key_hash": self.key_hash,
            "channel": channel,
            "kind": kind,
            "content_class": None,
            "priority": priority,
            "language": "vi",
            "submitter_type": SubmitterType.INDIVIDUAL,
            "full_name": f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
            "address": rng.choice(PLACES),
            "phone": "09" + "".join(str(rng.randrange(10)) for _ in range(8)),
            "title": title,
            "content": content,
            "proposed_solution": "Đề nghị công khai thời hạn và lý do chậm."
            if kind is CaseKind.PETITION
            else None,
            "consent_to_publish": rng.random() < 0.7,
            "declared_truthful": True,
            "search_text": "",
            "field_id": None,
            "lead_unit_id": None,
            "bounce_count": 0,
            "reconsideration_count": 0,
            "received_at": received_at,
            "created_at": received_at,
            "updated_at": received_at,
            "version": 1,
            "state": State.RECEIVED,
        }
        case["search_text"] = " ".join(
            (fold(case["reference_code"]), _folded(title, content), _folded(case["full_name"]))
        )
        story = _Story(self, case, received_on, overall_days)
        story.run(field_id, unit_id)
        return story

    def _code(self, year: int) -> str:
        while True:
            body = "".join(self.rng.choice(ALPHABET) for _ in range(8))
            code = f"{CODE_PREFIX}-{year:04d}-{body[:4]}-{body[4:]}"
            if code not in self.codes:
                self.codes.add(code)
                return code


class _Story:
    """One item's timeline, written as the operations would have written it."""

    def __init__(self, gen: _Generator, case: dict, received_on: date, overall_days: int):
        self.gen, self.case, self.received_on = gen, case, received_on
        self.rng = gen.rng
        self.events: list[dict] = []
        self.entries: list[dict] = []
        self.open_clocks: list[tuple[Step, datetime]] = []
        self.overall_due_on = gen.wd.add(received_on, overall_days)
        self.prev_hash = GENESIS_HASH

    def at(self, day: date) -> datetime | None:
        """A working-hours instant of ``day``, or None when that is still to come."""
        instant = _working_instant(day, self.rng)
        if day == self.received_on:
            instant = max(instant, self.case["received_at"] + timedelta(minutes=5))
        return instant if instant <= self.gen.now else None

    def event(self, kind: str, at: datetime, to: State | None, actor: str | None = None, **kw):
        case = self.case
        from_state = case["state"] if to is not None else None
        row = {
            "case_id": case["id"],
            "seq": len(self.events) + 1,
            "kind": kind,
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
        self.event("submit", received_at, State.RECEIVED, actor="citizen",
                   details={"channel": str(case["channel"]), "attachments": 0})  # fmt: skip
        self.entry(Measure.RECEIVED, received_at)
        triage_on = gen.wd.add(self.received_on, rng.choice([0, 1, 1, 1, 2, 2, 3, 4]))
        triaged_at = self.at(triage_on)
        if triaged_at is None:  # still waiting for triage
            self.open_clocks = [(Step.TRIAGE, received_at), (Step.OVERALL, received_at)]
            self.stock(received_at, None)
            return
        case["field_id"] = field_id
        case["content_class"] = _pick(rng, [(ContentClass.BEHAVIOUR, 6),
                                            (ContentClass.REGULATION, 3),
                                            (ContentClass.INITIATIVE, 1)])  # fmt: skip
        triage_on_time = gen.wd.between(self.received_on, triage_on) <= 3
        roll = rng.random()
        if roll < 0.11:
            self._finish_at_triage(roll, triaged_at, triage_on_time)
            return
        self.entry(Measure.TRIAGED, triaged_at)
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
                self.event(str(Action.RETURN_TO_INTAKE), back_at, State.RECEIVED,
                           unit_id=wrong, reason_code="not_competent", is_public=False)  # fmt: skip
                self.entry(Measure.BOUNCED, back_at)
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
            self.entry(Measure.TRIAGED, at)
            self.event(str(action), at, State.REJECTED, reason_code=str(reason))
            self.entry(Measure.REFUSED, at, reason_code=str(reason), on_time=on_time)
        elif roll < 0.09:
            self.entry(Measure.TRIAGED, at)
            self.event(str(Action.TRANSFER_OUT), at, State.TRANSFERRED_OUT,
                       details={"agency": "Bộ Tài chính", "letter_number": "01/VP"})  # fmt: skip
            self.entry(Measure.TRANSFERRED_OUT, at, on_time=on_time)
        else:
            self.event(str(Action.WITHDRAW), at, State.WITHDRAWN, actor="citizen")
            self.entry(Measure.WITHDRAWN, at)
        case["closed_at"] = at
        self.stock(case["received_at"], at)

    def _assign(self, at: datetime, unit_id: int) -> None:
        self.case["lead_unit_id"] = unit_id
        self.event(str(Action.ASSIGN), at, State.ASSIGNED, unit_id=unit_id,
                   details={"cooperating_unit_ids": []})  # fmt: skip
        self.entry(Measure.ASSIGNED, at)

    def _handle(self, received_at: datetime, assigned_on: date, unit_id: int) -> None:
        gen, rng, case = self.gen, self.rng, self.case
        accepted_at = self.at(gen.wd.add(assigned_on, rng.choice([0, 0, 1, 1, 2])))
        if accepted_at is None:
            self.open_clocks = [(Step.ACCEPTANCE, case["updated_at"]), (Step.OVERALL, received_at)]
            self.stock(received_at, None)
            return
        self.event(str(Action.ACCEPT), accepted_at, State.IN_PROGRESS, unit_id=unit_id)
        if case["content_class"] is ContentClass.REGULATION and rng.random() < 0.03:
            deferred_at = self.at(gen.wd.add(local_date(accepted_at), rng.randrange(2, 8)))
            if deferred_at is not None:
                self._defer(received_at, deferred_at, unit_id)
                return
        # Most answers come within the handling time; a tail comes late.
        handling = _pick(rng, [(3, 5), (5, 15), (7, 20), (9, 20), (10, 10), (12, 10),
                               (15, 8), (20, 7), (30, 5)])  # fmt: skip
        submitted_at = self.at(gen.wd.add(local_date(accepted_at), handling))
        if submitted_at is None:
            self.open_clocks = [(Step.HANDLING, accepted_at), (Step.OVERALL, received_at)]
            self.stock(received_at, None)
            return
        self.event(str(Action.SUBMIT_ANSWER), submitted_at, State.ANSWER_REVIEW, unit_id=unit_id)
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
        self.event(str(Action.DEFER), deferred_at, State.DEFERRED, unit_id=unit_id,
                   note="Chờ văn bản hướng dẫn của Bộ.", is_public=False)  # fmt: skip
        self.entry(Measure.DEFERRED, deferred_at)
        resumed_at = self.at(gen.wd.add(local_date(deferred_at), self.rng.randrange(20, 120)))
        if resumed_at is None:
            self.stock(received_at, None, deferred=(deferred_at, None))
            return
        self.event(str(Action.RESUME), resumed_at, State.IN_PROGRESS, unit_id=unit_id)
        answered_at = self.at(gen.wd.add(local_date(resumed_at), self.rng.randrange(3, 10)))
        if answered_at is None:
            self.open_clocks = [(Step.HANDLING, resumed_at)]
            self.stock(received_at, None, deferred=(deferred_at, resumed_at))
            return
        self.event(str(Action.SUBMIT_ANSWER), answered_at - timedelta(hours=1),
                   State.ANSWER_REVIEW, unit_id=unit_id)  # fmt: skip
        self._publish(answered_at, received_at, gen.wd.add(local_date(resumed_at), 10), unit_id)
        self.stock(received_at, answered_at, deferred=(deferred_at, resumed_at))
        self._after_answer(answered_at, unit_id)

    def _publish(self, at: datetime, started_at: datetime, due_on: date, unit_id: int) -> None:
        case = self.case
        on_time = local_date(at) <= due_on
        due_at = end_of_local_day(due_on)
        self.event(str(Action.PUBLISH_ANSWER), at, State.ANSWERED, unit_id=unit_id,
                   details={"clocks": [{"step": "overall", "due_at": due_at.isoformat(),
                                        "on_time": on_time}]})  # fmt: skip
        days = self.gen.wd.between(local_date(started_at), local_date(at))
        self.entry(Measure.ANSWERED, at, on_time=on_time, working_days=days)
        self.entry(Measure.PUBLISHED, at)
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
            (fold(case["reference_code"]), _folded(case["title"], case["published_answer"]))
        )

    def _after_answer(self, answered_at: datetime, unit_id: int) -> None:
        gen, rng, case = self.gen, self.rng, self.case
        answered_on = local_date(answered_at)
        if rng.random() < 0.4:
            rated_at = self.at(answered_on + timedelta(days=rng.randrange(1, 6)))
            if rated_at is not None:
                score = _pick(rng, SCORES)
                case.update(rating_score=score, rated_at=rated_at)
                self.event("rate", rated_at, None, actor="citizen", details={"score": score},
                           is_public=False)  # fmt: skip
                self.entry(Measure.RATED, rated_at, score=score)
                if score <= 2 and rng.random() < 0.3:
                    self._reconsider(rated_at, unit_id)
                    return
        closed_at = self.at(gen.wd.add(answered_on, 11))
        if closed_at is not None and case["state"] is State.ANSWERED:
            self.event(str(Action.CLOSE), closed_at, State.CLOSED, actor="system")
            case["closed_at"] = closed_at

    def _reconsider(self, after: datetime, unit_id: int) -> None:
        gen, rng, case = self.gen, self.rng, self.case
        reopened_at = after + timedelta(minutes=10)
        if reopened_at > gen.now:
            return
        self.event(str(Action.REOPEN), reopened_at, State.IN_PROGRESS, actor="citizen",
                   unit_id=unit_id, note="Câu trả lời chưa giải quyết được vướng mắc.")  # fmt: skip
        self.entry(Measure.REOPENED, reopened_at)
        case.update(reconsideration_count=1, answered_at=None)
        due_on = gen.wd.add(local_date(reopened_at), 10)
        answered_at = self.at(gen.wd.add(local_date(reopened_at), rng.randrange(3, 14)))
        if answered_at is None:
            self.open_clocks = [(Step.HANDLING, reopened_at)]
            self.stock(reopened_at, None)
            return
        self.event(str(Action.SUBMIT_ANSWER), answered_at - timedelta(hours=1),
                   State.ANSWER_REVIEW, unit_id=unit_id)  # fmt: skip
        self._publish(answered_at, reopened_at, due_on, unit_id)
        self.stock(reopened_at, answered_at)


@functools.lru_cache(maxsize=4096)
def _folded(*texts: str) -> str:
    """Titles and texts repeat across generated items: fold each combination once."""
    return fold(" ".join(texts))


class _Row:
    """Attribute access over an event's dict, for ``event_hash``."""

    def __init__(self, row: dict):
        self.__dict__.update(row)


def generate_items(
    n: int,
    *,
    now: datetime,
    years: float = 5,
    seed: int = 2026,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> BulkReport:
    """Write ``n`` items received over the last ``years`` years, committing each batch."""
    from intake.org.calendar import load_working_calendar

    gen = _Generator(now=now, years=years, seed=seed, calendar=load_working_calendar())
    report = BulkReport()
    next_id = (db.session.scalar(sa.select(sa.func.max(Case.id))) or 0) + 1
    done = 0
    while done < n:
        size = min(batch_size, n - done)
        stories = [gen.item(next_id + i) for i in range(size)]
        _write_batch(stories, gen, report)
        db.session.commit()
        next_id += size
        done += size
        if progress:
            progress(done)
    report.snapshot_rows = _write_snapshots(gen)
    roll_up_entries()  # what the worker's next tick would do, once for the whole history
    if db.engine.dialect.name == "postgresql":
        # The ids were chosen here, not by the sequence: move it past them.
        db.session.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"
            )
        )
    db.session.commit()
    report.items = n
    return report


_CASE_KEYS = (
    "closed_at", "answered_at", "answer_public_text", "answer_letter", "answer_submitted_at",
    "published_title", "published_content", "published_answer", "published_at",
    "published_search_text", "rating_score", "rated_at",
)  # fmt: skip


def _write_batch(stories: list[_Story], gen: _Generator, report: BulkReport) -> None:
    cases = []
    for story in stories:
        row = story.case
        for key in _CASE_KEYS:
            row.setdefault(key, None)
        cases.append(row)
    db.session.execute(sa.insert(Case.__table__), cases)
    events = [e for s in stories for e in s.events]
    entries = [e for s in stories for e in s.entries]
    db.session.execute(sa.insert(CaseEvent.__table__), events)
    db.session.execute(sa.insert(ReportEntry.__table__), entries)
    report.events += len(events)
    report.entries += len(entries)
    open_stories = [s for s in stories if s.open_clocks]
    if open_stories:
        _start_open_clocks(open_stories, gen)


def _start_open_clocks(stories: list[_Story], gen: _Generator) -> None:
    """Open items get real clocks (policy lengths, reminders), so that the worker, the
    queues and the overdue list see them as they see any item."""
    ids = [s.case["id"] for s in stories]
    loaded = {c.id: c for c in db.session.scalars(sa.select(Case).where(Case.id.in_(ids)))}
    for story in stories:
        case = loaded[story.case["id"]]
        for step, started_at in story.open_clocks:
            unit = case.lead_unit if step in (Step.ACCEPTANCE, Step.HANDLING) else None
            clocks.start_clock(case, step, now=started_at, calendar=gen.calendar, unit=unit,
                               started_at=started_at)  # fmt: skip
    db.session.flush()


def _write_snapshots(gen: _Generator) -> int:
    """The nightly backlog for every day of the generated history, from the deltas each
    item left, added to what the worker may already have taken."""
    rows = []
    first, last = gen.first_day, gen.today
    for (unit_id, field_id, channel), deltas in gen.deltas.items():
        running = [0, 0, 0]
        changes = sorted(deltas.items())
        index = 0
        day = changes[0][0] if changes else last
        while day <= last:
            while index < len(changes) and changes[index][0] <= day:
                running = [a + b for a, b in zip(running, changes[index][1], strict=True)]
                index += 1
            if running[0] and day >= first:
                open_count, overdue, deferred = running
                rows.append({"taken_on": day, "unit_id": unit_id, "field_id": field_id,
                             "channel": channel, "open_count": open_count,
                             "overdue_count": overdue, "deferred_count": deferred})  # fmt: skip
            day += timedelta(days=1)
    for start in range(0, len(rows), 20000):
        db.session.execute(sa.insert(BacklogSnapshot.__table__), rows[start : start + 20000])
    taken = set(db.session.scalars(sa.select(SnapshotDay.taken_on)))
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    missing = [{"taken_on": d, "taken_at": gen.now} for d in days if d not in taken]
    if missing:
        db.session.execute(sa.insert(SnapshotDay.__table__), missing)
    return len(rows)
