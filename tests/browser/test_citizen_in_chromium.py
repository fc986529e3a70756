"""The citizen's journey in a real browser (Debian's headless Chromium, driven by Playwright):
what a person on a phone sees and clicks, with the app served on loopback."""

import re

import pytest

from tests.browser.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed (apt-get install chromium)",
    ),
]


def test_citizen_submits_on_a_phone_and_follows_the_item(live_server, browser, tmp_path):
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = phone.new_page()
    page.goto(live_server + "/")
    page.get_by_role("link", name="Gửi phản ánh, kiến nghị").first.click()
    assert page.get_by_role("heading", name="Gửi phản ánh, kiến nghị").is_visible()

    page.fill("#full_name", "Nguyễn Văn An")
    page.fill("#address", "Ấp Phú Hữu, xã An Hiệp, huyện Châu Thành")
    page.fill("#phone", "0912 345")  # a typo
    page.fill("#email", "an.nguyen@example.com")
    page.fill("#title", "Chậm cấp giấy chứng nhận quyền sử dụng đất")
    page.fill("#content", "Hồ sơ nộp từ tháng 6, đã quá hẹn hơn 30 ngày vẫn chưa có kết quả.")
    page.fill("#procedure", "1.001193 — Đăng ký khai sinh")
    page.check("#declared_truthful")
    page.get_by_role("button", name="Gửi phản ánh, kiến nghị").click()

    # The error sits next to the phone field; everything typed is still there.
    assert "Số điện thoại không hợp lệ" in page.locator("#field-phone .errors").inner_text()
    assert page.input_value("#title") == "Chậm cấp giấy chứng nhận quyền sử dụng đất"
    page.screenshot(path=str(tmp_path / "submit-errors.png"), full_page=True)

    page.fill("#phone", "0912 345 678")
    page.get_by_role("button", name="Gửi phản ánh, kiến nghị").click()
    page.wait_for_url(re.compile(r".*/receipt$"))
    code = page.inner_text("#reference-code").strip()
    key = page.inner_text("#access-key").strip()
    assert re.match(r"^PAKN-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$", code)
    page.screenshot(path=str(tmp_path / "receipt.png"), full_page=True)

    # Later, on another device, with only the two codes.
    laptop = browser.new_context(viewport={"width": 1280, "height": 900})
    other = laptop.new_page()
    other.goto(live_server + "/track")
    other.fill("#reference_code", code.lower())
    other.fill("#access_key", "AAAAA-AAAAA")
    other.get_by_role("button", name="Tra cứu").click()
    assert "Không tìm thấy" in other.locator("#form-errors").inner_text()
    other.fill("#access_key", key)
    other.get_by_role("button", name="Tra cứu").click()
    assert other.inner_text("#case-state") == "Đã tiếp nhận, chờ phân loại"
    assert code in other.content()

    # English on request, kept while browsing.
    other.get_by_role("link", name="English").click()
    assert other.inner_text("#case-state") == "Received, awaiting classification"
    other.goto(live_server + "/")
    assert other.locator("html").get_attribute("lang") == "en"
