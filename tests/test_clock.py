"""The one clock seam: a test sets the time once and the pages and operations agree on it."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from intake import clock
from intake.cases.models import Case
from intake.extensions import db


def test_without_an_override_the_clock_is_the_system_clock(app):
    before = datetime.now(UTC)
    assert before <= clock.now() <= datetime.now(UTC)


def test_a_set_clock_is_the_time_a_submission_is_received(app, org, submit_form):
    fixed = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    app.config["CLOCK"] = lambda: fixed
    response = submit_form()
    assert response.status_code == 303
    case = db.session.scalars(sa.select(Case)).one()
    assert case.received_at == fixed and case.created_at == fixed
    assert case.reference_code.startswith("PAKN-2030-")  # the year of the set clock
