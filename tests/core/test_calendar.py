"""Working-day counting, table-driven: each row is a rule a citizen or an auditor could check
on a paper calendar. Runs without an app or a database."""

from datetime import UTC, date, datetime

import pytest

from intake.core.calendar import WorkingCalendar, end_of_local_day, last_local_day, local_date


@pytest.fixture(scope="module")
def calendar():
    return WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "is_working", "why"),
    [
        (date(2026, 2, 13), True, "Friday before Tết"),
        (date(2026, 2, 16), False, "Tết 2026: 29 tháng Chạp"),
        (date(2026, 2, 17), False, "Tết 2026: mùng 1"),
        (date(2026, 2, 20), False, "Tết 2026: mùng 4"),
        (date(2026, 2, 23), True, "first working day after Tết 2026"),
        (date(2025, 4, 26), True, "Saturday 26/4/2025 swapped into a working day"),
        (date(2025, 5, 2), False, "Friday 2/5/2025 off in exchange"),
        (date(2026, 8, 22), True, "Saturday 22/8/2026 swapped into a working day"),
        (date(2026, 8, 31), False, "Monday 31/8/2026 off in exchange"),
        (date(2026, 4, 27), False, "Giỗ Tổ Hùng Vương 2026, observed on Monday"),
        (date(2026, 9, 2), False, "Quốc khánh"),
        (date(2026, 3, 7), False, "an ordinary Saturday"),
        (date(2026, 3, 9), True, "an ordinary Monday"),
    ],
)
def test_working_days(calendar, day, is_working, why):
    assert calendar.is_working_day(day) is is_working, why


@pytest.mark.parametrize(
    ("received_on", "n", "due_on", "why"),
    [
        (
            date(2026, 3, 10),
            3,
            date(2026, 3, 13),
            "Tuesday + 3 wd = Friday; receipt day not counted",
        ),
        (date(2026, 3, 12), 3, date(2026, 3, 17), "Thursday + 3 wd skips the weekend"),
        (date(2026, 2, 13), 1, date(2026, 2, 23), "received before Tết: Tết week not counted"),
        (date(2026, 2, 12), 3, date(2026, 2, 24), "Tết 2026 inside the period"),
        (date(2026, 2, 17), 3, date(2026, 2, 25), "received on Tết: counting starts after it"),
        (date(2025, 4, 25), 1, date(2025, 4, 26), "the swapped Saturday 26/4/2025 counts"),
        (date(2025, 4, 25), 4, date(2025, 5, 5), "30/4, 1/5 and the 2/5 swap day do not"),
        (date(2026, 3, 7), 1, date(2026, 3, 9), "received on a Saturday: Monday is day 1"),
        (date(2026, 3, 8), 3, date(2026, 3, 11), "received on a Sunday: Mon, Tue, Wed"),
        (date(2026, 4, 30), 1, date(2026, 5, 4), "received on a holiday (30/4): next working day"),
        (date(2026, 8, 21), 1, date(2026, 8, 22), "the swapped Saturday 22/8/2026 counts"),
        (date(2026, 3, 10), 0, date(2026, 3, 10), "zero days is the receipt day itself"),
    ],
)
def test_add_working_days(calendar, received_on, n, due_on, why):
    assert calendar.add_working_days(received_on, n) == due_on, why


def test_due_at_is_midnight_local_time_of_the_last_day(calendar):
    received = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)  # 09:30 on Tuesday in Viet Nam
    due = calendar.due_at(received, 3)
    assert due == datetime(2026, 3, 13, 17, 0, tzinfo=UTC)  # 24:00 Friday 13/3 in Viet Nam
    assert last_local_day(due) == date(2026, 3, 13)


def test_receipt_date_is_the_local_date_not_the_utc_date(calendar):
    received = datetime(2026, 3, 6, 18, 0, tzinfo=UTC)  # 01:00 on Saturday 7/3 in Viet Nam
    assert local_date(received) == date(2026, 3, 7)
    assert last_local_day(calendar.due_at(received, 1)) == date(2026, 3, 9)


def test_overrides_win_over_the_package():
    calendar = WorkingCalendar(
        {date(2026, 3, 13): False, date(2026, 3, 14): True}  # a provincial day off; a work Sat
    )
    assert not calendar.is_working_day(date(2026, 3, 13))
    assert calendar.is_working_day(date(2026, 3, 14))
    assert calendar.add_working_days(date(2026, 3, 10), 3) == date(2026, 3, 14)


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2026, 3, 6), date(2026, 3, 13), 5),  # Fri -> next Fri
        (date(2026, 2, 13), date(2026, 2, 23), 1),  # over Tết
        (date(2026, 3, 13), date(2026, 3, 6), -5),
        (date(2026, 3, 10), date(2026, 3, 10), 0),
    ],
)
def test_working_days_between(calendar, start, end, count):
    assert calendar.working_days_between(start, end) == count


def test_naive_datetimes_are_refused(calendar):
    with pytest.raises(ValueError):
        local_date(datetime(2026, 3, 10, 9, 0))
    with pytest.raises(ValueError):
        calendar.add_working_days(date(2026, 3, 10), -1)


def test_end_of_local_day():
    assert end_of_local_day(date(2026, 1, 1)) == datetime(2026, 1, 1, 17, 0, tzinfo=UTC)
