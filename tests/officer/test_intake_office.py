"""The intake office's daily work through its pages: recording items from other channels,
finding them, refusing, transferring, marking duplicates, and two officers at once."""

import io

import sqlalchemy as sa

from intake.cases.models import Attachment, Case
from intake.core.states import State
from intake.extensions import db
from intake.notifications.models import OutboxMessage
from tests.cases.factories import advance, make_staff, submit, unit_by_code
from tests.conftest import hidden_inputs, valid_submission
from tests.core.test_filetypes import PDF
from tests.officer.helpers import act, form_fields, login


def signed_in(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_recording_an_item_received_by_phone(org, app):
    staff = make_staff()
    intake = signed_in(app, staff.intake)
    page = intake.get("/officer/cases/new").get_data(as_text=True)
    data = {
        **hidden_inputs(page),
        **valid_submission(email="", declared_truthful=""),
        "channel": "phone",
        "received_on": "2026-03-06",
        "national_code": "G22.99-260306-0001",
        "language": "vi",
        "attachments": [(io.BytesIO(PDF), "bien-ban-ghi-nhan.pdf")],
    }
    response = intake.post("/officer/cases/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    case = db.session.scalar(sa.select(Case))
    assert (case.channel, case.national_code) == ("phone", "G22.99-260306-0001")
    assert case.received_at.date().isoformat() == "2026-03-06"  # the original receipt date
    assert case.events[0].actor_id == staff.intake.id
    # No e-mail address, and SMS are off in this test: the receipt waits in the print queue.
    receipt = db.session.scalars(sa.select(OutboxMessage)).one()
    assert (receipt.channel, receipt.template) == ("letter", "receipt")
    follow = intake.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mã tra cứu cho người gửi" in follow  # the officer reads the key to the caller
    # The attachment is downloadable by officers who see the case, and by nobody else.
    attachment = db.session.scalar(sa.select(Attachment))
    with intake.get(f"/officer/attachments/{attachment.id}") as download:
        assert download.status_code == 200 and download.data.startswith(b"%PDF")
        assert "bien-ban-ghi-nhan.pdf" in download.headers["Content-Disposition"]
    other = signed_in(app, staff.other_handler)
    assert other.get(f"/officer/attachments/{attachment.id}").status_code == 404
    assert app.test_client().get(f"/officer/attachments/{attachment.id}").status_code == 302


def test_accent_insensitive_search_and_filters(org, app, now):
    staff = make_staff()
    a = submit(now, full_name="Nguyễn Văn An", title="Chậm cấp sổ đỏ")
    b = submit(now, full_name="Trần Thị Bình", phone="0987654321", title="Hộ tịch chậm",
               email="binh.tran@example.com")  # fmt: skip
    db.session.commit()
    intake = signed_in(app, staff.intake)

    def found(query):
        html = intake.get(f"/officer/intake?tab=all&{query}").get_data(as_text=True)
        return {c.reference_code for c in (a, b) if c.reference_code in html}

    assert found("q=nguyen+van+an") == {a.reference_code}
    assert found("q=NGUYỄN") == {a.reference_code}
    assert found("q=0987654321") == {b.reference_code}
    assert found("q=ho+tich") == {b.reference_code}
    assert found("q=100%25_") == set()  # % and _ are literal
    assert found("channel=web") == {a.reference_code, b.reference_code}
    assert found("channel=phone") == set()
    assert found("state=bogus&priority=%00&received_from=not-a-date") == {
        a.reference_code, b.reference_code,
    }  # fmt: skip
    assert found("received_from=2030-01-01") == set()


def test_search_uses_every_word_of_a_long_query(org, app, now):
    """Sixteen words: the distinctive number is the last one, and it must count."""
    staff = make_staff()
    words = "phản ánh về việc chậm cấp giấy chứng nhận quyền sử dụng đất tại xã An Hiệp"
    wanted = submit(now, title=f"{words} số 4711")
    other = submit(now, title=f"{words} số 815")
    db.session.commit()
    intake = signed_in(app, staff.intake)
    html = intake.get("/officer/intake", query_string={"tab": "all", "q": f"{words} số 4711"}).text
    assert wanted.reference_code in html and other.reference_code not in html


def test_refusal_with_the_reason_template_and_the_citizens_notice(org, app, now):
    staff = make_staff()
    case = submit(now)
    db.session.commit()
    intake = signed_in(app, staff.intake)
    page = intake.get(f"/officer/cases/{case.id}").get_data(as_text=True)
    assert "Thanh tra tỉnh" in page  # the templates travel with the form
    act(intake, case.id, "reject", reason="complaint_or_denunciation", message="")
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.state is State.REJECTED
    assert "Thanh tra tỉnh" in case.events[-1].note  # the template, since no text was typed
    notice = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()[-1]
    assert notice.template == "rejected" and "Thanh tra tỉnh" in notice.body_text


def test_transfer_and_duplicate(org, app, now):
    staff = make_staff()
    original, copy, other = submit(now), submit(now), submit(now)
    db.session.commit()
    intake = signed_in(app, staff.intake)
    bad = act(intake, copy.id, "duplicate", original_code="PAKN-2026-ZZZZ-ZZZZ")
    assert bad.status_code == 422  # shown again, with the code typed and the reason
    assert "PAKN-2026-ZZZZ-ZZZZ" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, copy.id).state is State.RECEIVED
    act(intake, copy.id, "duplicate", original_code=original.reference_code.lower())
    db.session.expire_all()
    copy = db.session.get(Case, copy.id)
    assert copy.state is State.REJECTED and copy.duplicate_of_id == original.id
    ministry = unit_by_code("bo-tc")
    missing = act(intake, other.id, "transfer", agency_unit_id=ministry.id, letter_number="")
    assert missing.status_code == 422
    act(intake, other.id, "transfer", agency_unit_id=ministry.id, letter_number="12/VP-KSTT")
    db.session.expire_all()
    other = db.session.get(Case, other.id)
    assert other.state is State.TRANSFERRED_OUT
    assert other.events[-1].details["agency_unit_id"] == ministry.id


def test_two_officers_on_the_same_page(org, app, now):
    """Both open the item; the first assigns; the second, still on the old page, tries to
    refuse: refused with a message, the item stays assigned, the assignment is kept."""
    staff = make_staff()
    case = submit(now)
    db.session.commit()
    first, second = signed_in(app, staff.intake), signed_in(app, staff.intake)
    path = f"/officer/cases/{case.id}"
    first_page = first.get(path).get_data(as_text=True)
    second_page = second.get(path).get_data(as_text=True)
    triage = form_fields(first_page, f"{path}/triage")
    r = first.post(
        f"{path}/triage",
        data={**triage, "kind": "phan_anh", "priority": "normal",
              "lead_unit_id": str(staff.lead_unit.id)},
    )  # fmt: skip
    assert r.status_code == 303
    reject = form_fields(second_page, f"{path}/reject")
    r = second.post(f"{path}/reject", data={**reject, "reason": "abusive_or_spam", "message": "x"})
    assert r.status_code == 303
    shown = second.get(r.headers["Location"]).get_data(as_text=True)
    assert "vừa được người khác cập nhật" in shown
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.state is State.ASSIGNED and case.lead_unit_id == staff.lead_unit.id


def test_bounced_items_are_flagged_after_more_than_two_returns(org, app, now):
    staff = make_staff()
    case = submit(now)
    for _ in range(3):
        advance(case, State.ASSIGNED, staff, now)
        from intake.cases import operations as ops
        from intake.core.reasons import ReturnReason

        ops.return_to_intake(case, actor=staff.handler, now=now, expected_version=None,
                             reason=ReturnReason.WRONG_UNIT, note="Không đúng đơn vị.")  # fmt: skip
    db.session.commit()
    intake = signed_in(app, staff.intake)
    returned = intake.get("/officer/intake?tab=returned").get_data(as_text=True)
    assert case.reference_code in returned and "Bị trả lại 3 lần" in returned
    assert "badge-flag" in returned


def test_extension_through_the_pages(org, app, now):
    from intake.cases.models import ExtensionStatus
    from intake.core.deadlines import Step

    def handling_clock():
        db.session.expire_all()
        return [c for c in db.session.get(Case, case.id).clocks if c.step is Step.HANDLING][-1]

    staff = make_staff()
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    db.session.commit()
    handler, lead = signed_in(app, staff.handler), signed_in(app, staff.lead)
    response = act(handler, case.id, "extension", working_days="5", reason="Chờ ý kiến của Bộ.")
    assert response.status_code == 303
    asked = handling_clock()
    assert (asked.extension_status, asked.extension_requested_days, asked.extension_reason) == (
        ExtensionStatus.REQUESTED,
        5,
        "Chờ ý kiến của Bộ.",
    )
    assert asked.extension_working_days == 0  # nothing granted until the lead decides
    page = lead.get(f"/officer/cases/{case.id}").get_data(as_text=True)
    assert "Chờ ý kiến của Bộ." in page and "Quyết định gia hạn" in page
    assert act(lead, case.id, "extension/decision", decision="approve").status_code == 303
    handling = handling_clock()
    assert (handling.extension_status, handling.extension_working_days) == (
        ExtensionStatus.APPROVED,
        5,
    )
    page = handler.get(f"/officer/cases/{case.id}").get_data(as_text=True)
    assert "+5 ngày gia hạn" in page and "Đề nghị gia hạn xử lý" not in page.split("Thao tác")[1]


def test_odd_input_in_queues_and_forms_is_not_a_500(org, app, now):
    staff = make_staff()
    case = submit(now)
    db.session.commit()
    intake = signed_in(app, staff.intake)
    for query in ("field_id=%C2%B2", "unit_id=99999999999999999999999", "received_to=9999-12-31",
                  "received_from=0001-01-01", "page=-1", "tab=%00"):  # fmt: skip
        assert intake.get(f"/officer/intake?{query}").status_code == 200, query
    page = intake.get(f"/officer/cases/{case.id}").get_data(as_text=True)
    fields = form_fields(page, f"/officer/cases/{case.id}/request-info")
    r = intake.post(f"/officer/cases/{case.id}/request-info",
                    data={**fields, "version": "²", "message": "Bổ sung?"})  # fmt: skip
    assert r.status_code == 303  # refused as a stale form, with a message
    r = intake.post(f"/officer/cases/{case.id}/request-info",
                    data={**fields, "message": "\x01\x02"})  # fmt: skip
    assert r.status_code == 422
    db.session.expire_all()
    assert db.session.get(Case, case.id).state is State.RECEIVED
