"""The officers' API as a script would use it: the queue, a case, an action — and the same
state on the pages afterwards, because both doors run the same operations."""

from __future__ import annotations

import sqlalchemy as sa

from intake.audit.models import AuditAction, AuditEntry
from intake.cases.models import Case, CooperationRequest
from intake.core.errors import InvalidInput
from intake.core.states import State
from intake.extensions import db
from intake.org.models import Unit
from tests.api.officer_helpers import API, bearer, token_for
from tests.cases.factories import advance, make_staff, submit
from tests.officer.helpers import login


def unit_id(code: str) -> int:
    return db.session.scalar(sa.select(Unit.id).where(Unit.code == code))


def test_triage_through_the_api_then_the_pages_show_it(app, client, org, now):
    staff = make_staff()
    case = submit(now, full_name="Nguyễn Văn An")
    db.session.commit()
    intake = bearer(token_for(staff.intake))

    tabs = client.get(f"{API}/queues", headers=intake).json
    assert tabs["queue"] == "intake"
    assert {t["tab"]: t["count"] for t in tabs["tabs"]}["to_classify"] == 1
    listed = client.get(f"{API}/queues/to_classify?q=chung+nhan+quyen", headers=intake)
    assert listed.status_code == 200 and "X-Pagination" in listed.headers
    assert [c["code"] for c in listed.json] == [case.reference_code]
    assert listed.json[0]["received_at"].endswith("+07:00")

    shown = client.get(f"{API}/cases/{case.reference_code}", headers=intake)
    assert shown.status_code == 200
    body = shown.json
    assert body["submitter"]["phone"] == "0912345678"  # officers see the contact details
    assert "triage" in body["available_actions"] and body["history"][0]["kind"]
    logged = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == AuditAction.VIEW)
    ).all()
    assert [(e.actor_id, e.target_id, e.detail) for e in logged] == [
        (staff.intake.id, case.id, "api_case")
    ]

    answer = client.post(
        f"{API}/cases/{case.reference_code}/actions/triage",
        json={
            "version": body["version"],
            "kind": "phan_anh",
            "priority": "normal",
            "lead_unit_id": unit_id("so-tnmt"),
            "cooperating_unit_ids": [unit_id("so-xd")],
            "note": "Đề nghị Sở xử lý.",
        },
        headers=intake,
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["case"]["state"] == "assigned"
    assert answer.json["case"]["lead_unit"]["id"] == unit_id("so-tnmt")
    assert answer.headers["Cache-Control"] == "no-store"

    # The same item, as the pages now show it to the unit and to the intake office.
    db.session.expire_all()
    assert db.session.get(Case, case.id).state is State.ASSIGNED
    browser = app.test_client()
    login(browser, staff.handler)
    assert case.reference_code in browser.get("/officer/unit?tab=to_accept").get_data(True)
    handler = bearer(token_for(staff.handler))
    accept = client.get(f"{API}/queues/to_accept", headers=handler).json
    assert [c["code"] for c in accept] == [case.reference_code]
    page = app.test_client()
    login(page, staff.intake)
    assert "Đề nghị Sở xử lý." in page.get(f"/officer/cases/{case.id}").get_data(True)


def test_a_stale_version_is_409_and_changes_nothing(client, org, now):
    staff = make_staff()
    case = advance(submit(now), State.ASSIGNED, staff, now)
    db.session.commit()
    handler = bearer(token_for(staff.handler))
    url = f"{API}/cases/{case.reference_code}/actions/accept"
    stale = client.post(url, json={"version": case.version - 1}, headers=handler)
    assert stale.status_code == 409 and stale.mimetype == "application/problem+json"
    assert "cập nhật" in stale.json["detail"]
    db.session.expire_all()
    assert db.session.get(Case, case.id).state is State.ASSIGNED
    done = client.post(url, json={"version": case.version}, headers=handler)
    assert done.status_code == 200 and done.json["case"]["state"] == "in_progress"
    again = client.post(url, json={"version": case.version}, headers=handler)
    assert again.status_code == 409  # the version it was sent with is old now


def test_the_form_judges_the_body_with_the_pages_messages(client, org, now):
    staff = make_staff()
    case = submit(now)
    db.session.commit()
    intake = bearer(token_for(staff.intake))
    url = f"{API}/cases/{case.reference_code}/actions/triage"
    chosen = {"version": case.version, "kind": "phan_anh", "priority": "normal"}
    bad_unit = client.post(url, json={**chosen, "lead_unit_id": 999999}, headers=intake)
    assert bad_unit.status_code == 422
    assert bad_unit.json["errors"][0]["field"] == "body.lead_unit_id"
    unknown = client.post(url, json={**chosen, "lead_unit_id": 1, "colour": "red"},
                          headers=intake)  # fmt: skip
    assert unknown.status_code == 422 and unknown.json["errors"][0]["field"] == "body.colour"
    empty_note = client.post(
        f"{API}/cases/{case.reference_code}/actions/note", json={"text": "  "}, headers=intake
    )
    assert empty_note.status_code == 422
    assert empty_note.json["errors"] == [
        {"field": "body.text", "message": "Vui lòng nhập thông tin này."}
    ]
    assert client.get(f"{API}/queues?state=nope", headers=intake).status_code == 422
    far = client.get(f"{API}/queues/all?received_from=0001-01-01", headers=intake)
    assert far.status_code == 422 and far.json["errors"][0]["field"] == "query.received_from"
    assert client.get(f"{API}/queues/mine", headers=intake).status_code == 404  # a unit's tab
    db.session.expire_all()
    assert db.session.get(Case, case.id).version == case.version


def test_answer_for_review_reissue_key_and_cooperation_reply(client, org, now):
    staff = make_staff()
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    db.session.commit()
    handler, intake = bearer(token_for(staff.handler)), bearer(token_for(staff.intake))
    base = f"{API}/cases/{case.reference_code}/actions"
    asked = client.post(
        f"{base}/cooperate",
        json={"unit_ids": [unit_id("so-xd")], "question": "Đề nghị Sở Xây dựng cho ý kiến."},
        headers=handler,
    )
    assert asked.status_code == 200, asked.json
    request_id = db.session.scalar(sa.select(CooperationRequest.id))
    coop = bearer(token_for(staff.coop_handler))
    assert client.get(f"{API}/queues/cooperation", headers=coop).json[0]["code"] == (
        case.reference_code
    )
    replied = client.post(
        f"{base}/reply_cooperation",
        json={"request_id": request_id, "reply": "Sở Xây dựng thống nhất."},
        headers=coop,
    )
    assert replied.status_code == 200, replied.json
    twice = client.post(f"{base}/reply_cooperation", json={"request_id": request_id,
                        "reply": "Lần nữa."}, headers=coop)  # fmt: skip
    assert twice.status_code in (403, 404, 409)

    version = client.get(f"{API}/cases/{case.reference_code}", headers=handler).json["version"]
    answered = client.post(
        f"{base}/answer",
        json={"version": version, "public_text": "Sở đã giải quyết.", "letter": "Kính gửi ông An.",
              "submit_for_review": True},
        headers=handler,
    )  # fmt: skip
    assert answered.status_code == 200, answered.json
    assert answered.json["case"]["state"] == "answer_review"

    key = client.post(f"{base}/reissue_key", json={"note": "Gọi lại số đã đăng ký."},
                      headers=intake)  # fmt: skip
    assert key.status_code == 200 and len(key.json["access_key"]) >= 8
    assert key.headers["Cache-Control"] == "no-store"
    assert client.post(f"{base}/reissue_key", json={"note": "x"}, headers=handler).status_code == (
        403
    )


def test_nothing_personal_is_sent_when_the_view_cannot_be_logged(client, org, now, monkeypatch):
    staff = make_staff()
    case = submit(now)
    db.session.commit()
    intake = bearer(token_for(staff.intake))

    def refuse(*args, **kwargs):
        raise InvalidInput("log", "full")

    monkeypatch.setattr("intake.api.officers.cases.record_personal_data_view", refuse)
    answer = client.get(f"{API}/cases/{case.reference_code}", headers=intake)
    assert answer.status_code == 503 and answer.mimetype == "application/problem+json"
    assert "0912345678" not in answer.get_data(as_text=True)


def test_cooperation_is_asked_from_the_case_page_too(app, org, now):
    """The page passes every verb the version it showed: the cooperation request takes it."""
    from tests.officer.helpers import act

    staff = make_staff()
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    db.session.commit()
    browser = app.test_client()
    login(browser, staff.handler)
    asked = act(browser, case.id, "cooperate", unit_ids=[str(unit_id("so-xd"))],
                question="Đề nghị cho ý kiến.")  # fmt: skip
    assert asked.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(CooperationRequest.id))) == 1


