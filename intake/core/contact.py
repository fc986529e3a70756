"""Checks on the identity and contact details that Art. 7 of Decree 20/2008 makes mandatory."""

from __future__ import annotations

import re

import phonenumbers

_TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$|^\d{12}$")
_ID_NUMBER = re.compile(r"^(\d{12}|\d{9})$")


def normalise_vn_phone(text: str) -> str | None:
    """A valid Vietnamese (or international) number in a canonical form, else ``None``.

    Vietnamese numbers are kept in the national form people recognise (``0912 345 678`` becomes
    ``0912345678``); a foreign number keeps its ``+`` form."""
    cleaned = (text or "").strip()
    if not cleaned or len(cleaned) > 25:
        return None
    try:
        number = phonenumbers.parse(cleaned, "VN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if number.country_code == 84:
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return re.sub(r"\D", "", national)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_valid_tax_code(text: str) -> bool:
    """Mã số thuế: 10 digits, 10 digits and a 3-digit branch suffix, or a 12-digit personal ID."""
    return bool(_TAX_CODE.match((text or "").strip()))


def is_valid_id_number(text: str) -> bool:
    """Căn cước công dân (12 digits) or the old chứng minh nhân dân (9 digits)."""
    return bool(_ID_NUMBER.match((text or "").strip()))
