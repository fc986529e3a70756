import unicodedata

import pytest

from intake.core.redaction import (
    PLACEHOLDERS,
    Finding,
    Kind,
    Known,
    find_personal_data,
    highlight_segments,
    mask,
)

ID = PLACEHOLDERS[Kind.ID_NUMBER]
PHONE = PLACEHOLDERS[Kind.PHONE]
EMAIL = PLACEHOLDERS[Kind.EMAIL]


def found(text):
    return [(f.kind, f.text) for f in find_personal_data(text)]


def test_placeholders_are_vietnamese_and_cover_every_kind():
    assert PLACEHOLDERS == {
        Kind.ID_NUMBER: "[số định danh đã ẩn]",
        Kind.PHONE: "[số điện thoại đã ẩn]",
        Kind.EMAIL: "[email đã ẩn]",
        Kind.NAME: "[họ tên đã ẩn]",
        Kind.ADDRESS: "[địa chỉ đã ẩn]",
        Kind.TAX_CODE: "[mã số thuế đã ẩn]",
    }
    assert [k.value for k in Kind] == ["id_number", "phone", "email", "name", "address", "tax_code"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 12-digit CCCD
        ("Tôi tên Nguyễn Văn An, CCCD số 094123456789, trú tại Sóc Trăng.", "094123456789"),
        ("Số CCCD:094123456789.", "094123456789"),
        ("căn cước công dân số094123456789 cấp ngày 01/02/2021", "094123456789"),
        ("CCCD 094 123 456 789 do Cục Cảnh sát cấp", "094 123 456 789"),
        ("CCCD: 0941.2345.6789", "0941.2345.6789"),
        # old 9-digit CMND
        ("CMND số 365123456 cấp ngày 12/5/2010 tại Công an tỉnh Sóc Trăng", "365123456"),
        ("(CMND: 365123456)", "365123456"),
    ],
)
def test_id_numbers_are_found(text, expected):
    assert found(text) == [(Kind.ID_NUMBER, expected)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Số điện thoại liên hệ: 0912345678.", "0912345678"),
        ("SĐT:0912345678,", "0912345678"),
        ("SĐT0912345678 (Zalo)", "0912345678"),
        ("Gọi cho tôi theo số 0912 345 678 vào giờ hành chính.", "0912 345 678"),
        ("ĐT: 0912.345.678.", "0912.345.678"),
        ("ĐT: 0912-345-678", "0912-345-678"),
        ("Di động 091 234 5678", "091 234 5678"),
        ("Di động 0387 654 321", "0387 654 321"),
        ("Liên hệ +84 912-345-678 để được hỗ trợ", "+84 912-345-678"),
        ("Liên hệ +84 912 345 678", "+84 912 345 678"),
        ("Liên hệ +84912345678", "+84912345678"),
        ("Liên hệ (+84) 912 345 678", "(+84) 912 345 678"),
        ("Liên hệ 84912345678", "84912345678"),
        ("Liên hệ +84 (0) 912 345 678", "+84 (0) 912 345 678"),
        ("Liên hệ +840912345678", "+840912345678"),
        ("Bàn: (0299) 3822 456, gặp chị ấy", "(0299) 3822 456"),
        ("Bàn: (024)38224567", "(024)38224567"),
        ("Bàn: 024 3822 4567", "024 3822 4567"),
        ("Bàn: 024.3822.4567", "024.3822.4567"),
        ("Bàn: 02993822456", "02993822456"),
        ("Bàn: +84 24 3822 4567", "+84 24 3822 4567"),
        ("SĐT 0912\u00a0345\u00a0678", "0912\u00a0345\u00a0678"),
        ("Người thân ở Mỹ: +1 202 555 0173", "+1 202 555 0173"),
        ("Số 0912345678đã tắt máy", "0912345678"),
        ("Bàn (028) 3829 1234.", "(028) 3829 1234"),
        ("Liên hệ +84 (28) 3829 1234 (máy lẻ 5)", "+84 (28) 3829 1234"),
    ],
)
def test_phone_numbers_are_found(text, expected):
    assert found(text) == [(Kind.PHONE, expected)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Separators the phonenumbers matcher knows and a list of our own would forget.
        ("SĐT: 0912 - 345 - 678", "0912 - 345 - 678"),
        ("SĐT: 0912–345–678 (Zalo)", "0912–345–678"),  # en dash
        ("SĐT: 0912‑345‑678", "0912‑345‑678"),  # non-breaking hyphen
        ("ĐT 0912/345/678", "0912/345/678"),
        ("Liên hệ +(84) 912 345 678", "+(84) 912 345 678"),
        # ... and still glued to a Vietnamese word, which the matcher alone would refuse.
        ("SĐT0912–345–678", "0912–345–678"),
    ],
)
def test_phone_numbers_in_other_notations_are_found(text, expected):
    assert found(text) == [(Kind.PHONE, expected)]
    assert mask(text) == text.replace(expected, PHONE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email: an.nguyen@gmail.com", "an.nguyen@gmail.com"),
        ("email:an.nguyen@gmail.com.", "an.nguyen@gmail.com"),
        ("Gửi về an+pakn@gmail.com giúp tôi", "an+pakn@gmail.com"),
        ("Thư: lan_tran-88@mail.soctrang.gov.vn;", "lan_tran-88@mail.soctrang.gov.vn"),
        ("(hộp thư AN.Nguyen@Yahoo.Com.VN)", "AN.Nguyen@Yahoo.Com.VN"),
        ("hộp thư: an.0912345678@gmail.com", "an.0912345678@gmail.com"),
        ("hộp thư: 094123456789@gmail.com", "094123456789@gmail.com"),
    ],
)
def test_email_addresses_are_found_once_even_with_digits_inside(text, expected):
    assert found(text) == [(Kind.EMAIL, expected)]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Ngày 26/11/2026 tôi đã nộp hồ sơ.",
        "Ngày 26-11-2026 và ngày 06.11.2026",
        "Theo Quyết định số 1234/QĐ-UBND ngày 15/3/2024 của UBND tỉnh",
        "Nghị định số 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân",
        "Thủ tục hành chính mã 1.001193 và 2.000046",
        "Lệ phí 1.500.000 đồng, tổng 10.091.234.567 đồng",
        "Năm 2026 và năm 2025",
        "Mã số thuế 2200123456 của doanh nghiệp",
        "Mã số thuế chi nhánh 2200123456-001",
        "MST 8419001234",
        "Số tài khoản 12345678901234 tại Vietcombank",
        "Tài khoản 1234567890123",
        "Số hồ sơ 000.00.12.H59-260112-0001",
        "Tổng đài 1900 1234 và 1800 1091",
        "Số 0123456789 không phải là số điện thoại hợp lệ",
        "Diện tích 125,5 m2 tại thửa số 123, tờ bản đồ số 45",
        "a@b.c không phải địa chỉ thư",
    ],
)
def test_no_false_positives_that_matter_to_officers(text):
    assert find_personal_data(text) == []
    assert mask(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a phone number next to a year: the year stays
        ("0912 345 678 2026", [(Kind.PHONE, "0912 345 678")]),
        ("năm 2026 0912 345 678", [(Kind.PHONE, "0912 345 678")]),
        ("gọi 0912 345 678 2 lần không ai nghe", [(Kind.PHONE, "0912 345 678")]),
        # (+84) then 9 digits: the longer phone wins over the 9-digit run inside it
        ("(+84) 912345678", [(Kind.PHONE, "(+84) 912345678")]),
        # adjacent findings of different kinds, no space between
        (
            "an@gmail.com0912345678",
            [(Kind.EMAIL, "an@gmail.com"), (Kind.PHONE, "0912345678")],
        ),
        (
            "0912345678,094123456789",
            [(Kind.PHONE, "0912345678"), (Kind.ID_NUMBER, "094123456789")],
        ),
        (
            "0912345678-0987654321",
            [(Kind.PHONE, "0912345678"), (Kind.PHONE, "0987654321")],
        ),
        (
            "gọi 0912345678 hoặc 0987.654.321.",
            [(Kind.PHONE, "0912345678"), (Kind.PHONE, "0987.654.321")],
        ),
        # a 12-digit CCCD whose tail looks like a phone stays one ID
        ("CCCD 084912345678", [(Kind.ID_NUMBER, "084912345678")]),
        # a bare 9- or 12-digit amount is masked: masking leans towards safety
        ("Số tiền 150000000 đồng", [(Kind.ID_NUMBER, "150000000")]),
    ],
)
def test_overlapping_and_adjacent_candidates(text, expected):
    assert found(text) == expected


