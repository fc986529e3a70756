"""Reading requests: our items as GeoReport service requests, and the filters of GET requests.

What a GET shows is public by construction: the reference code, the field, the state, the lead
unit's name and the dates. Never the submitter (name, address, phone, e-mail, identity
numbers), never the title or content as sent (they may name people), never a location: the
description is the redacted text published with the answer (as on /published), and only while
it is published. ``service_notice`` is the published answer, likewise."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from intake.cases.labels import STATE_LABELS
from intake.cases.models import Case
from intake.core.calendar import LOCAL_TZ
from intake.core.reference import normalise_reference_code
from intake.core.states import ANSWERED_STATES, OPEN_STATES, State
from intake.extensions import db
from intake.open311.errors import Open311Error, about
from intake.open311.formats import w3c
from intake.org.models import Field

#: The specification's default window and its longest range between start_date and end_date.
WINDOW = timedelta(days=90)
#: "… or first 1000 requests returned, whichever is smallest."
LIMIT = 1000
STATUSES = ("open", "closed")
_W3C = re.compile(
    r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$", re.IGNORECASE
)


def status_of(state: State) -> str:
    """open while the administration (or the submitter) still has to act; closed once it is
    answered, or ended otherwise (refused, forwarded to another agency, withdrawn)."""
    return "open" if state in OPEN_STATES else "closed"


def states_of(status: str) -> list[State]:
    return [s for s in State if status_of(s) == status]


def is_published(case: Case) -> bool:
    return case.published_at is not None and case.state in ANSWERED_STATES


def as_request(case: Case, locale: str) -> dict:
    published = is_published(case)
    closed = status_of(case.state) == "closed"
    field = case.field
    return {
        "service_request_id": case.reference_code,
        "status": status_of(case.state),
        "status_notes": str(STATE_LABELS[case.state]),
        "service_name": field.display_name(locale) if field is not None else None,
        "service_code": field.code if field is not None else None,
        "description": case.published_content if published else None,
        "agency_responsible": (
            case.lead_unit.display_name(locale) if case.lead_unit is not None else None
        ),
        "service_notice": case.published_answer if published else None,
        "requested_datetime": w3c(case.received_at),
        "updated_datetime": w3c(_closed_at(case) if closed else case.updated_at),
        "expected_datetime": w3c(case.overall_due_at),
        # GeoReport's location and media: never shown (they would be the submitter's).
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _closed_at(case: Case) -> datetime:
    if case.state in ANSWERED_STATES and case.answered_at is not None:
        return case.answered_at
    return case.closed_at or case.updated_at


def find(code: str) -> Case | None:
    code = normalise_reference_code(code or "")
    if not code or len(code) > 24:
        return None
    return db.session.scalar(sa.select(Case).where(Case.reference_code == code).options(*_loads()))


def _loads():
    return joinedload(Case.field), joinedload(Case.lead_unit)


def search(args, *, now: datetime) -> list[Case]:
    """GET requests with its filters; ``service_request_id`` overrides all the others."""
    ids = _list(args.get("service_request_id"))
    if ids:
        if len(ids) > LIMIT:
            raise Open311Error(400, about("service_request_id", _("Tối đa %(n)d mã.", n=LIMIT)))
        codes = {normalise_reference_code(i) for i in ids if len(i) <= 40}
        query = sa.select(Case).where(Case.reference_code.in_(codes))
        return list(db.session.scalars(query.options(*_loads()).order_by(Case.id.desc())))
    problems = []
    start, end = _window(args, now, problems)
    statuses = _list(args.get("status"))
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        problems.append(about("status", _("Chỉ nhận open hoặc closed.")))
    page, page_size = (
        _number(args, "page", 1, problems),
        _number(args, "page_size", LIMIT, problems),
    )
    if page_size > LIMIT:
        problems.append(about("page_size", _("Tối đa %(n)d.", n=LIMIT)))
    if problems:
        raise Open311Error(400, *problems)
    query = sa.select(Case).where(Case.received_at >= start, Case.received_at <= end)
    service_codes = _list(args.get("service_code"))
    if service_codes:
        query = query.join(Field, Case.field_id == Field.id).where(Field.code.in_(service_codes))
    if statuses:
        query = query.where(Case.state.in_([s for status in statuses for s in states_of(status)]))
    query = query.options(*_loads()).order_by(Case.received_at.desc(), Case.id.desc())
    return list(db.session.scalars(query.offset((page - 1) * page_size).limit(page_size)))


def _list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _window(args, now: datetime, problems: list[str]) -> tuple[datetime, datetime]:
    """start_date and end_date, at most 90 days apart; the most recent 90 days by default."""
    start = _moment(args, "start_date", problems)
    end = _moment(args, "end_date", problems)
    if start is None and end is None:
        return now - WINDOW, now
    try:
        start = end - WINDOW if start is None else start
        end = start + WINDOW if end is None else end
    except OverflowError:  # a date at the very end of the calendar
        problems.append(about("start_date", _("Ngày nằm ngoài phạm vi cho phép.")))
        return now - WINDOW, now
    if end < start:
        problems.append(about("end_date", _("end_date phải sau start_date.")))
    elif end - start > WINDOW:
        problems.append(about("end_date", _("Khoảng thời gian tối đa 90 ngày.")))
    return start, end


def _moment(args, name: str, problems: list[str]) -> datetime | None:
    """A W3C datetime with its offset (2010-01-01T00:00:00Z), or a day (the day's start here)."""
    text = (args.get(name) or "").strip()
    if not text:
        return None
    moment = None
    if _W3C.match(text):
        try:
            moment = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        except ValueError:
            moment = None
    if moment is None:
        problems.append(about(name, _("Cần thời điểm theo W3C, ví dụ 2026-01-01T00:00:00+07:00.")))
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment


def _number(args, name: str, default: int, problems: list[str]) -> int:
    text = (args.get(name) or "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or not 1 <= int(text[:9]) <= 10**6 or len(text) > 7:
        problems.append(about(name, _("Cần một số nguyên dương.")))
        return default
    return int(text)
