"""The official letters (Decree 30/2020/NĐ-CP) read back out of the PDF: the parts of the
format, what each notice says, who signs, and numbers that stay what they were first issued."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from intake.cases import operations as ops
from intake.core.reasons import RejectReason
from intake.core.states import State
from intake.extensions import db
from intake.letters import LetterKind, render_notice_pdf
from intake.letters.content import unit_symbol, vietnamese_date
from intake.letters.models import IssuedLetter
from intake.org.models import Unit
from tests.cases.factories import advance, make_staff, submit
from tests.letters.helpers import embedded_fonts, pdf_text

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@pytest.fixture
def staff(org, app):
    return make_staff()


def test_a_refusal_has_every_part_of_the_format(staff, now):
    case = advance(submit(now), State.REJECTED, staff, now)
    text = pdf_text(render_notice_pdf(case, "rejected"))
    assert NATIONAL_TITLE in text and MOTTO in text
    # The superior agency, then the issuing unit without repeating it.
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ VĂN PHÒNG" in text  # since 1/7/2025
    assert "Số: 01/TB-VPUBND" in text
    assert "Cần Thơ, ngày 10 tháng 3 năm 2026" in text
    assert "THÔNG BÁO Về việc không tiếp nhận phản ánh, kiến nghị" in text
    assert "Ông/Bà Nguyễn Văn An (địa chỉ: Ấp Phú Hữu, xã An Hiệp, huyện Châu Thành)" in text
    assert "Chậm cấp giấy chứng nhận quyền sử dụng đất" in text
    assert "Lý do: Nội dung không phù hợp hoặc quấy rối." in text
    assert "Không phù hợp." in text  # the officer's message
    assert "Căn cứ: Nghị định số 20/2008/NĐ-CP" in text
    assert "Nơi nhận: - Ông/Bà Nguyễn Văn An; - Lưu: VT." in text
    assert "CÁN BỘ TIẾP NHẬN" in text and "Trần Thu Hà" in text  # who decided
    assert "./." in text


def test_a_refusal_states_the_legal_basis_of_its_reason(staff, now):
    case = submit(now)
    ops.reject_case(case, actor=staff.intake, now=now + timedelta(hours=1), expected_version=None,
                    reason=RejectReason.COMPLAINT_OR_DENUNCIATION)  # fmt: skip
    text = pdf_text(render_notice_pdf(case, LetterKind.REFUSAL))
    assert "Lý do: Là khiếu nại, tố cáo." in text
    assert "Thanh tra tỉnh hoặc Ban Tiếp công dân tỉnh" in text  # the standard explanation
    assert "Căn cứ: Điều 1 Nghị định số 20/2008/NĐ-CP" in text
    assert "Luật Khiếu nại và Luật Tố cáo" in text


def test_the_font_is_embedded(staff, now):
    fonts = embedded_fonts(render_notice_pdf(submit(now), "receipt"))
    assert fonts and all(fonts.values()), fonts
    assert all("LiberationSerif" in name for name in fonts)
    assert any("Bold" in name for name in fonts) and any("Italic" in name for name in fonts)


def test_receipt_from_the_web_is_issued_by_the_intake_office(staff, now):
    case = submit(now)
    text = pdf_text(render_notice_pdf(case, "receipt", access_key="K7Q4M-9XD2A"))
    assert "Về việc tiếp nhận phản ánh, kiến nghị" in text
    assert f"mã {case.reference_code}" in text
    assert "Mã tra cứu: K7Q4M-9XD2A" in text
    assert "Thời hạn phân loại, chuyển đơn vị xử lý: đến hết ngày 13 tháng 3 năm 2026" in text
    # Nobody decided a web receipt and the office has no lead: no name under the block.
    assert "không cần chữ ký" in text
    letter = db.session.query(IssuedLetter).one()
    assert "K7Q4M-9XD2A" not in str(letter.content)  # the key is printed, never stored
    assert "Mã tra cứu: K7Q4M" not in pdf_text(render_notice_pdf(case, "receipt"))


def test_request_for_information(staff, now):
    case = advance(submit(now), State.NEEDS_INFO, staff, now)
    text = pdf_text(render_notice_pdf(case, "info_requested"))
    assert "Số: 01/CV-VPUBND" in text
    assert "V/v đề nghị bổ sung thông tin phản ánh, kiến nghị" in text
    assert "Kính gửi: Ông/Bà Nguyễn Văn An" in text
    assert "Đề nghị cung cấp số giấy hẹn trả kết quả." in text
    assert "10 ngày làm việc" in text
    assert "Nơi nhận: - Như trên; - Lưu: VT." in text


def test_transfer(staff, now):
    case = advance(submit(now), State.TRANSFERRED_OUT, staff, now)
    text = pdf_text(render_notice_pdf(case, "transferred"))
    assert "Về việc chuyển phản ánh, kiến nghị đến cơ quan có thẩm quyền" in text
    assert "đến Bộ Tài chính theo văn bản số 123/VP-KSTT" in text
    assert "điểm d khoản 1 Điều 9" in text
    assert "- Bộ Tài chính (để xem xét, xử lý);" in text


def test_answer_is_issued_by_the_lead_unit_and_signed_by_its_head(staff, now):
    case = advance(submit(now), State.ANSWERED, staff, now)
    text = pdf_text(render_notice_pdf(case, "answered"))
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG" in text
    assert "Số: 01/CV-STNMT" in text
    assert "V/v trả lời phản ánh, kiến nghị" in text
    assert "Kính gửi ông An, Sở đã chỉ đạo giải quyết hồ sơ của ông." in text
    assert "THỦ TRƯỞNG ĐƠN VỊ" in text and "Nguyễn Hoàng Minh" in text
    assert "Văn phòng Ủy ban nhân dân thành phố Cần Thơ (để theo dõi);" in text


def test_reopening(staff, now):
    case = advance(submit(now), State.ANSWERED, staff, now)
    ops.request_reconsideration(case, now=now + timedelta(days=1), reason="Chưa thỏa đáng.")
    text = pdf_text(render_notice_pdf(case, "reopened"))
    assert "Về việc tiếp nhận đề nghị xem xét lại kết quả trả lời" in text
    assert "Số: 01/TB-STNMT" in text


def test_numbers_are_kept_and_counted_per_unit_and_year(staff, now):
    first, second = submit(now), submit(now + timedelta(minutes=5))
    advance(first, State.REJECTED, staff, now)
    refusal = pdf_text(render_notice_pdf(first, "rejected"))
    receipt = pdf_text(render_notice_pdf(second, "receipt"))
    assert "Số: 01/TB-VPUBND" in refusal and "Số: 02/TB-VPUBND" in receipt
    db.session.commit()
    # Downloaded again, after the item changed: the same number and the same text.
    first.full_name = "Nguyễn Văn Bình"
    again = pdf_text(render_notice_pdf(first, "rejected"))
    assert "Số: 01/TB-VPUBND" in again and "Nguyễn Văn An" in again
    assert db.session.query(IssuedLetter).count() == 2
    # A new year starts again from 01.
    next_year = submit(datetime(2027, 1, 4, 2, 0, tzinfo=UTC))
    text = pdf_text(render_notice_pdf(next_year, "receipt"))
    assert "Số: 01/TB-VPUBND" in text and "ngày 04 tháng 01 năm 2027" in text


def test_a_case_without_such_an_event_has_no_letter(staff, now):
    with pytest.raises(LookupError):
        render_notice_pdf(submit(now), "answered")


def test_dates_and_symbols():
    from datetime import date

    assert vietnamese_date(date(2026, 12, 1)) == "ngày 01 tháng 12 năm 2026"
    assert vietnamese_date(date(2026, 2, 15)) == "ngày 15 tháng 02 năm 2026"
    assert vietnamese_date(date(2026, 3, 9)) == "ngày 09 tháng 3 năm 2026"


@pytest.mark.parametrize(
    ("name", "symbol"),
    [
        ("Sở Tài nguyên và Môi trường", "STNMT"),
        ("Văn phòng Ủy ban nhân dân tỉnh Sóc Trăng", "VPUBND"),
        ("Sở Lao động - Thương binh và Xã hội", "SLĐTBXH"),
        ("Ủy ban nhân dân thành phố Sóc Trăng", "UBND"),
        ("Ủy ban nhân dân xã An Hiệp", "UBND"),
        ("Trung tâm Phục vụ hành chính công tỉnh Sóc Trăng", "TTPVHCC"),
    ],
)
def test_unit_symbols(app, name, symbol):
    assert unit_symbol(Unit(code="x", name=name)) == symbol


def test_unit_symbol_from_settings(app):
    app.config["LETTER_UNIT_SYMBOLS"] = {"thanh-tra": "TTr"}
    assert unit_symbol(Unit(code="thanh-tra", name="Thanh tra tỉnh")) == "TTr"