def test_findings_are_sorted_non_overlapping_and_point_into_the_text():
    text = (
        "Tôi là Trần Thị Lan, CCCD 094123456789, SĐT 0912.345.678, "
        "email lan.tran+pakn@gmail.com, bàn (0299) 3822 456, CMND cũ 365123456."
    )
    findings = find_personal_data(text)
    assert [f.kind for f in findings] == [
        Kind.ID_NUMBER,
        Kind.PHONE,
        Kind.EMAIL,
        Kind.PHONE,
        Kind.ID_NUMBER,
    ]
    for f in findings:
        assert text[f.start : f.end] == f.text
    for a, b in zip(findings, findings[1:], strict=False):
        assert a.end <= b.start


def test_matching_works_on_nfc_vietnamese_text():
    text = unicodedata.normalize("NFC", "Số điện thoại:0912345678, thư:an@gmail.com.")
    assert found(text) == [(Kind.PHONE, "0912345678"), (Kind.EMAIL, "an@gmail.com")]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("CCCD số 094123456789.", f"CCCD số {ID}."),
        ("CMND 365123456, SĐT:0912345678,", f"CMND {ID}, SĐT:{PHONE},"),
        ("email:an.nguyen@gmail.com.", f"email:{EMAIL}."),
        ("Liên hệ (+84) 912 345 678 hoặc an+pakn@gmail.com", f"Liên hệ {PHONE} hoặc {EMAIL}"),
        ("an@gmail.com0912345678", f"{EMAIL}{PHONE}"),
        (
            "Theo Quyết định số 1234/QĐ-UBND, ông A (SĐT 0912 345 678) được hỗ trợ 1.500.000 đồng.",
            f"Theo Quyết định số 1234/QĐ-UBND, ông A (SĐT {PHONE}) được hỗ trợ 1.500.000 đồng.",
        ),
        ("", ""),
        ("Không có dữ liệu cá nhân.", "Không có dữ liệu cá nhân."),
    ],
)
def test_mask(text, masked):
    assert mask(text) == masked


