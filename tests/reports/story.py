"""A hand-built set of items around the first quarter of 2026 (15/12/2025 → 14/3/2026),
each moved by the real operations at the dates given, in date order, with the backlog
snapshots taken at the midnights the worker would take them. The expected figures are worked
out by hand in ``test_figures``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from intake.cases import operations as ops
from intake.cases.models import Case, Channel, ContentClass
from intake.core.calendar import start_of_local_day
from intake.core.deadlines import Priority
from intake.core.reasons import RejectReason, ReturnReason
from intake.extensions import db
from intake.org.models import Field, Unit
from intake.reports.recording import take_backlog_snapshot
from tests.cases.factories import CALENDAR, Staff, submit, unit_by_code


def at(day: date, minute: int = 0) -> datetime:
    """09:00 in Viet Nam on ``day`` (02:00 UTC), plus some minutes."""
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC) + timedelta(minutes=minute)


class Story:
    def __init__(self, staff: Staff):
        self.staff = staff
        self.fields = db.session.scalars(sa.select(Field).order_by(Field.id).limit(2)).all()
        self.other_unit = db.session.scalar(sa.select(Unit).where(Unit.code == "so-tp"))

    def receive(self, day: date, channel: Channel = Channel.WEB, **kw) -> Case:
        return submit(at(day), channel=channel, **kw)

    def triage(self, case: Case, day: date, unit: Unit | None = None, field=None) -> None:
        s = self.staff
        ops.classify_case(
            case, actor=s.intake, now=at(day, 1), expected_version=None, kind=case.kind,
            content_class=ContentClass.REGULATION, field_id=(field or self.fields[0]).id,
            procedure_id=None, priority=Priority.NORMAL, calendar=CALENDAR,
        )  # fmt: skip
        ops.assign_case(
            case, actor=s.intake, now=at(day, 2), expected_version=None,
            lead_unit=unit or s.lead_unit, cooperating_units=[], note=None, calendar=CALENDAR,
        )  # fmt: skip

    def accept(self, case: Case, day: date, handler=None) -> None:
        ops.accept_case(case, actor=handler or self.staff.handler, now=at(day, 3),
                        expected_version=None, calendar=CALENDAR)  # fmt: skip

    def answer(self, case: Case, day: date) -> None:
        s = self.staff
        ops.save_answer(
            case, actor=s.handler, now=at(day, 10), expected_version=None,
            public_text="Sở đã giải quyết.", letter="Kính gửi ông An, Sở đã giải quyết.",
            upload=None, upload_dir="/nonexistent", max_attachment_bytes=0,
        )  # fmt: skip
        ops.submit_answer(case, actor=s.handler, now=at(day, 11), expected_version=None,
                          calendar=CALENDAR)  # fmt: skip
        ops.publish_answer(
            case, actor=s.intake, now=at(day, 12), expected_version=None,
            published_title=case.title, published_content="Nội dung.",
            published_answer=case.answer_public_text,
        )  # fmt: skip

    def handle(self, case: Case, received: date, answered: date) -> None:
        self.triage(case, received)
        self.accept(case, received)
        self.answer(case, answered)

    def snapshot(self, day: date) -> None:
        take_backlog_snapshot(day, now=start_of_local_day(day) + timedelta(minutes=1))

    def reject(self, case: Case, day: date) -> None:
        ops.reject_case(case, actor=self.staff.intake, now=at(day, 5), expected_version=None,
                        reason=RejectReason.ABUSIVE_OR_SPAM, message="Không phù hợp.")  # fmt: skip

    def transfer(self, case: Case, day: date) -> None:
        ops.transfer_out(case, actor=self.staff.intake, now=at(day, 5), expected_version=None,
                         agency_unit=unit_by_code("bo-tc"), letter_number="12/VP")  # fmt: skip

    def bounce(self, case: Case, day: date, handler) -> None:
        ops.return_to_intake(case, actor=handler, now=at(day, 6), expected_version=None,
                             reason=ReturnReason.NOT_COMPETENT,
                             note="Không thuộc thẩm quyền.")  # fmt: skip

    def rate(self, case: Case, day: date, score: int) -> None:
        ops.rate_answer(case, now=at(day, 20), score=score, comment=None)

    def reopen(self, case: Case, day: date) -> None:
        ops.request_reconsideration(case, now=at(day, 30), reason="Chưa thỏa đáng.",
                                    calendar=CALENDAR, window_working_days=10,
                                    max_reconsiderations=1)  # fmt: skip


def build_first_quarter_2026(staff: Staff) -> dict[str, Case]:
    """The items, named as in the test's table, written in the order things happened."""
    s = Story(staff)
    d = date
    items: dict[str, Case] = {}
    # Before the period: A answered inside it on time; B answered inside it late.
    items["B"] = b = s.receive(d(2025, 12, 1))
    s.triage(b, d(2025, 12, 1))
    s.accept(b, d(2025, 12, 1))
    items["A"] = a = s.receive(d(2025, 12, 10), channel=Channel.PAPER)
    s.triage(a, d(2025, 12, 10))
    s.accept(a, d(2025, 12, 10))
    s.snapshot(d(2025, 12, 15))  # the period starts: A and B are carried over
    s.answer(a, d(2025, 12, 19))
    items["C"] = c = s.receive(d(2026, 1, 5))
    s.reject(c, d(2026, 1, 6))
    s.rate(a, d(2026, 1, 7), 4)
    items["G"] = g = s.receive(d(2026, 1, 12))
    ops.request_info(g, actor=staff.intake, now=at(d(2026, 1, 13)), expected_version=None,
                     message="Đề nghị gửi số giấy hẹn.")  # fmt: skip
    items["H"] = h = s.receive(d(2026, 1, 15))
    s.triage(h, d(2026, 1, 15))
    s.accept(h, d(2026, 1, 16))
    s.answer(b, d(2026, 1, 20))
    items["L"] = el = s.receive(d(2026, 1, 20), channel=Channel.EMAIL)
    s.triage(el, d(2026, 1, 21), unit=s.other_unit, field=s.fields[1])
    s.bounce(el, d(2026, 1, 22), staff.other_handler)
    ops.assign_case(el, actor=staff.intake, now=at(d(2026, 1, 23)), expected_version=None,
                    lead_unit=staff.lead_unit, cooperating_units=[], note=None,
                    calendar=CALENDAR)  # fmt: skip
    s.accept(el, d(2026, 1, 23))
    ops.defer_case(h, actor=staff.handler, now=at(d(2026, 2, 2)), expected_version=None,
                   reason="Chờ Bộ hướng dẫn.")  # fmt: skip
    items["D"] = dd = s.receive(d(2026, 2, 2))
    s.transfer(dd, d(2026, 2, 3))
    items["E"] = e = s.receive(d(2026, 2, 10), channel=Channel.PHONE)
    ops.withdraw_case(e, now=at(d(2026, 2, 11)), reason="Đã được giải quyết.")
    s.answer(el, d(2026, 2, 27))
    items["F"] = f = s.receive(d(2026, 3, 2))
    s.triage(f, d(2026, 3, 3))
    s.accept(f, d(2026, 3, 3))
    items["M"] = m = s.receive(d(2026, 3, 5))  # never triaged: overdue on 15/3
    items["I"] = i = s.receive(d(2026, 3, 10))
    s.handle(i, d(2026, 3, 10), d(2026, 3, 13))
    s.rate(i, d(2026, 3, 14), 2)
    s.reopen(i, d(2026, 3, 14))
    items["J"] = s.receive(d(2026, 3, 14))  # the last day of the period
    s.snapshot(d(2026, 3, 15))  # the period has ended
    items["K"] = s.receive(d(2026, 3, 15))  # the first day of the next period
    s.answer(i, d(2026, 3, 20))
    db.session.commit()
    assert m.state.value == "received"
    return items
