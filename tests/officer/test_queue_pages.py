"""A queue's page is found by its ids first, then its rows (intake.web.pagination): the same
rows, in the same order, with the same count, as paginating the rows themselves."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import joinedload

from intake.cases import queries
from intake.cases.models import Case
from intake.core.states import State
from intake.extensions import db
from intake.web.pagination import paginate_ids_first
from tests.cases.factories import advance, make_staff
from tests.cases.factories import submit as new_case


def test_pages_found_by_ids_first_are_the_pages_of_the_rows(org, app, now):
    staff = make_staff()
    for i in range(12):
        case = new_case(now + timedelta(minutes=i))
        if i % 4 == 0:
            case.priority = "urgent"  # ties and urgency both in the order
        if i % 3 == 0:
            advance(case, State.ANSWERED, staff, now + timedelta(minutes=i))
    db.session.commit()
    with app.test_request_context():
        query = queries.queue(staff.intake, "all", queries.QueueFilters())
        for page in (1, 2, 3, 4):
            plain = db.paginate(query, page=page, per_page=5, error_out=False)
            first = paginate_ids_first(
                query, options=(joinedload(Case.field),), page=page, per_page=5, error_out=False
            )
            assert [c.id for c in first.items] == [c.id for c in plain.items], page
            assert first.total == plain.total == 12 and first.pages == 3
        assert [c.id for c in first.items] == []  # past the end: an empty page
