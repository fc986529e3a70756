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
import random
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from intake.accounts.models import Role, User
from intake.cases import clocks
from intake.cases.anchors import CaseAnchor, anchor_values
from intake.cases.models import (
    Case,
    CaseEvent,
    CaseKind,
    Channel,
    SubmitterType,
)
from intake.core.calendar import WorkingCalendar, local_date
from intake.core.deadlines import Priority, Step
from intake.core.reference import ALPHABET, CODE_PREFIX
from intake.core.states import State
from intake.core.text import fold
from intake.demo.stories import Story, folded, pick, working_instant
from intake.extensions import db
from intake.org.models import Field, RoutingRule, Unit, UnitKind
from intake.reports.models import BacklogSnapshot, ReportEntry, SnapshotDay
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
        # Only units in force over the whole span: items of a day go to units of that day.
        units = [u for u in units if u.is_active_on(self.first_day) and u.is_active_on(self.today)]
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
        received_at = working_instant(received_on, rng)
        if received_at > self.now:
            received_at = self.now - timedelta(minutes=rng.randrange(1, 600))
            received_on = local_date(received_at)
        channel = pick(rng, CHANNELS)
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
            "search_title": "",
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
            (fold(case["reference_code"]), folded(title, content), folded(case["full_name"]))
        )
        case["search_title"] = " ".join((fold(case["reference_code"]), folded(title)))
        story = Story(self, case, received_on, overall_days)
        story.run(field_id, unit_id)
        return story

    def _code(self, year: int) -> str:
        while True:
            body = "".join(self.rng.choice(ALPHABET) for _ in range(8))
            code = f"{CODE_PREFIX}-{year:04d}-{body[:4]}-{body[4:]}"
            if code not in self.codes:
                self.codes.add(code)
                return code


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
    "published_search_text", "published_search_title", "rating_score", "rated_at",
)  # fmt: skip


def _write_batch(stories: list[Story], gen: _Generator, report: BulkReport) -> None:
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
    anchors = [
        anchor_values(s.case["id"], s.events[-1]["seq"], s.events[-1]["hash"])
        for s in stories
        if s.events
    ]
    db.session.execute(sa.insert(CaseAnchor.__table__), anchors)
    db.session.execute(sa.insert(ReportEntry.__table__), entries)
    report.events += len(events)
    report.entries += len(entries)
    open_stories = [s for s in stories if s.open_clocks]
    if open_stories:
        _start_open_clocks(open_stories, gen)


def _start_open_clocks(stories: list[Story], gen: _Generator) -> None:
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
