"""A client app submits and follows an item for a citizen through the API: the same item an
officer sees and works on, counted like any other, followed with its code and access key."""

from __future__ import annotations

import io

import sqlalchemy as sa

from intake import clock
from intake.cases.models import Attachment, AttachmentPurpose, Case, Channel
from intake.core.calendar import local_date
from intake.core.periods import PeriodKind, report_period, reporting_year
from intake.core.states import State
from intake.extensions import db
from intake.notifications.models import OutboxMessage
from intake.reports.figures import build_report
from tests.api.helpers import PDF, attachment, bearer, create_key, item, run
from tests.cases.factories import advance, make_staff
from tests.officer.helpers import login


def submit(client, key, body=None, **headers):
    return client.post("/api/v1/items", json=body or item(), headers={**bearer(key), **headers})


def follow(client, code, access_key):
    return client.get(f"/api/v1/items/{code}", headers={"X-Access-Key": access_key})


def stored(code: str) -> Case:
    db.session.expire_all()
    return db.session.scalar(sa.select(Case).where(Case.reference_code == code))


def test_submit_follow_add_information_and_rate_one_item_the_officers_see(app, client, org):
    key = create_key(app, "Hue-S")
    answer = submit(client, key, item(attachments=[attachment()]))
    assert answer.status_code == 201, answer.json
    receipt = answer.json
    code, access_key = receipt["reference_code"], receipt["access_key"]
    assert answer.headers["Location"] == f"/api/v1/items/{code}" == receipt["url"]
    assert receipt["state"] == "received" and receipt["created"] is True
    assert receipt["triage_due_on"] and receipt["received_at"].endswith("+07:00")

    case = stored(code)
    assert case.channel is Channel.APP and case.client_key_id is not None
    assert [a.purpose for a in case.attachments] == [AttachmentPurpose.SUBMISSION]
    receipt_mail = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.case_id == case.id)
    ).all()
    assert [m.recipient for m in receipt_mail] == ["an@example.vn"]

    followed = follow(client, code, access_key)
    assert followed.status_code == 200
    assert followed.json["channel"] == "app" and followed.json["state"] == "received"
    assert followed.json["available_actions"] == ["withdraw"]
    assert [e["kind"] for e in followed.json["history"]] == ["submit"]

    staff = make_staff()
    db.session.commit()
    officer = app.test_client()
    login(officer, staff.intake)
    page = officer.get(f"/officer/cases/{case.id}").get_data(as_text=True)
    assert code in page and "Ứng dụng kết nối · Hue-S" in page

    advance(stored(code), State.NEEDS_INFO, staff, clock.now())
    db.session.commit()
    asked = follow(client, code, access_key).json
    assert "provide_info" in asked["available_actions"]
    assert asked["information_requested"] == "Đề nghị cung cấp số giấy hẹn trả kết quả."
    added = client.post(
        f"/api/v1/items/{code}/information",
        json={"text": "Số giấy hẹn: 123/GH.", "attachments": [attachment(filename="gh.pdf")]},
        headers={"X-Access-Key": access_key},
    )
    assert added.status_code == 200, added.json
    assert added.json["state"] == "received"
    purposes = sorted(a.purpose for a in stored(code).attachments)
    assert purposes == sorted([AttachmentPurpose.SUBMISSION, AttachmentPurpose.ADDITIONAL_INFO])

    advance(stored(code), State.ANSWERED, staff, clock.now())
    db.session.commit()
    answered = follow(client, code, access_key).json
    assert answered["answer"]["text"].startswith("Kính gửi ông An")
    assert "rate" in answered["available_actions"]
    rated = client.post(
        f"/api/v1/items/{code}/rating",
        json={"score": 5, "comment": "Cảm ơn."},
        headers={"X-Access-Key": access_key},
    )
    assert rated.status_code == 200 and rated.json["rating_score"] == 5
    assert rated.json["state"] == "closed"
    again = client.post(
        f"/api/v1/items/{code}/rating", json={"score": 1}, headers={"X-Access-Key": access_key}
    )
    assert again.status_code == 409 and again.mimetype == "application/problem+json"

    today = local_date(clock.now())
    period = report_period(PeriodKind.YEAR, reporting_year(today))
    report = build_report(period, now=clock.now())
    by_channel = {str(k): n for k, n in report.received_by["channel"].items()}
    assert by_channel.get("app") == 1 and report.total.received == 1


