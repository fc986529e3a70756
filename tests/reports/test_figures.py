"""Every figure of DOMAIN.md §7 against the hand-built first quarter of 2026 (see ``story``).

| item | received | in the period (15/12/2025 → 14/3/2026)                  | at 00:00 15/3 |
|------|----------|---------------------------------------------------------|---------------|
| A    | 10/12    | carried over; answered 19/12 on time (7 wd); rated 4    | —             |
| B    | 1/12     | carried over; answered 20/1, late (due 22/12)           | —             |
| C    | 5/1      | refused 6/1 (abusive_or_spam)                           | —             |
| D    | 2/2      | transferred out 3/2                                     | —             |
| E    | 10/2     | withdrawn 11/2 (by phone)                               | —             |
| F    | 2/3      | in progress                                             | open          |
| G    | 12/1     | waiting for the citizen                                 | open          |
| H    | 15/1     | deferred 2/2                                            | open, deferred|
| I    | 10/3     | answered 13/3 on time (3 wd), rated 2, reopened 14/3    | open          |
| J    | 14/3     | received on the last day                                | open          |
| K    | 15/3     | (next period)                                           | —             |
| L    | 20/1     | first to Sở Tư pháp, which returned it; answered 27/2   | —             |
|      |          | late by Sở TN&MT                                        |               |
| M    | 5/3      | never triaged (triage due 10/3)                         | open, overdue |
"""

from dataclasses import asdict
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from intake.cases import operations as ops
from intake.cases.models import Channel
from intake.core.periods import Period, PeriodKind, report_period
from intake.extensions import db
from intake.org.calendar import set_override
from intake.org.models import Unit
from intake.reports.figures import Breakdown, Filters, build_report, ranked
from intake.reports.models import Measure, ReportEntry
from tests.cases.factories import CALENDAR, make_staff
from tests.reports.story import Story, at, build_first_quarter_2026

