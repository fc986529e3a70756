"""Working-day arithmetic for Vietnamese administrative deadlines (DOMAIN.md §4).

Weekends, public holidays, compensatory days off and swapped working Saturdays come from the
``holidays`` package (country "VN"); a province's own decisions arrive as ``overrides``
(date -> is it a working day), which win over the package. The day of receipt is never counted,
and a period ends at 24:00 local time of its last working day.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Far enough to cover any deadline, near enough that a bug cannot loop for ever.
_MAX_SCAN_DAYS = 3660


def package_holidays():
    """The `holidays` package's calendar for Viet Nam: the one place that reads it (tests
    replace it to play an upgrade of the package that adds or moves a holiday)."""
    return holidays.country_holidays("VN")


def package_fingerprint(year: int) -> str:
    """A hash of what the package says about ``year``: every day that is not what its weekday
    suggests (a holiday on a weekday, a swapped working Saturday). An upgrade of the package
    that adds or moves a day changes it; nothing else does."""
    calendar = package_holidays()
    day, odd = date(year, 1, 1), []
    while day.year == year:
        if bool(calendar.is_working_day(day)) != (day.weekday() < 5):
            odd.append(day.isoformat())
        day += timedelta(days=1)
    return hashlib.sha256(",".join(odd).encode()).hexdigest()


class WorkingCalendar:
    """Answers "is this a working day" and counts working days; immutable once built."""

    def __init__(self, overrides: Mapping[date, bool] | None = None):
        self._holidays = package_holidays()
        self._overrides = dict(overrides or {})
        self._cache: dict[date, bool] = {}

    def is_working_day(self, day: date) -> bool:
        cached = self._cache.get(day)
        if cached is None:
            if day in self._overrides:
                cached = self._overrides[day]
            else:
                cached = bool(self._holidays.is_working_day(day))
            self._cache[day] = cached
        return cached

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start``; ``start`` itself is not counted."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, counted = start, 0
        for _ in range(_MAX_SCAN_DAYS):
            if counted == n:
                return day
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        raise ValueError("no working day found within ten years")

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in the half-open range (start, end]; negative when end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        days = (end - start).days
        return sum(1 for i in range(1, days + 1) if self.is_working_day(start + timedelta(days=i)))

    def due_at(self, received_at: datetime, n: int) -> datetime:
        """The instant (aware, UTC) a period of ``n`` working days started at ``received_at`` ends:
        24:00 local time of the ``n``-th working day after the local date of receipt."""
        last_day = self.add_working_days(local_date(received_at), n)
        return end_of_local_day(last_day)


def local_date(at: datetime) -> date:
    """The calendar date in Viet Nam at instant ``at`` (which must be aware)."""
    if at.tzinfo is None:
        raise ValueError("naive datetime")
    return at.astimezone(LOCAL_TZ).date()


def end_of_local_day(day: date) -> datetime:
    """24:00 local time of ``day``, i.e. the first instant of the next day, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL_TZ).astimezone(UTC)


def start_of_local_day(day: date) -> datetime:
    """00:00 local time of ``day``, in UTC."""
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ).astimezone(UTC)


def last_local_day(due_at: datetime) -> date:
    """The local date shown to people for a deadline stored as 24:00 of that date."""
    return (due_at.astimezone(LOCAL_TZ) - timedelta(microseconds=1)).date()
