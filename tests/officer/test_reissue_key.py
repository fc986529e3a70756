"""An officer gives a new access key to a citizen who called or came in: a verb on the case
page, the key shown once to the officer and sent to the citizen, the old key dead."""

import re

import sqlalchemy as sa

from intake.cases.models import CaseEvent
from intake.core.states import State
from intake.extensions import db
from intake.notifications.models import OutboxMessage
from tests.cases.factories import advance, make_staff, submit
from tests.conftest import hidden_inputs
from tests.officer.helpers import form_fields, login


def track(client, code, key):
    form = hidden_inputs(client.get("/track").text)
    return client.post("/track", data={**form, "reference_code": code, "access_key": key})


def test_an_intake_officer_reissues_a_key_shown_once(org, app, now):
    staff = make_staff()
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    db.session.commit()
    officer = app.test_client()
    login(officer, staff.intake)
    page = officer.get(f"/officer/cases/{case.id}").text
    assert "Cấp lại mã tra cứu" in page
    path = f"/officer/cases/{case.id}/reissue-key"
    fields = form_fields(page, path)

    assert officer.post(path, data=fields).status_code == 422  # how the caller was checked
    response = officer.post(path, data={**fields, "note": "Gọi lại số 0912345678 đã đăng ký"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    key = re.search(r'id="access-key">([^<]+)<', response.text).group(1)
    with officer.session_transaction() as session:
        assert key not in repr(dict(session))  # not in a flash message either

    citizen = app.test_client()
    assert track(citizen, case.reference_code, key).status_code == 303
    [notice] = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.template == "access_key")
    ).all()
    assert key in notice.body_text and notice.recipient == case.email
    event = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.kind == "reissue_key"))
    assert event.actor_id == staff.intake.id and "0912345678" in event.note
    # The case page does not show the key again.
    assert key not in officer.get(f"/officer/cases/{case.id}").text


def test_the_old_key_stops_working_and_other_roles_may_not(org, app, now, client, submit_form):
    staff = make_staff()
    assert submit_form().status_code == 303
    receipt = client.get("/receipt").text
    code = re.search(r'id="reference-code">([^<]+)<', receipt).group(1)
    old_key = re.search(r'id="access-key">([^<]+)<', receipt).group(1)
    case_id = db.session.scalar(sa.text("SELECT id FROM cases"))

    handler = app.test_client()
    login(handler, staff.supervisor)
    token = hidden_inputs(handler.get("/account/password").text)["csrf_token"]
    refused = handler.post(f"/officer/cases/{case_id}/reissue-key",
                           data={"csrf_token": token, "note": "x"})  # fmt: skip
    assert refused.status_code in (403, 404)
    assert track(app.test_client(), code, old_key).status_code == 303

    officer = app.test_client()
    login(officer, staff.intake)
    path = f"/officer/cases/{case_id}/reissue-key"
    fields = form_fields(officer.get(f"/officer/cases/{case_id}").text, path)
    assert officer.post(path, data={**fields, "note": "CCCD tại quầy"}).status_code == 200
    assert track(app.test_client(), code, old_key).status_code == 422