Q1 = report_period(PeriodKind.QUARTER, 2026, 1)
LATER = datetime(2026, 4, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
def story(app, org):
    staff = make_staff()
    items = build_first_quarter_2026(staff)
    return staff, items


def test_the_quarter_runs_from_15_december_to_14_march():
    assert (Q1.first_day, Q1.last_day) == (date(2025, 12, 15), date(2026, 3, 14))


def test_every_figure_of_the_quarter(story):
    report = build_report(Q1, now=LATER)
    f = report.total
    assert f.carried_over == 2  # A, B
    assert f.received == 10  # C D E F G H I J L M; not A, B (before) nor K (after)
    assert f.refused == 1 and dict(f.refused_by_reason) == {"abusive_or_spam": 1}
    assert f.transferred_out == 1
    assert f.withdrawn == 1
    assert (f.answered_on_time, f.answered_late) == (2, 2)  # A, I / B, L
    assert f.answered == 4 and f.published == 4
    assert f.on_time_rate == 0.5
    assert f.reconsiderations == 1  # I
    assert f.bounced == 1  # L
    assert f.deferred_in_period == 1  # H
    assert f.open_at_end == 6  # F G H I J M
    assert f.overdue_at_end == 1  # M
    assert f.deferred_at_end == 1  # H
    assert f.within_deadline_at_end == 4
    b_days = CALENDAR.working_days_between(date(2025, 12, 1), date(2026, 1, 20))
    l_days = CALENDAR.working_days_between(date(2026, 1, 20), date(2026, 2, 27))
    assert sorted(f.handling_days.elements()) == sorted([7, b_days, 3, l_days])
    assert f.handling_mean == pytest.approx((7 + b_days + 3 + l_days) / 4)
    days = sorted([7, b_days, 3, l_days])
    assert f.handling_median == pytest.approx((days[1] + days[2]) / 2)
    assert f.handling_p90 == pytest.approx(days[2] + 0.7 * (days[3] - days[2]))
    assert f.ratings_count == 2 and f.rating_mean == 3.0  # A 4, I 2
    assert f.satisfied_share == 0.5
    assert not report.opening_missing and not report.closing_missing
    assert not report.closing_is_live


def test_received_by_channel_kind_class_and_field(story):
    staff, items = story
    report = build_report(Q1, now=LATER)
    by = report.received_by
    assert by["channel"] == {"web": 8, "email": 1, "phone": 1}
    assert sum(by["kind"].values()) == 10
    # Field and content class are given at triage: counted for the items triaged in the
    # period (C D F H I L; C and D were refused or transferred without a field).
    story_fields = Story(staff).fields
    assert by["field"] == {story_fields[0].id: 3, story_fields[1].id: 1, None: 2}
    assert by["class"] == {"regulation": 4, None: 2}


def test_units_are_credited_with_what_happened_while_they_held_the_item(story):
    staff, items = story
    justice = db.session.scalar(sa.select(Unit).where(Unit.code == "so-tp"))
    report = build_report(Q1, now=LATER, breakdown=Breakdown.UNIT)
    resources = report.rows[staff.lead_unit.id]
    assert (resources.answered_on_time, resources.answered_late) == (2, 2)
    assert resources.bounced == 0
    assert report.rows[justice.id].bounced == 1
    assert report.rows[justice.id].assigned == 1  # L went there first
    assert resources.assigned == 4  # H, L (after Sở Tư pháp returned it), F, I
    assert resources.open_at_end == 3  # F, H, I; G, J and M are still with the intake office
    assert report.rows[None].open_at_end == 3
    # One unit answered, with 4 answers: ranked only when at least the minimum sample.
    ranks = {key: rank for key, _, rank in ranked(report.rows, min_sample=5)}
    assert ranks[staff.lead_unit.id] is None
    ranks = {key: rank for key, _, rank in ranked(report.rows, min_sample=4)}
    assert ranks[staff.lead_unit.id] == 1


def test_a_filter_narrows_every_figure(story):
    staff, items = story
    report = build_report(Q1, now=LATER, filters=Filters(channel=items["E"].channel))
    assert report.total.received == 1 and report.total.withdrawn == 1
    assert report.total.answered == 0 and report.total.carried_over == 0
    report = build_report(Q1, now=LATER, filters=Filters(unit_id=staff.lead_unit.id))
    assert report.total.answered == 4 and report.total.refused == 0


def test_a_past_quarter_gives_the_same_figures_after_items_change_and_the_calendar_is_edited(
    story,
):
    staff, items = story
    before = build_report(Q1, now=LATER, breakdown=Breakdown.UNIT)
    s = Story(staff)
    g = items["G"]

    ops.provide_info(g, now=at(date(2026, 4, 21)), text="Số giấy hẹn 123.", uploads=[],
                     upload_dir="/nonexistent", max_attachment_bytes=0)  # fmt: skip
    s.triage(items["M"], date(2026, 4, 21), field=s.fields[1])
    s.reject(items["J"], date(2026, 4, 21))
    set_override(date(2026, 1, 6), is_working_day=False, reason="Nghỉ đột xuất", now=LATER)
    db.session.commit()
    after = build_report(Q1, now=datetime(2026, 5, 1, 3, tzinfo=UTC), breakdown=Breakdown.UNIT)
    assert asdict(after.total) == asdict(before.total)
    assert {k: asdict(v) for k, v in after.rows.items()} == {
        k: asdict(v) for k, v in before.rows.items()
    }


def test_the_closing_stock_of_a_running_period_is_live(story):
    staff, items = story
    running = report_period(PeriodKind.QUARTER, 2026, 2)  # 15/3 → 14/6
    report = build_report(running, now=LATER)
    assert report.closing_is_live
    assert report.total.carried_over == 6
    assert report.total.received == 1  # K
    assert report.total.answered == 1  # I's second answer, 20/3
    # Open now: F G H J M K; I was answered again.
    assert report.total.open_at_end == 6


def test_a_missing_snapshot_is_shown_as_unknown_not_as_zero(story):
    report = build_report(report_period(PeriodKind.QUARTER, 2025, 4), now=LATER)
    assert report.opening_missing and report.total.carried_over is None
    assert report.total.open_at_end == 2  # the 15/12 snapshot closes Q4 2025


def test_entries_record_the_verdict_of_the_day(story):
    staff, items = story
    late = db.session.scalar(
        sa.select(ReportEntry).where(
            ReportEntry.case_id == items["B"].id, ReportEntry.measure == Measure.ANSWERED
        )
    )
    assert late.on_time is False and late.occurred_on == date(2026, 1, 20)


def test_the_tick_takes_the_backlog_once_a_day(app, org):
    from intake.reports.models import BacklogSnapshot, SnapshotDay
    from intake.worker import run_tick

    staff = make_staff()
    Story(staff).receive(date(2026, 3, 2))
    db.session.commit()
    just_after_midnight = datetime(2026, 3, 2, 17, 1, tzinfo=UTC)  # 00:01 on 3/3 in Viet Nam
    assert run_tick(just_after_midnight).snapshot is True
    assert run_tick(just_after_midnight).snapshot is False
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SnapshotDay)) == 1
    rows = db.session.execute(sa.select(BacklogSnapshot.taken_on, BacklogSnapshot.open_count))
    assert rows.all() == [(date(2026, 3, 3), 1)]


