"""Bursts on a page whose items are months apart (a searched queue, the "all" tab): each item
counts the items that share its e-mail or phone within the window around it, and only those.
The items around each are read span by span (``intake.cases.sources._around``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from intake.cases.sources import _around, bursts_for
from tests.cases.factories import submit

HOUR = timedelta(minutes=60)


def test_each_item_of_a_page_months_apart_counts_its_own_burst(app, org, now):
    january = now - timedelta(days=150)
    # January: three items from one phone within the hour, a fourth just outside it.
    first = submit(january, phone="0911000001", email="mot@example.com")
    submit(january + timedelta(minutes=20), phone="0911000001", email="hai@example.com")
    submit(january - timedelta(minutes=59), phone="0911000001", email="ba@example.com")
    submit(january + timedelta(minutes=61), phone="0911000001", email="bon@example.com")
    # June: the same phone once, and three items from one e-mail, the last 59 minutes later.
    june_phone = submit(now, phone="0911000001", email="nam@example.com")
    june_mail = submit(now + timedelta(minutes=1), phone="0922000001", email="sau@example.com")
    submit(now + timedelta(minutes=30), phone="0922000002", email="sau@example.com")
    submit(now + timedelta(minutes=60), phone="0922000003", email="sau@example.com")

    bursts = bursts_for([june_mail, first, june_phone], window=HOUR, threshold=3)

    assert bursts[first.id].same_phone == 3  # itself, +20 min, -59 min; not +61 min
    assert bursts[first.id].reasons == ["phone"]
    assert june_phone.id not in bursts  # the January items are not its neighbours
    assert bursts[june_mail.id].same_email == 3
    assert bursts[june_mail.id].reasons == ["email"]


def test_the_spans_around_a_page_merge_where_they_overlap():
    base = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
    spans = _around([base + timedelta(minutes=90), base, base + timedelta(days=30)], HOUR)
    assert spans == [
        (base - HOUR, base + timedelta(minutes=150)),
        (base + timedelta(days=30) - HOUR, base + timedelta(days=30) + HOUR),
    ]
    assert _around([], HOUR) == []