def test_the_same_idempotency_key_is_the_same_item_and_another_client_cannot_reach_it(
    app, client, org
):
    key, other = create_key(app, "A"), create_key(app, "B")
    first = submit(client, key, **{"Idempotency-Key": "3f1c-retry"})
    retried = submit(client, key, **{"Idempotency-Key": "3f1c-retry"})
    assert (first.status_code, retried.status_code) == (201, 200)
    assert retried.json["reference_code"] == first.json["reference_code"]
    assert retried.json["access_key"] == first.json["access_key"]
    assert retried.json["created"] is False
    elsewhere = submit(client, other, **{"Idempotency-Key": "3f1c-retry"})
    assert elsewhere.status_code == 201
    assert elsewhere.json["reference_code"] != first.json["reference_code"]
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 2
    bad = submit(client, key, **{"Idempotency-Key": "has space"})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "header.Idempotency-Key"


def test_bad_input_is_422_naming_each_field_like_the_web_form(app, client, org):
    key = create_key(app)
    answer = submit(
        client,
        key,
        item(title="Đèn", phone="12345", email=None, kind="kien_nghi", id_number="12",
             submitter_type="organisation", declared_truthful=False, field_id=999999),
    )  # fmt: skip
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    messages = {e["field"]: e["message"] for e in answer.json["errors"]}
    assert set(messages) == {
        "body.title", "body.phone", "body.id_number", "body.proposed_solution",
        "body.organisation_name", "body.declared_truthful", "body.field_id",
    }  # fmt: skip
    assert messages["body.phone"].startswith("Số điện thoại không hợp lệ")
    assert messages["body.proposed_solution"] == "Kiến nghị cần nêu giải pháp đề xuất."
    no_contact = submit(client, key, item(phone="0912345678", email=None))
    assert [e["field"] for e in no_contact.json["errors"]] == ["body.email"]
    missing = submit(client, key, {"full_name": "An"})
    fields = {e["field"] for e in missing.json["errors"]}
    assert {"body.address", "body.title", "body.content", "body.declared_truthful"} <= fields
    english = client.post("/api/v1/items", json=item(title="x"),
                          headers={**bearer(key), "Accept-Language": "en"})  # fmt: skip
    assert english.json["errors"][0]["message"] == "Must be between 5 and 300 characters."
    assert client.post("/api/v1/items", data="{", headers={**bearer(key),
                       "Content-Type": "application/json"}).status_code == 400  # fmt: skip
    assert client.post("/api/v1/items", data="x", headers=bearer(key)).status_code == 415
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_files_are_checked_like_the_web_forms(app, client, org):
    key = create_key(app)
    fake = attachment(data=b"MZ\x90\x00 not a pdf at all", filename="don.pdf")
    refused = submit(client, key, item(attachments=[attachment(), fake]))
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "body.attachments[1]"
    assert "don.pdf" in refused.json["errors"][0]["message"]
    not_base64 = submit(client, key, item(attachments=[{"filename": "a.pdf", "data": "!!"}]))
    assert not_base64.json["errors"][0]["field"] == "body.attachments[0].data"
    too_many = submit(client, key, item(attachments=[attachment()] * 6))
    assert too_many.json["errors"][0]["field"] == "body.attachments"
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0

    form = {k: ("true" if v is True else v) for k, v in item().items()}
    multipart = client.post(
        "/api/v1/items",
        data={**form, "attachments": [(io.BytesIO(PDF), "anh.pdf")]},
        headers=bearer(key),
        content_type="multipart/form-data",
    )
    assert multipart.status_code == 201, multipart.json
    case = stored(multipart.json["reference_code"])
    assert [(a.original_name, a.content_type) for a in case.attachments] == [
        ("anh.pdf", "application/pdf")
    ]
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 1