def test_a_verbs_form_tells_the_ids_to_send_and_the_prefilled_values(client, org, now):
    staff = make_staff()
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    db.session.commit()
    lead = bearer(token_for(staff.lead))
    form = client.get(f"{API}/cases/{case.reference_code}/actions/assign_handler", headers=lead)
    assert form.status_code == 200 and "Set-Cookie" not in form.headers
    assert form.json["version"] == case.version
    (handler_field,) = form.json["fields"]
    assert handler_field["name"] == "handler_id" and handler_field["required"]
    offered = {c["value"]: c["label"] for c in handler_field["choices"]}
    assert offered[staff.handler.id] == staff.handler.full_name
    done = client.post(
        f"{API}/cases/{case.reference_code}/actions/assign_handler",
        json={"version": form.json["version"], "handler_id": staff.handler.id},
        headers=lead,
    )
    assert done.status_code == 200 and done.json["case"]["handler"]["id"] == staff.handler.id
    handler = bearer(token_for(staff.handler))
    url = f"{API}/cases/{case.reference_code}/actions"
    assert client.get(f"{url}/assign_handler", headers=handler).status_code == 403
    assert client.get(f"{url}/accept", headers=handler).status_code == 409  # not in this state
    assert client.get(f"{url}/rate", headers=handler).status_code == 404  # the citizen's
