"""What a gateway charges (GSM-7 or UCS-2 parts), the unaccented form, the mobile test, and
the Art. 7 contact rule: pure functions, no app."""

import pytest

from intake.core.contact import missing_contact, mobile_e164
from intake.core.sms import GSM7, UCS2, count, unaccented


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", GSM7, 0),
        ("a" * 160, GSM7, 1),
        ("a" * 161, GSM7, 2),
        ("a" * 306, GSM7, 2),  # 2 x 153
        ("a" * 307, GSM7, 3),
        ("€" * 80, GSM7, 1),  # extension characters take two septets: 160
        ("€" * 81, GSM7, 2),
        ("ă" * 70, UCS2, 1),
        ("ă" * 71, UCS2, 2),
        ("ă" * 134, UCS2, 2),  # 2 x 67
        ("ă" * 135, UCS2, 3),
        ("😀" * 35, UCS2, 1),  # outside the BMP: two UTF-16 units each
        ("😀" * 36, UCS2, 2),
    ],
)
def test_segments_as_a_gateway_counts_them(text, encoding, segments):
    result = count(text)
    assert (result.encoding, result.segments) == (encoding, segments)


def test_an_extension_character_never_straddles_two_parts():
    # 152 septets, then "€" (2): it does not fit in the 153 of part one and starts part two.
    text = "a" * 152 + "€" + "a" * 152
    assert count(text).units == 306
    assert count(text).segments == 3


def test_one_accented_letter_makes_the_whole_text_ucs2():
    assert count("Da tiep nhan").encoding == GSM7
    assert count("Đã tiếp nhận").encoding == UCS2


def test_unaccented_vietnamese_fits_the_gsm_alphabet():
    assert unaccented("Đã tiếp nhận phản ánh, kiến nghị – Sóc Trăng") == (
        "Da tiep nhan phan anh, kien nghi - Soc Trang"
    )
    receipt = (
        "Đã tiếp nhận PAKN-2026-K7Q4-M9XD. Mã tra cứu: K7Q4M-9XD2A (giữ kín). "
        "Xem tại https://pakn.soctrang.gov.vn/track?code=PAKN-2026-K7Q4-M9XD"
    )
    assert count(receipt).segments == 3  # 136 UTF-16 units: more than 2 x 67
    assert count(unaccented(receipt)).segments == 1


@pytest.mark.parametrize(
    ("phone", "mobile"),
    [
        ("0912345678", "84912345678"),
        ("+84 386 123 456", "84386123456"),
        ("02993822456", None),  # a landline in Sóc Trăng
        ("+12025550173", None),  # not Vietnamese
        ("", None),
        (None, None),
    ],
)
def test_sms_go_only_to_vietnamese_mobiles(phone, mobile):
    assert mobile_e164(phone) == mobile


@pytest.mark.parametrize(
    ("phone", "postal", "email", "electronic", "missing"),
    [
        ("0912345678", None, None, False, None),  # by phone or on paper: a phone suffices
        (None, "Số 1 Trần Hưng Đạo", None, False, None),
        (None, None, "a@b.vn", False, "phone"),
        (None, None, None, False, "phone"),
        ("0912345678", None, None, True, "email"),  # electronically: e-mail or postal address
        ("0912345678", None, "a@b.vn", True, None),
        (None, "Số 1 Trần Hưng Đạo", None, True, None),  # a postal address alone always does
        (None, None, "a@b.vn", True, "phone"),
    ],
)
def test_the_art_7_contact_rule(phone, postal, email, electronic, missing):
    assert (
        missing_contact(phone=phone, postal_address=postal, email=email, electronic=electronic)
        == missing
    )
