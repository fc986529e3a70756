"""Clock instants, table-driven, on the real Vietnamese calendar (no app, no database)."""

from datetime import UTC, date, datetime

import pytest

from intake.core.calendar import WorkingCalendar, end_of_local_day, last_local_day
from intake.core.clocks import ReminderLevel, clock_times, is_on_time, paused_working_days

CAL = WorkingCalendar()


@pytest.mark.parametrize(
    ("started_on", "days", "paused", "extended", "last_day", "why"),
    [
        (date(2026, 3, 10), 10, 0, 0, date(2026, 3, 24), "10 wd from a Tuesday"),
        (date(2026, 2, 12), 3, 0, 0, date(2026, 2, 24), "Tết 2026 inside the period"),
        (date(2026, 2, 17), 1, 0, 0, date(2026, 2, 23), "started on Tết: day 1 after it"),
        (date(2025, 4, 25), 4, 0, 0, date(2025, 5, 5), "swapped Saturday 26/4/2025 counts"),
        (date(2026, 8, 21), 2, 0, 0, date(2026, 8, 24), "swapped Saturday 22/8/2026 counts"),
        (date(2026, 4, 30), 1, 0, 0, date(2026, 5, 4), "started on a holiday"),
        (date(2026, 3, 10), 10, 3, 0, date(2026, 3, 27), "3 wd paused move it by 3 wd"),
        (date(2026, 3, 10), 10, 0, 5, date(2026, 3, 31), "a 5 wd extension"),
        (date(2026, 3, 10), 10, 3, 5, date(2026, 4, 3), "both"),
    ],
)
def test_due_dates(started_on, days, paused, extended, last_day, why):
    times = clock_times(CAL, started_on, days, paused, extended)
    assert last_local_day(times.due_at) == last_day, why


def test_reminder_instants_for_ten_working_days():
    times = clock_times(CAL, date(2026, 3, 10), 10)
    local = {level: last_local_day(at) for level, at in times.reminders.items()}
    assert local[ReminderLevel.HALF] == date(2026, 3, 17)  # end of working day 5
    assert local[ReminderLevel.LATE] == date(2026, 3, 20)  # end of working day 8
    assert times.reminders[ReminderLevel.DUE] == end_of_local_day(date(2026, 3, 23))  # 00:00 24/3
    assert local[ReminderLevel.ESCALATION] == date(2026, 3, 26)  # 2 wd after the due day


def test_one_day_steps_have_only_the_due_and_escalation_reminders():
    times = clock_times(CAL, date(2026, 3, 10), 1)
    assert set(times.reminders) == {ReminderLevel.DUE, ReminderLevel.ESCALATION}


@pytest.mark.parametrize(
    ("paused_at", "resumed_at", "lost", "why"),
    [
        (datetime(2026, 3, 9, 3, tzinfo=UTC), datetime(2026, 3, 11, 3, tzinfo=UTC), 2, "Mon→Wed"),
        (datetime(2026, 3, 9, 3, tzinfo=UTC), datetime(2026, 3, 9, 9, tzinfo=UTC), 0, "same day"),
        (datetime(2026, 2, 12, 3, tzinfo=UTC), datetime(2026, 2, 24, 3, tzinfo=UTC), 3,
         "a pause spanning Tết 2026 loses only the working days: 13/2, 23/2, 24/2"),
        (datetime(2026, 3, 13, 3, tzinfo=UTC), datetime(2026, 3, 16, 3, tzinfo=UTC), 1,
         "Friday to Monday: one working day"),
    ],
)  # fmt: skip
def test_paused_working_days(paused_at, resumed_at, lost, why):
    assert paused_working_days(CAL, paused_at, resumed_at) == lost, why


def test_on_time_is_until_midnight_of_the_last_day():
    due = clock_times(CAL, date(2026, 3, 10), 3).due_at  # 24:00 on Friday 13/3
    assert is_on_time(datetime(2026, 3, 13, 16, 59, tzinfo=UTC), due)  # 23:59 local
    assert not is_on_time(datetime(2026, 3, 13, 17, 1, tzinfo=UTC), due)  # 00:01 Saturday
