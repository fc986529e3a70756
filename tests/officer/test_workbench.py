"""The officer's workbench through its pages: triage in one submit, the routing suggestion
without JavaScript, landing somewhere useful, the handler told of an assignment, the lead's
view of each handler's load, and response templates."""

import re
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from intake.accounts.models import Role
from intake.cases.models import Case, CaseEvent, CooperationRequest
from intake.core.states import State
from intake.extensions import db
from intake.notifications.models import OutboxMessage
from intake.responses.models import ResponseTemplate
from tests.admin.helpers import unit_id
from tests.cases.factories import advance, make_staff, make_user, submit
from tests.conftest import hidden_inputs
from tests.officer.helpers import act, form_fields, login


def signed_in(app, user):
    client = app.test_client()
    login(client, user)
    return client


def field_id(code: str) -> int:
    return db.session.scalar(sa.text("SELECT id FROM fields WHERE code = :c"), {"c": code})


def selected(html: str, name: str) -> str | None:
    """The value of the selected option of the select ``name``, None when none is."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    match = re.search(r'<option selected value="([^"]*)"', select) or re.search(
        r'<option value="([^"]*)" selected', select
    )
    return match.group(1) if match else None


@pytest.fixture
def fixed_clock(app, now):
    app.config["CLOCK"] = lambda: now + timedelta(hours=1)
    yield
    app.config.pop("CLOCK", None)


def test_an_item_is_triaged_in_one_page_load_and_one_submit(org, app, now, fixed_clock):
    staff = make_staff()
    case = submit(now)
    db.session.commit()
    intake = signed_in(app, staff.intake)
    page = intake.get(f"/officer/cases/{case.id}").get_data(as_text=True)
    # Nothing is classified yet: no lead unit is pre-selected (not the intake office either).
    assert selected(page, "lead_unit_id") in (None, "")
    assert page.index('class="action-bar"') < page.index('id="act-triage"')  # actions on top
    # Cooperating units are checkboxes with their full names, not a Ctrl-click multi-select.
    assert re.search(rf'<input[^>]*type="checkbox" value="{unit_id("so-xd")}"', page)
    assert "Sở Xây dựng" in page and "multiple" not in page.split('id="act-triage"')[1][:20000]
    path = f"/officer/cases/{case.id}/triage"
    response = intake.post(path, data={
        **form_fields(page, path), "kind": "phan_anh", "content_class": "behaviour",
        "field_id": str(field_id("dat-dai")), "procedure_id": "", "priority": "urgent",
        "lead_unit_id": str(unit_id("so-tnmt")),
        "cooperating_unit_ids": [str(unit_id("so-xd")), str(unit_id("so-tc"))],
        "note": "Đề nghị xử lý dứt điểm.",
    })  # fmt: skip
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/officer/intake")  # on to the next item
    landed = intake.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{case.reference_code}: Đã phân loại và chuyển đơn vị xử lý." in landed
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.state is State.ASSIGNED and case.lead_unit_id == unit_id("so-tnmt")
    assert case.field_id == field_id("dat-dai") and case.is_urgent
    cooperating = db.session.scalars(
        sa.select(CooperationRequest.unit_id).where(CooperationRequest.case_id == case.id)
    ).all()
    assert sorted(cooperating) == sorted([unit_id("so-xd"), unit_id("so-tc")])
    kinds = db.session.scalars(
        sa.select(CaseEvent.kind).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
    ).all()
    assert kinds.index("classify") < kinds.index("assign") < kinds.index("request_cooperation")


def test_a_refused_triage_keeps_what_was_chosen(org, app, now, fixed_clock):
    staff = make_staff()
    case = submit(now)
    db.session.commit()
    intake = signed_in(app, staff.intake)
    response = act(intake, case.id, "triage", kind="phan_anh", priority="normal",
                   field_id=str(field_id("dat-dai")), lead_unit_id="",
                   cooperating_unit_ids=[str(unit_id("so-xd"))])  # fmt: skip
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert selected(html, "field_id") == str(field_id("dat-dai"))
    assert re.search(rf'<input checked[^>]*type="checkbox" value="{unit_id("so-xd")}"', html)
    db.session.expire_all()
    assert db.session.get(Case, case.id).state is State.RECEIVED


def test_the_suggestion_follows_the_chosen_field_without_javascript(org, app, now, fixed_clock):
    staff = make_staff()
    case = submit(now)
    db.session.commit()
    intake = signed_in(app, staff.intake)
    response = act(intake, case.id, "triage", suggest="1", kind="phan_anh", priority="normal",
                   field_id=str(field_id("dat-dai")), procedure_id="", lead_unit_id="",
                   note="ghi chú giữ lại")  # fmt: skip
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    suggestion = html.split('id="routing-suggestion"')[1].split("</span>")[0]
    assert "Sở Tài nguyên và Môi trường" in suggestion
    assert selected(html, "lead_unit_id") == str(unit_id("so-tnmt"))
    assert selected(html, "field_id") == str(field_id("dat-dai"))  # the choice is kept
    assert "ghi chú giữ lại" in html
    db.session.expire_all()
    assert db.session.get(Case, case.id).field_id is None  # nothing saved by a suggestion


def test_after_returning_an_item_the_handler_lands_on_their_queue(org, app, now, fixed_clock):
    staff = make_staff()
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    db.session.commit()
    handler = signed_in(app, staff.handler)
    response = act(handler, case.id, "return", reason="not_competent",
                   note="Thuộc thẩm quyền Sở Tư pháp.")  # fmt: skip
    assert response.status_code == 303
    landed = handler.get(response.headers["Location"], follow_redirects=True)
    assert landed.status_code == 200
    assert "Đã trả lại bộ phận tiếp nhận." in landed.get_data(as_text=True)
    assert landed.request.path == "/officer/unit"


def test_a_handler_is_told_of_an_assignment_by_email_and_in_their_queue(org, app, now, fixed_clock):
    staff = make_staff()
    case = advance(submit(now), State.ASSIGNED, staff, now)
    db.session.commit()
    lead = signed_in(app, staff.lead)
    response = act(lead, case.id, "assign-handler", handler_id=str(staff.handler.id))
    assert response.status_code == 303
    mail = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.template == "handler_assigned")
    )
    assert mail is not None and mail.recipient == staff.handler.email
    assert case.reference_code in mail.subject and "Nguyễn Hoàng Minh" in mail.body_text
    handler = signed_in(app, staff.handler)
    mine = handler.get("/officer/unit?tab=mine").get_data(as_text=True)
    row = mine.split(case.reference_code, 1)[1].split("</tr>")[0]
    assert "Mới giao" in row
    # Once the handler has acted on it, it is no longer new.
    assert act(handler, case.id, "accept").status_code == 303
    mine = handler.get("/officer/unit?tab=mine").get_data(as_text=True)
    assert "Mới giao" not in mine.split(case.reference_code, 1)[1].split("</tr>")[0]
    # A lead who takes an item themselves is not mailed about it.
    other = advance(submit(now), State.ASSIGNED, staff, now)
    db.session.commit()
    assert act(lead, other.id, "assign-handler", handler_id=str(staff.lead.id)).status_code == 303
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(OutboxMessage.template == "handler_assigned")
        )
        == 1
    )


def test_the_unit_lead_sees_each_handlers_load(org, app, now):
    staff = make_staff()
    second = make_user("xuly2@test.vn", Role.HANDLER, "so-tnmt", "Đặng Thị Lan")
    from intake.cases import operations as ops

    def given_to(user, target=State.IN_PROGRESS):
        case = advance(submit(now), target, staff, now)
        ops.assign_handler(case, actor=staff.lead, now=now, expected_version=None, handler=user)
        return case

    cases = [given_to(staff.handler), given_to(staff.handler), given_to(second)]
    unassigned = advance(submit(now), State.ASSIGNED, staff, now)
    db.session.commit()
    handling_due = cases[0].step_due_at
    lead = signed_in(app, staff.lead)
    # The day before the handling due date: the handler's two items are due soon.
    app.config["CLOCK"] = lambda: handling_due - timedelta(days=1)
    try:
        html = lead.get("/officer/unit").get_data(as_text=True)
        table = html.split('class="load"')[1].split("</table>")[0]
        rows = {
            unescape(re.sub(r"<[^>]+>", "", cells[0])).strip(): [
                re.sub(r"<[^>]+>", "", c).strip() for c in cells[1:]
            ]
            for cells in (
                re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table)
            )
            if cells
        }
        assert rows["Lâm Văn Phước"] == ["2", "2", "0"]
        assert rows["Đặng Thị Lan"] == ["1", "1", "0"]
        assert rows["Nguyễn Hoàng Minh"] == ["0", "0", "0"]
        assert rows["Chưa giao cán bộ"][0] == "1"
        # Long after: everything overdue.
        app.config["CLOCK"] = lambda: handling_due + timedelta(days=30)
        html = lead.get("/officer/unit").get_data(as_text=True)
        table = html.split('class="load"')[1].split("</table>")[0]
        assert "Lâm Văn Phước</td><td>2</td><td>0</td><td><strong" in table
    finally:
        app.config.pop("CLOCK", None)
    # A handler does not see the table.
    handler = signed_in(app, staff.handler)
    assert 'class="load"' not in handler.get("/officer/unit").get_data(as_text=True)
    assert unassigned.id


def test_queue_rows_tabs_and_counts(org, app, now, fixed_clock):
    staff = make_staff()
    cases = [submit(now, title=f"Phản ánh số {i}") for i in range(3)]
    cases.append(submit(now, full_name="Trần Thị Bình", title="Hộ tịch chậm"))
    db.session.commit()
    intake = signed_in(app, staff.intake)
    html = intake.get("/officer/intake").get_data(as_text=True)
    assert ">Tìm</button>" in html and ">Lọc</button>" not in html
    thead = html.split("<thead>")[1].split("</thead>")[0]
    assert "Tình trạng" not in thead  # one state on this tab: no column repeats it
    assert (
        "Tình trạng"
        in intake.get("/officer/intake?tab=all")
        .get_data(as_text=True)
        .split("<thead>")[1]
        .split("</thead>")[0]
    )
    filtered = intake.get("/officer/intake?q=tran+thi+binh").get_data(as_text=True)
    count = re.search(r'aria-current="page">Chờ phân loại <span class="count">(\d+)', filtered)
    assert count.group(1) == "1" and filtered.count("<tr class=") == 1
    assert "trên 1 hồ sơ" in filtered
    assert "Đăng xuất" in html.split('class="main-nav"')[0]  # the user menu in the top bar


def _template_page(client, path, data):
    page = client.get(path).get_data(as_text=True)
    return client.post(path, data={**hidden_inputs(page), **data})


def test_response_templates_are_managed_by_admins_and_unit_leads(org, app, now):
    staff = make_staff()
    admin = staff.admin
    db.session.commit()
    admin_client, lead, handler, intake = (
        signed_in(app, u) for u in (admin, staff.lead, staff.handler, staff.intake)
    )
    refusal = {
        "purpose": "refusal", "title": "Khiếu nại", "reject_reason": "complaint_or_denunciation",
        "body": "Nội dung của ông/bà là khiếu nại.", "legal_basis": "Điều 1 Nghị định 20/2008",
        "is_active": "y",
    }  # fmt: skip
    assert _template_page(admin_client, "/admin/templates/new", refusal).status_code == 303
    answer = {
        "purpose": "answer", "title": "Đất đai: đã chỉ đạo", "field_id": str(field_id("dat-dai")),
        "body": "Sở đã chỉ đạo Chi nhánh Văn phòng đăng ký đất đai giải quyết.",
        "legal_basis": "Luật Đất đai 2024", "is_active": "y",
    }  # fmt: skip
    assert _template_page(lead, "/admin/templates/new", answer).status_code == 303
    # A unit lead may not write refusal templates, nor open the rest of the admin pages.
    assert _template_page(lead, "/admin/templates/new", refusal).status_code == 422
    assert lead.get("/admin/units").status_code == 404
    for client in (handler, intake):
        assert client.get("/admin/templates").status_code == 404
        assert client.get("/admin/templates/new").status_code == 404
    own = db.session.scalar(sa.select(ResponseTemplate).where(ResponseTemplate.purpose == "answer"))
    other = db.session.scalar(
        sa.select(ResponseTemplate).where(ResponseTemplate.purpose == "refusal")
    )
    assert own.unit_id == staff.lead.unit_id and other.unit_id is None
    # The lead sees and edits their unit's template only; the administrator every template.
    listing = lead.get("/admin/templates").get_data(as_text=True)
    assert "Đất đai: đã chỉ đạo" in listing and "Khiếu nại" not in listing
    assert lead.get(f"/admin/templates/{other.id}").status_code == 404
    other_lead = signed_in(app, staff.other_lead)
    assert other_lead.get(f"/admin/templates/{own.id}").status_code == 404
    assert "Đất đai: đã chỉ đạo" not in other_lead.get("/admin/templates").get_data(as_text=True)
    edited = {**answer, "title": "Đất đai: đã giải quyết"}
    assert _template_page(lead, f"/admin/templates/{own.id}", edited).status_code == 303
    admin_listing = admin_client.get("/admin/templates").get_data(as_text=True)
    assert "Đất đai: đã giải quyết" in admin_listing and "Khiếu nại" in admin_listing
    page = other_lead.get("/admin/templates").get_data(as_text=True)
    assert "/admin/templates/new" in page
    # Deleting.
    own_id = own.id
    page = lead.get(f"/admin/templates/{own_id}").get_data(as_text=True)
    delete = form_fields(page, f"/admin/templates/{own_id}/delete")
    assert lead.post(f"/admin/templates/{own_id}/delete", data=delete).status_code == 303
    db.session.expunge_all()
    assert db.session.get(ResponseTemplate, own_id) is None


def test_a_handler_answers_with_a_template(org, app, now, fixed_clock):
    staff = make_staff()
    case = submit(now)
    case.field_id = field_id("dat-dai")
    advance(case, State.IN_PROGRESS, staff, now)
    from intake.responses.models import ResponseTemplate as T

    for title, field in (("Đất đai: đã chỉ đạo", field_id("dat-dai")), ("Chung", None),
                         ("Hộ tịch", field_id("ho-tich"))):  # fmt: skip
        db.session.add(T(purpose="answer", title=title, body=f"Nội dung {title}.",
                         legal_basis="Luật Đất đai 2024" if field else "", field_id=field,
                         updated_at=now))  # fmt: skip
    db.session.commit()
    template_id = db.session.scalar(sa.select(T.id).where(T.title == "Đất đai: đã chỉ đạo"))
    handler = signed_in(app, staff.handler)
    page = handler.get(f"/officer/cases/{case.id}").get_data(as_text=True)
    picker = page.split('name="template_id"')[1].split("</select>")[0]
    assert "Đất đai: đã chỉ đạo" in picker and "Chung" in picker
    assert "Hộ tịch" not in picker  # another field's template is not offered
    # With JavaScript the select inserts the text itself: it carries it.
    assert "Nội dung Đất đai: đã chỉ đạo." in unescape(page.split('data-templates="')[1][:2000])
    # Without: "insert" shows the form again with the text in place, to be edited.
    path = f"/officer/cases/{case.id}/answer"
    response = handler.post(path, data={
        **form_fields(page, path), "insert_template": "1", "template_id": str(template_id),
        "public_text": "", "letter": "Kính gửi ông Nguyễn Văn An,",
    })  # fmt: skip
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True)).replace("\r\n", "\n")
    expected = "Nội dung Đất đai: đã chỉ đạo.\n\nCăn cứ: Luật Đất đai 2024"
    assert f">\n{expected}</textarea>" in html  # Jinja writes a newline after the tag
    assert "Kính gửi ông Nguyễn Văn An,\n\n" + expected in html
    db.session.expire_all()
    assert not db.session.get(Case, case.id).answer_public_text  # nothing saved yet
    # Edited and submitted for review: one submit.
    response = handler.post(path, data={
        **form_fields(page, path), "public_text": expected + " Đã cấp giấy ngày 5/3.",
        "letter": "Kính gửi ông An. " + expected, "submit_for_review": "1",
    })  # fmt: skip
    assert response.status_code == 303
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.state is State.ANSWER_REVIEW and "Đã cấp giấy ngày 5/3." in case.answer_public_text


def test_refusal_templates_are_offered_in_the_refusal_form(org, app, now, fixed_clock):
    staff = make_staff()
    case = submit(now)
    db.session.add(ResponseTemplate(
        purpose="refusal", title="Khiếu nại", reject_reason="complaint_or_denunciation",
        body="Đề nghị ông/bà gửi đến Thanh tra tỉnh.", legal_basis="Điều 1 NĐ 20/2008",
        updated_at=now,
    ))  # fmt: skip
    db.session.commit()
    template_id = db.session.scalar(sa.select(ResponseTemplate.id))
    intake = signed_in(app, staff.intake)
    response = act(intake, case.id, "reject", insert_template="1", template_id=str(template_id),
                   reason="complaint_or_denunciation", message="")  # fmt: skip
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True)).replace("\r\n", "\n")
    assert "Đề nghị ông/bà gửi đến Thanh tra tỉnh.\n\nCăn cứ: Điều 1 NĐ 20/2008</textarea>" in html
    assert '<details id="act-reject" open>' in html