def test_mask_uses_given_findings():
    text = "SĐT 0912345678 và 0987654321"
    only_first = find_personal_data(text)[:1]
    assert mask(text, only_first) == f"SĐT {PHONE} và 0987654321"
    assert mask(text, []) == text


@pytest.mark.parametrize(
    "finding",
    [
        Finding(Kind.PHONE, 4, 14, "0987654321"),  # computed on another version of the text
        Finding(Kind.PHONE, 4, 40, "0912345678"),
        Finding(Kind.PHONE, 4, 4, ""),
    ],
)
def test_findings_that_do_not_fit_the_text_are_refused(finding):
    with pytest.raises(ValueError):
        mask("SĐT 0912345678", [finding])


def test_overlapping_given_findings_are_refused():
    text = "SĐT 0912345678"
    findings = [Finding(Kind.PHONE, 4, 14, "0912345678"), Finding(Kind.ID_NUMBER, 5, 14, text[5:])]
    with pytest.raises(ValueError):
        highlight_segments(text, findings)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Không có dữ liệu cá nhân.",
        "0912345678",
        "CCCD 094123456789",
        "an@gmail.com0912345678,094123456789 và 365123456.",
        "Ông An (SĐT: +84 912-345-678, email an.nguyen@gmail.com.) phản ánh ngày 26/11/2026.",
    ],
)
def test_highlight_segments_round_trip(text):
    segments = highlight_segments(text)
    assert "".join(s for s, _ in segments) == text
    assert all(s for s, _ in segments)
    marked = [(k, s) for s, k in segments if k is not None]
    assert marked == found(text)


