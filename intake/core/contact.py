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


def mobile_e164(text: str | None) -> str | None:
    """The number in E.164 without the ``+`` (``84912345678``) when it is a Vietnamese mobile,
    the form brand-name SMS gateways take; ``None`` for a landline, a foreign or a bad number."""
    try:
        number = phonenumbers.parse((text or "").strip(), "VN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 84 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) is not phonenumbers.PhoneNumberType.MOBILE:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def missing_contact(
    *, phone: str | None, postal_address: str | None, email: str | None, electronic: bool
) -> str | None:
    """Art. 7: a phone number or a postal address; an electronic submission also needs an
    e-mail or a postal address. So a postal address alone always suffices, on the web a phone
    needs an e-mail beside it, and on paper or by phone a phone number alone is enough.

    Returns the field to point at (``"phone"`` or ``"email"``) when the rule is not met."""
    if postal_address:
        return None
    if not phone:
        return "phone"
    if electronic and not email:
        return "email"
    return None
