"""The rules of the submission form of Art. 7, once, for every door that takes a new item:
the web form (``intake.web.submission_form``) and the client apps' API
(``intake.api.submissions``). What is required, how long each text may be, the formats of the
phone, tax code and ID number, and the rules over several fields (an organisation names
itself, a petition proposes a solution, Art. 7's contact rule of ``missing_contact``).

Each check returns the message to show (a lazy Vietnamese string translated by Flask-Babel),
or ``None`` when the value is fine; ``check_submission`` runs them all over a mapping of values
and returns the messages by field."""

from __future__ import annotations

from collections.abc import Mapping

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from intake.cases.models import CaseKind, SubmitterType
from intake.core.contact import (
    is_valid_id_number,
    is_valid_tax_code,
    missing_contact,
    normalise_vn_phone,
)
from intake.forms import length

REQUIRED = _l("Vui lòng nhập thông tin này.")
NEED_PHONE_OR_POST = _l("Vui lòng nhập số điện thoại hoặc cho biết địa chỉ nhận thư.")
NEED_EMAIL_OR_POST = _l(
    "Gửi trực tuyến cần thư điện tử hoặc địa chỉ nhận thư (bưu điện): vui lòng nhập một trong hai."
)
NEED_ORGANISATION_NAME = _l("Vui lòng nhập tên tổ chức, doanh nghiệp.")
BAD_TAX_CODE = _l("Mã số thuế gồm 10 chữ số (hoặc 10 chữ số, dấu gạch ngang và 3 chữ số).")
BAD_PHONE = _l("Số điện thoại không hợp lệ. Ví dụ đúng: 0912 345 678 hoặc 0299 3822 456.")
BAD_ID_NUMBER = _l("Số CCCD gồm 12 chữ số (CMND cũ: 9 chữ số).")
BAD_EMAIL = _l("Địa chỉ thư điện tử không hợp lệ.")
NEED_SOLUTION = _l("Kiến nghị cần nêu giải pháp đề xuất.")
NEED_DECLARATION = _l("Bạn cần xác nhận cam đoan này để gửi.")

#: The texts that must be given.
REQUIRED_FIELDS = ("full_name", "address", "title", "content")
#: Each text's length, (min, max) in characters; -1: no minimum.
LENGTHS: dict[str, tuple[int, int]] = {
    "organisation_name": (-1, 255),
    "tax_code": (-1, 20),
    "full_name": (2, 255),
    "address": (5, 500),
    "phone": (-1, 25),
    "email": (-1, 255),
    "postal_address": (5, 500),
    "id_number": (-1, 20),
    "title": (5, 300),
    "content": (20, 20000),
    "proposed_solution": (-1, 20000),
}


def length_message(name: str, value: str | None):
    """The length rule's message when ``value`` (given) is too short or too long."""
    low, high = LENGTHS[name]
    if not value or (len(value) >= low and len(value) <= high):
        return None
    return length(min=low, max=high).message


def organisation_name_error(submitter_type: str | None, value: str | None):
    if submitter_type == SubmitterType.ORGANISATION.value and not value:
        return NEED_ORGANISATION_NAME
    return None


def tax_code_error(value: str | None):
    return BAD_TAX_CODE if value and not is_valid_tax_code(value) else None


def id_number_error(value: str | None):
    return BAD_ID_NUMBER if value and not is_valid_id_number(value) else None


def phone_value(value: str | None) -> tuple[str | None, object | None]:
    """(the number in its canonical form, or the message when it is not a number)."""
    if not value:
        return value, None
    normalised = normalise_vn_phone(value)
    return (normalised, None) if normalised is not None else (value, BAD_PHONE)


def email_error(value: str | None):
    if not value:
        return None
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return BAD_EMAIL
    return None


def proposed_solution_error(kind: str | None, value: str | None):
    return NEED_SOLUTION if kind == CaseKind.PETITION.value and not value else None


def contact_error(
    *, phone: str | None, postal_address: str | None, email: str | None, electronic: bool
) -> tuple[str, object] | None:
    """Art. 7's contact rule: (the field to point at, its message), or None when it is met."""
    missing = missing_contact(
        phone=phone, postal_address=postal_address, email=email, electronic=electronic
    )
    if missing == "phone":
        return "phone", NEED_PHONE_OR_POST
    if missing == "email":
        return "email", NEED_EMAIL_OR_POST
    return None


def check_submission(values: Mapping, *, electronic: bool) -> tuple[dict, dict[str, list]]:
    """Every rule over ``values`` (the form's names; texts stripped, ``None`` when not given):
    (the values with the phone in its canonical form, the messages by field name)."""
    values = dict(values)
    errors: dict[str, list] = {}

    def add(name: str, message) -> None:
        if message is not None:
            errors.setdefault(name, []).append(message)

    for name in REQUIRED_FIELDS:
        if not values.get(name):
            add(name, REQUIRED)
    for name in LENGTHS:
        add(name, length_message(name, values.get(name)))
    values["phone"], phone_message = phone_value(values.get("phone"))
    add("phone", phone_message)
    add("email", email_error(values.get("email")))
    add("tax_code", tax_code_error(values.get("tax_code")))
    add("id_number", id_number_error(values.get("id_number")))
    add(
        "organisation_name",
        organisation_name_error(values.get("submitter_type"), values.get("organisation_name")),
    )
    add(
        "proposed_solution",
        proposed_solution_error(values.get("kind"), values.get("proposed_solution")),
    )
    if not values.get("declared_truthful"):
        add("declared_truthful", NEED_DECLARATION)
    contact = contact_error(
        phone=values.get("phone") if "phone" not in errors else "",
        postal_address=values.get("postal_address"),
        email=values.get("email"),
        electronic=electronic,
    )
    if contact is not None and contact[0] not in errors:
        add(*contact)
    return values, errors
