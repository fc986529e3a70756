import unicodedata

import pytest

from intake.core.contact import is_valid_id_number, is_valid_tax_code, normalise_vn_phone
from intake.core.text import fold, nfc


def test_nfc_stores_one_form_of_vietnamese():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn An")
    assert decomposed != "Nguyễn Văn An"
    assert nfc(f"  {decomposed} ") == "Nguyễn Văn An"


def test_nfc_drops_control_characters_but_keeps_line_breaks():
    assert nfc("Dòng 1\x00\x07\nDòng\t2\r\n") == "Dòng 1\nDòng\t2"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Văn An", "nguyen van an"),
        ("ĐẤT ĐAI", "dat dai"),
        (unicodedata.normalize("NFD", "Thạch Thị Sa Ri"), "thach thi sa ri"),
        ("  Sóc   Trăng ", "soc trang"),
    ],
)
def test_fold_ignores_diacritics_and_case(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("0299 3822 456", "02993822456"),
        ("+1 202 555 0173", "+12025550173"),
        ("123", None),
        ("0123456789", None),
        ("not a phone", None),
        ("", None),
    ],
)
def test_phone_numbers(raw, normalised):
    assert normalise_vn_phone(raw) == normalised


def test_tax_codes_and_id_numbers():
    assert is_valid_tax_code("2200123456")
    assert is_valid_tax_code("2200123456-001")
    assert is_valid_tax_code("094123456789")
    assert not is_valid_tax_code("22001234")
    assert is_valid_id_number("094123456789")
    assert is_valid_id_number("365123456")
    assert not is_valid_id_number("36512345a")
