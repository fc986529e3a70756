"""One item from submission to rating, through every hand, with CSRF on and every e-mail
checked at a real SMTP server on loopback."""

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from intake.cases.models import Case
from intake.core.states import State
from intake.extensions import db
from intake.notifications.sender import deliver_due
from intake.org.models import Unit
from tests.cases.factories import make_staff
from tests.conftest import body_text, hidden_inputs, valid_submission
from tests.officer.helpers import act, form_fields, login


def unit_id(code):
    return db.session.scalar(sa.select(Unit.id).where(Unit.code == code))


def mail_to(smtp, address):
    return [m for rcpt, m in smtp.messages if address in rcpt]


def test_from_submission_to_rating(org, app, client, smtp):
    staff = make_staff()
    # The citizen submits, with an ID number and phone in the text that must not be published.
    page = client.get("/submit").get_data(as_text=True)
    content = (
        "Tôi (CCCD 094123456789, điện thoại 0912 345 678) nộp hồ sơ cấp giấy chứng nhận quyền "
        "sử dụng đất từ tháng 6, đến nay đã quá hẹn hơn 30 ngày."
    )
    client.post(
        "/submit",
        data={**hidden_inputs(page), **valid_submission(content=content, consent_to_publish="y")},
    )
    receipt = client.get("/receipt").get_data(as_text=True)
    code = re.search(r'id="reference-code">([^<]+)<', receipt).group(1)
    case = db.session.scalar(sa.select(Case).where(Case.reference_code == code))

    # Intake: find it by an accent-free search, classify, assign with a cooperating unit.
    intake = app.test_client()
    login(intake, staff.intake)
    queue = intake.get("/officer/intake?q=nguyen+van+an").get_data(as_text=True)
    assert code in queue
    detail = intake.get(f"/officer/cases/{case.id}").get_data(as_text=True)
    assert "Gợi ý" in detail and "0912345678" in detail  # officers see contact details
    land = db.session.scalar(sa.text("SELECT id FROM fields WHERE code = 'dat-dai'"))
    r = act(intake, case.id, "classify", kind="phan_anh", content_class="behaviour",
            field_id=str(land), procedure_id="", priority="normal")  # fmt: skip
    assert r.status_code == 303
    assert db.session.get(Case, case.id).field_id == land
    detail = intake.get(f"/officer/cases/{case.id}").get_data(as_text=True)
    suggestion = detail.split('id="routing-suggestion"')[1].split("</span>")[0]
    assert "Sở Tài nguyên và Môi trường" in suggestion  # rule by field
    r = act(intake, case.id, "triage", kind="phan_anh", content_class="behaviour",
            field_id=str(land), procedure_id="", priority="normal",
            lead_unit_id=str(unit_id("so-tnmt")), cooperating_unit_ids=[str(unit_id("so-xd"))],
            note="Đề nghị xử lý dứt điểm.")  # fmt: skip
    assert r.status_code == 303
    assert db.session.get(Case, case.id).state is State.ASSIGNED

    # The unit: the lead assigns a handler, the handler accepts.
    lead = app.test_client()
    login(lead, staff.lead)
    assert code in lead.get("/officer/unit?tab=to_accept").get_data(as_text=True)
    assert act(lead, case.id, "assign-handler", handler_id=str(staff.handler.id)).status_code == 303
    handler = app.test_client()
    login(handler, staff.handler)
    assert act(handler, case.id, "accept").status_code == 303
    assert db.session.get(Case, case.id).state is State.IN_PROGRESS
    assert (
        act(handler, case.id, "note", text="Đã gọi điện cho Chi nhánh VPĐKĐĐ.").status_code == 303
    )

    # The cooperating unit replies to the request it received with the assignment.
    cooperating = app.test_client()
    login(cooperating, staff.coop_handler)
    page = cooperating.get(f"/officer/cases/{case.id}").get_data(as_text=True)
    request_id = db.session.get(Case, case.id).cooperation_requests[0].id
    path = f"/officer/cases/{case.id}/cooperation/{request_id}/reply"
    reply = {f"coop{request_id}-reply": "Không vướng quy hoạch xây dựng."}
    r = cooperating.post(path, data={**form_fields(page, path), **reply})
    assert r.status_code == 303

    # The handler drafts and submits the answer.
    r = act(handler, case.id, "answer",
            public_text="Sở đã chỉ đạo cấp giấy chứng nhận; liên hệ 0912 345 678 để nhận.",
            letter="Kính gửi ông An, Sở đã chỉ đạo cấp giấy chứng nhận cho ông.",
            submit_for_review="1")  # fmt: skip
    assert r.status_code == 303
    assert db.session.get(Case, case.id).state is State.ANSWER_REVIEW

    # Review: personal data is highlighted and masked before publication.
    review = intake.get(f"/officer/cases/{case.id}/review").get_data(as_text=True)
    assert '<mark class="pii"' in review and "094123456789</mark>" in review
    fields = form_fields(review, f"/officer/cases/{case.id}/publish")
    unmasked = intake.post(f"/officer/cases/{case.id}/publish", data={
        **fields, "published_title": case.title, "published_content": content,
        "published_answer": "Liên hệ 0912 345 678.", "confirm_redaction": "y"})  # fmt: skip
    assert unmasked.status_code == 422  # still carries personal data
    masked_content = (
        re.search(r'<textarea[^>]*name="published_content"[^>]*>(.*?)</textarea>', review, re.S)
        .group(1)
        .strip()
    )
    assert "094123456789" not in masked_content and "[số định danh đã ẩn]" in masked_content
    r = intake.post(f"/officer/cases/{case.id}/publish", data={
        **fields, "published_title": case.title, "published_content": masked_content,
        "published_answer": "Sở đã chỉ đạo cấp giấy chứng nhận cho người gửi.",
        "confirm_redaction": "y"})  # fmt: skip
    assert r.status_code == 303
    assert db.session.get(Case, case.id).state is State.ANSWERED

    # Published, without personal data; the citizen reads the answer and rates it.
    published = client.get("/published?q=giay+chung+nhan").get_data(as_text=True)
    assert code in published
    public_page = client.get(f"/published/{code}").get_data(as_text=True)
    for personal in ("094123456789", "0912 345 678", "0912345678", "Nguyễn Văn An", "an.nguyen"):
        assert personal not in public_page
    # What officers wrote to each other stays among officers: the handler's note, the intake
    # office's assignment note and the cooperating unit's reply, all on the officers' page.
    internal = (
        "Đã gọi điện cho Chi nhánh VPĐKĐĐ.",
        "Đề nghị xử lý dứt điểm.",
        "Không vướng quy hoạch xây dựng.",
    )
    officer_page = handler.get(f"/officer/cases/{case.id}").get_data(as_text=True)
    track = client.get(f"/track/{code}").get_data(as_text=True)
    assert "Kính gửi ông An" in track
    for text in internal:
        assert text in officer_page, text
        assert text not in public_page and text not in track, text
    fields = form_fields(track, f"/track/{code}/rate")
    r = client.post(f"/track/{code}/rate", data={**fields, "score": "5", "comment": "Cảm ơn."})
    assert r.status_code == 303
    assert db.session.get(Case, case.id).rating_score == 5

    # The e-mails, as received.
    deliver_due(datetime.now(UTC))
    citizen = mail_to(smtp, "an.nguyen@example.com")
    assert [m["subject"].split(" ")[0] for m in citizen] == ["Đã", "Kết"]
    assert "Kính gửi ông An" in body_text(citizen[-1])
    assert mail_to(smtp, "so-tnmt@soctrang.example.vn")  # assigned
    assert mail_to(smtp, "so-xd@soctrang.example.vn")  # cooperation
