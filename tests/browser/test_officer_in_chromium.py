"""The officers' main path in Chromium: intake routes an item with the suggested unit, the
unit accepts and answers, intake reviews the redaction and publishes; the public sees it."""

import re

import pytest

from intake.extensions import db
from tests.browser.conftest import CHROMIUM
from tests.cases.factories import PASSWORD, make_staff, submit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed (apt-get install chromium)",
    ),
]


def sign_in(browser, base, user):
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(base + "/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    return page


def test_route_answer_review_publish(live_server, browser, now, tmp_path):
    staff = make_staff()
    land = db.session.scalar(db.text("SELECT id FROM fields WHERE code = 'dat-dai'"))
    case = submit(now, field_id=land, content="Quá hẹn 30 ngày. Liên hệ tôi: 0912 345 678.",
                  consent_to_publish=True)  # fmt: skip
    db.session.commit()

    intake = sign_in(browser, live_server, staff.intake)
    intake.get_by_role("link", name=re.compile(case.reference_code)).click()
    assert "Sở Tài nguyên và Môi trường" in intake.inner_text(".suggestion")
    assert intake.input_value("#lead_unit_id") == str(staff.lead_unit.id)  # preselected
    intake.get_by_role("button", name="Phân loại và chuyển xử lý").click()
    assert f"{case.reference_code}: Đã phân loại và chuyển đơn vị xử lý" in intake.inner_text(
        "main"
    )

    handler = sign_in(browser, live_server, staff.handler)
    handler.get_by_role("link", name=re.compile(case.reference_code)).click()
    handler.get_by_role("button", name="Tiếp nhận xử lý").click()
    handler.fill("#public_text", "Sở đã chỉ đạo trả kết quả; gọi 0912 345 678 để nhận.")
    handler.fill("#letter", "Kính gửi ông An, Sở đã chỉ đạo trả kết quả cho ông.")
    handler.get_by_role("button", name="Lưu và trình duyệt").click()
    assert "Chờ duyệt kết quả" in handler.inner_text(".case-meta")

    intake.goto(live_server + "/officer/intake?tab=review")
    intake.get_by_role("link", name=re.compile(case.reference_code)).click()
    intake.get_by_role("link", name="Duyệt kết quả").click()
    assert intake.locator("mark.pii").count() >= 2  # the phone, in content and answer
    assert "0912 345 678" not in intake.input_value("#published_answer")
    intake.screenshot(path=str(tmp_path / "review.png"), full_page=True)
    intake.get_by_role("button", name="Duyệt: gửi trả lời và công khai").click()
    # The confirmation box is required: the browser does not send the form without it.
    assert intake.url.endswith("/review")
    assert intake.evaluate("document.querySelector('#confirm_redaction').validity.valueMissing")
    intake.check("#confirm_redaction")
    intake.get_by_role("button", name="Duyệt: gửi trả lời và công khai").click()
    assert "Đã trả lời, công khai" in intake.inner_text(".case-meta")

    public = browser.new_page()
    public.goto(live_server + "/published")
    public.get_by_role("link", name=case.title).click()
    text = public.inner_text("main")
    assert "Sở đã chỉ đạo trả kết quả" in text and "0912 345 678" not in text


def test_the_workbench_scripts(live_server, browser, now):
    """With JavaScript: the suggestion follows the field as it is chosen, the units' list
    filters as one types, and a response template is inserted on choosing it."""
    from intake.responses.models import ResponseTemplate

    staff = make_staff()
    case = submit(now)
    db.session.add(ResponseTemplate(purpose="answer", title="Mẫu chung", body="Sở đã chỉ đạo.",
                                    legal_basis="Điều 14 NĐ 20/2008", updated_at=now))  # fmt: skip
    db.session.commit()
    land = db.session.scalar(db.text("SELECT id FROM fields WHERE code = 'dat-dai'"))
    intake = sign_in(browser, live_server, staff.intake)
    intake.goto(f"{live_server}/officer/cases/{case.id}")
    assert intake.input_value("#lead_unit_id") == ""  # not classified: nothing pre-selected
    assert not intake.get_by_role("button", name="Gợi ý đơn vị").is_visible()
    intake.select_option("#field_id", str(land))
    assert "Sở Tài nguyên và Môi trường" in intake.inner_text("#routing-suggestion")
    assert intake.input_value("#lead_unit_id") == str(staff.lead_unit.id)
    units = intake.locator("#field-cooperating_unit_ids li")
    total = units.count()
    intake.fill(".checklist-filter", "xay dung")  # without diacritics
    visible = [units.nth(i).inner_text() for i in range(total) if units.nth(i).is_visible()]
    assert visible and all("Xây dựng" in text for text in visible), visible
    intake.get_by_label("Sở Xây dựng", exact=True).check()
    intake.get_by_role("button", name="Phân loại và chuyển xử lý").click()
    assert "Đã phân loại và chuyển đơn vị xử lý" in intake.inner_text("main")

    lead = sign_in(browser, live_server, staff.lead)
    lead.goto(f"{live_server}/officer/cases/{case.id}")
    lead.get_by_role("link", name="Giao cán bộ").click()  # opens the folded form
    lead.select_option("#handler_id", str(staff.handler.id))
    lead.get_by_role("button", name="Giao", exact=True).click()
    handler = sign_in(browser, live_server, staff.handler)
    handler.goto(f"{live_server}/officer/unit?tab=mine")
    assert "Mới giao" in handler.inner_text("table.queue")
    handler.get_by_role("link", name=case.reference_code).click()
    handler.get_by_role("button", name="Tiếp nhận xử lý").click()
    # The click returns once the next page starts; its script (deferred) binds the select.
    handler.wait_for_load_state("load")
    handler.select_option("#template_id", label="Mẫu chung")
    handler.wait_for_function("document.querySelector('#public_text').value !== ''")
    assert handler.input_value("#public_text") == "Sở đã chỉ đạo.\n\nCăn cứ: Điều 14 NĐ 20/2008"
    handler.fill("#letter", "Kính gửi ông An. " + handler.input_value("#letter"))
    handler.get_by_role("button", name="Lưu và trình duyệt").click()
    assert "Chờ duyệt kết quả" in handler.inner_text(".case-meta")