def test_highlight_segments_alternate_plain_and_marked():
    text = "SĐT 0912345678, email an@gmail.com."
    assert highlight_segments(text) == [
        ("SĐT ", None),
        ("0912345678", Kind.PHONE),
        (", email ", None),
        ("an@gmail.com", Kind.EMAIL),
        (".", None),
    ]
    assert highlight_segments("") == []
    assert highlight_segments("Không có gì") == [("Không có gì", None)]


KNOWN = Known(
    full_name="Nguyễn Thị Hoa",
    address="Ấp Phú Hữu, xã An Hiệp, huyện Châu Thành",
    phone="0912345678",
    email="hoa.nguyen@example.com",
    id_number="094123456789",
    tax_code="2200123456-001",
)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Trả lời bà Nguyễn Thị Hoa về việc cấp sổ.", "Trả lời bà [họ tên đã ẩn] về việc cấp sổ."),
        ("Ý kiến của NGUYỄN THỊ HOA.", "Ý kiến của [họ tên đã ẩn]."),
        ("gửi nguyen thi hoa", "gửi [họ tên đã ẩn]"),
        ("Nguyễn  Thị\nHoa đề nghị", "[họ tên đã ẩn] đề nghị"),
        # Decomposed (NFD) input: the marks go with their letters.
        (
            unicodedata.normalize("NFD", "bà Nguyễn Thị Hoa."),
            unicodedata.normalize("NFD", "bà") + " [họ tên đã ẩn].",
        ),
        ("Nhà ở ap phu huu, xa an hiep, huyen chau thanh.", "Nhà ở [địa chỉ đã ẩn]."),
        ("Đường vào Ấp Phú Hữu bị ngập.", "Đường vào [địa chỉ đã ẩn] bị ngập."),
        ("Huyện Châu Thành đã chỉ đạo.", "Huyện Châu Thành đã chỉ đạo."),  # everyone's district
        ("Cầu Quay và đường Lê Lợi", "Cầu Quay và đường Lê Lợi"),  # not cậu, not dượng
        ("MST 2200123456 - 001 của hộ kinh doanh", "MST [mã số thuế đã ẩn] của hộ kinh doanh"),
        (
            "gọi 84 912 345 678 hoặc HOA.NGUYEN@EXAMPLE.COM",
            "gọi [số điện thoại đã ẩn] hoặc [email đã ẩn]",
        ),
        ("CCCD 0941 2345 6789", "CCCD [số định danh đã ẩn]"),
        ("Hoa sen nở ở hồ.", "Hoa sen nở ở hồ."),  # the given name alone is a word
    ],
)
def test_what_is_known_of_the_submitter_is_found_in_any_form(text, masked):
    assert mask(text, known=KNOWN) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Kính gửi ông Trần Văn Bình.", "Kính gửi ông [họ tên đã ẩn]."),
        (
            "Ông Lê Minh đã nhận. Bà Sáu cũng vậy.",
            "Ông [họ tên đã ẩn] đã nhận. Bà [họ tên đã ẩn] cũng vậy.",
        ),
        (
            "anh Tuấn, chị Lan và em Út",
            "anh [họ tên đã ẩn], chị [họ tên đã ẩn] và em [họ tên đã ẩn]",
        ),
        ("CÔ PHẠM THỊ MAI dạy lớp 3", "CÔ [họ tên đã ẩn] dạy lớp 3"),
        ("chú Bảy, bác Hai, cụ Tư", "chú [họ tên đã ẩn], bác [họ tên đã ẩn], cụ [họ tên đã ẩn]"),
        ("ông A được hỗ trợ", "ông A được hỗ trợ"),  # already anonymised
        ("bà con trong ấp", "bà con trong ấp"),  # no capital: not a name
        ("gửi ông. Sau đó", "gửi ông. Sau đó"),  # a new sentence is not a name
        ("chị em phụ nữ", "chị em phụ nữ"),
    ],
)
def test_names_after_a_form_of_address_are_masked(text, masked):
    assert mask(text) == masked