def test_a_wrong_key_is_404_like_an_unknown_code_and_a_revoked_client_key_is_401(app, client, org):
    key = create_key(app)
    receipt = submit(client, key).json
    code = receipt["reference_code"]
    wrong = follow(client, code, "AAAAA-AAAAA")
    unknown = follow(client, "PAKN-2026-AAAA-AAAA", receipt["access_key"])
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json["detail"] == unknown.json["detail"]
    assert client.get(f"/api/v1/items/{code}").status_code == 404  # no key at all
    assert client.get(f"/api/v1/items/{code}?access_key={receipt['access_key']}").status_code == 404
    with_client_key = client.get(
        f"/api/v1/items/{code}", headers={**bearer(key), "X-Access-Key": receipt["access_key"]}
    )
    assert with_client_key.status_code == 200

    assert run(app, "api-key", "revoke", key[:12]).exit_code == 0
    assert submit(client, key).status_code == 401
    revoked_follow = client.get(
        f"/api/v1/items/{code}", headers={**bearer(key), "X-Access-Key": receipt["access_key"]}
    )
    assert revoked_follow.status_code == 401  # a key presented must be valid
    assert client.post("/api/v1/items", json=item()).status_code == 401


def test_tracking_failures_are_throttled_per_code_and_client(app, client, org):
    app.config["RATELIMIT_ENABLED"] = True
    key = create_key(app)
    receipt = submit(client, key).json
    code = receipt["reference_code"]
    statuses = [follow(client, code, "AAAAA-AAAAA").status_code for _ in range(6)]
    assert statuses == [404] * 5 + [429]
    assert follow(client, code, receipt["access_key"]).status_code == 429  # before the key


def test_withdrawal_and_refusals_of_the_verbs(app, client, org):
    key = create_key(app)
    receipt = submit(client, key).json
    code, access = receipt["reference_code"], {"X-Access-Key": receipt["access_key"]}
    early = client.post(f"/api/v1/items/{code}/rating", json={"score": 4}, headers=access)
    assert early.status_code == 409
    out_of_range = client.post(f"/api/v1/items/{code}/rating", json={"score": 9}, headers=access)
    assert out_of_range.status_code == 422
    assert out_of_range.json["errors"][0]["field"] == "body.score"
    nothing = client.post(f"/api/v1/items/{code}/information", json={}, headers=access)
    assert nothing.status_code == 409  # nobody asked for information
    gone = client.post(f"/api/v1/items/{code}/withdrawal", json={"reason": "Đã xong."},
                       headers=access)  # fmt: skip
    assert gone.status_code == 200 and gone.json["state"] == "withdrawn"
    assert gone.json["available_actions"] == []
    assert stored(code).state is State.WITHDRAWN


def test_the_documents_example_is_an_item_the_api_accepts(app, client, org):
    document = client.get("/api/v1/openapi.json").json
    body = document["paths"]["/api/v1/items"]["post"]["requestBody"]["content"]
    example = body["application/json"]["example"]
    assert set(body) == {"application/json", "multipart/form-data"}
    answer = submit(client, create_key(app), example)
    assert answer.status_code == 201, answer.json
    assert len(stored(answer.json["reference_code"]).attachments) == 1


def test_the_citizen_stops_sms_when_the_item_offers_it(app, client, org):
    app.config["SMS_ENABLED"] = True
    receipt = submit(client, create_key(app)).json
    code, access = receipt["reference_code"], {"X-Access-Key": receipt["access_key"]}
    assert "stop_sms" in follow(client, code, receipt["access_key"]).json["available_actions"]
    stopped = client.post(f"/api/v1/items/{code}/sms-stop", headers=access)
    assert stopped.status_code == 200 and "stop_sms" not in stopped.json["available_actions"]
    assert stored(code).sms_stopped_at is not None
    assert client.post(f"/api/v1/items/{code}/sms-stop", headers=access).status_code == 409


def test_a_body_over_the_size_limit_is_413_in_problem_details(app, client, org):
    key = create_key(app)
    app.config["MAX_CONTENT_LENGTH"] = 2000
    big = submit(client, key, item(attachments=[attachment(data=PDF + b"0" * 4000)]))
    assert big.status_code == 413 and big.mimetype == "application/problem+json"