def _all_breakdowns(period, now):
    reports = {b: build_report(period, now=now, breakdown=b) for b in Breakdown}
    return {
        b: (asdict(r.total), {k: asdict(v) for k, v in r.rows.items()}, r.received_by)
        for b, r in reports.items()
    }


def test_counters_and_entries_give_the_same_figures(story):
    """Roll-up moves entries into day and month counters: no figure may change, whether an
    entry is still pending, folded in, or the period mixes both."""
    from intake.reports.models import ReportRollup
    from intake.reports.rollups import roll_up_entries

    staff, items = story
    periods = [
        Q1,
        report_period(PeriodKind.YEAR, 2026),
        Period(date(2026, 1, 20), date(2026, 2, 27)),
    ]
    before = {p: _all_breakdowns(p, LATER) for p in periods}
    assert roll_up_entries() > 0
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportRollup)) > 0
    assert roll_up_entries() == 0  # nothing is counted twice
    for p in periods:
        assert _all_breakdowns(p, LATER) == before[p]
    # New entries after the roll-up (a later answer) wait as pending ones; Q1 is unchanged.
    ops.provide_info(items["G"], now=at(date(2026, 4, 21)), text="Số giấy hẹn 123.",
                     uploads=[], upload_dir="/nonexistent", max_attachment_bytes=0)  # fmt: skip
    db.session.commit()
    assert _all_breakdowns(Q1, LATER) == before[Q1]


def test_a_period_splits_into_whole_months_and_the_days_around_them():
    from intake.reports.rollups import split_period

    months, days = split_period(Q1)
    assert months == [date(2026, 1, 1), date(2026, 2, 1)]
    assert days == [(date(2025, 12, 15), date(2025, 12, 31)), (date(2026, 3, 1), date(2026, 3, 14))]
    assert split_period(Period(date(2026, 3, 2), date(2026, 3, 20))) == (
        [],
        [(date(2026, 3, 2), date(2026, 3, 20))],
    )
    assert split_period(Period(date(2026, 3, 1), date(2026, 3, 31))) == ([date(2026, 3, 1)], [])


def test_a_letter_recorded_late_counts_in_the_period_it_was_recorded(story):
    """Dated 10/3 (Q1) but entered in the register on 20/3 (Q2): Q1, already reported,
    keeps its figures; its deadlines still run from the letter's date."""
    before = build_report(Q1, now=LATER).total.received
    letter = Story(story[0]).receive(
        date(2026, 3, 20), received_at=at(date(2026, 3, 10)), channel=Channel.PAPER
    )
    db.session.commit()
    assert build_report(Q1, now=LATER).total.received == before
    q2 = build_report(report_period(PeriodKind.QUARTER, 2026, 2), now=LATER)
    assert q2.total.received == 2  # K and the letter
    assert letter.triage_due_at < at(date(2026, 3, 20))


def test_handling_time_after_deferral_counts_from_the_resumption(story):
    staff, items = story
    h = items["H"]  # deferred on 2/2
    ops.resume_case(h, actor=staff.handler, now=at(date(2026, 4, 20)), expected_version=None,
                    calendar=CALENDAR)  # fmt: skip
    Story(staff).answer(h, date(2026, 4, 24))
    db.session.commit()
    entry = db.session.scalar(
        sa.select(ReportEntry).where(
            ReportEntry.case_id == h.id, ReportEntry.measure == Measure.ANSWERED
        )
    )
    assert entry.working_days == CALENDAR.working_days_between(date(2026, 4, 20), date(2026, 4, 24))


def test_equal_rates_share_a_rank():
    from intake.reports.figures import Figures

    def answered(on_time, late):
        return Figures(answered_on_time=on_time, answered_late=late)

    rows = {"a": answered(8, 2), "b": answered(4, 1), "c": answered(5, 5), "d": answered(1, 1)}
    ranks = {key: rank for key, _, rank in ranked(rows, min_sample=5)}
    assert ranks == {"a": 1, "b": 1, "c": 3, "d": None}
