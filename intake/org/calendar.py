"""The working calendar in force: the `holidays` package plus the administrator's overrides."""

from __future__ import annotations

from datetime import date, datetime
from importlib.metadata import PackageNotFoundError, version

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from intake.core.calendar import WorkingCalendar, local_date, package_fingerprint
from intake.core.text import nfc
from intake.extensions import db
from intake.org.models import CalendarFingerprint, CalendarOverride

#: The years whose package calendar is watched, around the local year of ``now``: open due
#: dates fall in them (a due date more than a year ahead is beyond any policy's length).
WATCHED_YEARS = (-1, 0, 1)

#: The last calendar built in this process and the overrides it was built from. Building one
#: (the ``holidays`` package's tables) and its answers per day cost far more than reading the
#: few override rows, so the rows are read every time, and the calendar is built anew only when
#: they differ: an administrator's edit shows at once, in every process, with no cache to drop.
_built: tuple[frozenset, WorkingCalendar] | None = None


def load_working_calendar(*, fresh: bool = False) -> WorkingCalendar:
    """The calendar in force. ``fresh`` builds one from the `holidays` package again, for the
    recomputation after the package's calendar changed, and does not keep it: in production a
    new package means a new process, whose kept calendar is built from it anyway."""
    global _built
    rows = db.session.execute(
        sa.select(CalendarOverride.day, CalendarOverride.is_working_day)
    ).all()
    overrides = frozenset((day, bool(is_working)) for day, is_working in rows)
    if fresh:
        return WorkingCalendar(dict(overrides))
    built = _built
    if built is None or built[0] != overrides:
        built = _built = (overrides, WorkingCalendar(dict(overrides)))
    return built[1]


def set_override(day: date, *, is_working_day: bool, reason: str, now: datetime) -> None:
    """Record a provincial decision about one day (a day off, or a working Saturday)."""
    override = db.session.scalar(sa.select(CalendarOverride).where(CalendarOverride.day == day))
    if override is None:
        override = CalendarOverride(day=day, created_at=now)
        db.session.add(override)
    override.is_working_day = is_working_day
    override.reason = nfc(reason)
    db.session.flush()


def remove_override(day: date) -> bool:
    override = db.session.scalar(sa.select(CalendarOverride).where(CalendarOverride.day == day))
    if override is None:
        return False
    db.session.delete(override)
    db.session.flush()
    return True


def watched_years(now: datetime) -> list[int]:
    year = local_date(now).year
    return [year + offset for offset in WATCHED_YEARS]


def claim_calendar_change(now: datetime) -> list[int]:
    """Compare what the `holidays` package says about the watched years with what was stored
    when open due dates were last computed, and store what it says now. Returns the years that
    changed, which this caller has claimed: each is updated by an ``UPDATE … WHERE fingerprint
    = old``, so that of two workers noticing the same upgrade only one recomputes. A year seen
    for the first time is stored without counting as a change (there is nothing to compare
    with). Does not commit."""
    query = sa.select(CalendarFingerprint.year, CalendarFingerprint.fingerprint)
    stored = {year: fingerprint for year, fingerprint in db.session.execute(query)}
    changed = []
    for year in watched_years(now):
        fingerprint = package_fingerprint(year)
        old = stored.get(year)
        if old == fingerprint:
            continue
        values = {"fingerprint": fingerprint, "package_version": _package_version(),
                  "checked_at": now}  # fmt: skip
        if old is None:
            dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
            db.session.execute(
                dialect.insert(CalendarFingerprint)
                .values(year=year, **values)
                .on_conflict_do_nothing(index_elements=["year"])
            )
            continue
        claimed = db.session.execute(
            sa.update(CalendarFingerprint)
            .where(CalendarFingerprint.year == year, CalendarFingerprint.fingerprint == old)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            changed.append(year)
    return changed


def _package_version() -> str:
    try:
        return version("holidays")[:40]
    except PackageNotFoundError:  # pragma: no cover — installed with the application
        return ""
