"""Supervisors see how long each deferred item (tạm hoãn, kept for study) has been deferred,
its next review date, and per unit the count and average duration: figures of now (DOMAIN §4)."""

import re
from datetime import UTC, date, datetime

import pytest

from intake.core.states import State
from intake.extensions import db
from tests.cases.factories import CALENDAR, advance, make_staff, submit, unit_by_code
from tests.officer.helpers import login

FIRST = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)
SECOND = datetime(2026, 4, 1, 2, 30, tzinfo=UTC)
TODAY = datetime(2026, 5, 4, 3, tzinfo=UTC)  # Monday 4/5/2026, 10:00


def _section(page: str) -> str:
    return page[page.index('id="deferred"') :].split("</section>")[0]


@pytest.fixture
def supervisor(app, org, monkeypatch):
    staff = make_staff()
    older = advance(submit(FIRST), State.DEFERRED, staff, FIRST)
    newer = advance(submit(SECOND), State.DEFERRED, staff, SECOND)
    advance(submit(SECOND), State.IN_PROGRESS, staff, SECOND)  # not deferred: not listed
    db.session.commit()
    monkeypatch.setitem(app.config, "CLOCK", lambda: TODAY)
    client = app.test_client()
    login(client, staff.supervisor)
    return client, older, newer


def test_each_deferred_item_with_its_duration_and_next_review(supervisor):
    client, older, newer = supervisor
    section = _section(client.get("/supervision/").get_data(as_text=True))
    assert "Số liệu hiện tại" in section
    old_days = CALENDAR.working_days_between(date(2026, 3, 10), date(2026, 5, 4))
    new_days = CALENDAR.working_days_between(date(2026, 4, 1), date(2026, 5, 4))
    assert old_days > new_days > 0
    # Longest deferred first, each with its working days and next review (every 30 wd).
    assert section.index(older.reference_code) < section.index(newer.reference_code)
    row = section[section.index(older.reference_code) :].split("</tr>")[0]
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    assert cells[-2] == str(old_days)
    review = CALENDAR.add_working_days(date(2026, 3, 10), 60 if old_days >= 30 else 30)
    assert cells[-1] == review.strftime("%d/%m/%Y")
    assert cells[-3] == "10/03/2026"
    # Per unit: both items in the Department of Natural Resources and Environment.
    unit = section[section.index("Theo đơn vị") :].split("</table>")[0]
    unit_row = unit[unit.index("Sở Tài nguyên và Môi trường") :].split("</tr>")[0]
    numbers = re.findall(r'<td class="num">([^<]*)</td>', unit_row)
    assert numbers[0] == "2"
    assert numbers[1] == f"{(old_days + new_days) / 2:.1f}".replace(".", ",")
    assert numbers[2] == str(old_days)


def test_in_english_and_filtered_by_unit(supervisor):
    client, older, _ = supervisor
    english = _section(client.get("/supervision/?lang=en").get_data(as_text=True))
    assert "now" in english.lower() and older.reference_code in english
    other = unit_by_code("so-tp").id
    filtered = _section(client.get(f"/supervision/?unit_id={other}").get_data(as_text=True))
    assert older.reference_code not in filtered
    for bad in ("abc", "-1", "99999999999999999999", "%00"):
        assert client.get(f"/supervision/?unit_id={bad}").status_code in (200, 400)
