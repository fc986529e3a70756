"""``POST /api/v1/items``: a client app submits an item for a citizen, with everything Art. 7
asks (``intake.cases.submission_rules``, the web form's rules) and its files.

The item is logged by the same operation as the web form's (``submit_case``), with channel
"app" and the client's key recorded; the citizen gets the same receipt notice. A client that
retries after a timeout sends the same ``Idempotency-Key`` and gets the same item (and the same
access key) back, never a second item."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from intake import clock
from intake.api import bodies
from intake.api.auth import require_key
from intake.api.fields import LocalDateTime, Text
from intake.api.outcomes import value_or_problem
from intake.api.problems import ProblemError, ProblemSchema
from intake.api_keys.models import KeyKind
from intake.cases import submission_rules as rules
from intake.cases.labels import STATE_LABELS
from intake.cases.models import CaseKind, Channel, SubmitterType
from intake.cases.operations import CaseSubmission, submit_case
from intake.core.calendar import last_local_day
from intake.org import choices
from intake.web.lifecycle import perform

blp = Blueprint(
    "api_items",
    __name__,
    url_prefix="/items",
    description="Gửi phản ánh, kiến nghị (ứng dụng kết nối). Submitting an item (client apps).",
)

IDEMPOTENCY_HEADER = "Idempotency-Key"
LANGUAGES = ("vi", "en")


def _text(name: str, required: bool = False, **kwargs) -> Text:
    """A text of the form; its length is checked by the form's rules, not here."""
    if required:
        kwargs["error_messages"] = {"required": rules.REQUIRED}
    else:
        kwargs["load_default"] = None
    if name not in rules.LENGTHS:
        kwargs["validate"] = validate.Length(max=300)
    return Text(required=required, allow_none=True, **kwargs)


class ItemSubmissionSchema(Schema):
    """What the citizen gives (Art. 7 of Decree 20/2008/NĐ-CP), as on the web form."""

    submitter_type = fields.String(
        load_default=SubmitterType.INDIVIDUAL.value,
        validate=validate.OneOf([t.value for t in SubmitterType]),
        metadata={"description": "Cá nhân hay tổ chức. Individual or organisation."},
    )
    full_name = _text("full_name", required=True, metadata={"example": "Nguyễn Văn An"})
    address = _text(
        "address", required=True, metadata={"example": "12 Lê Lợi, phường 1, TP. Cà Mau"}
    )
    postal_address = _text(
        "postal_address",
        metadata={"description": "Nơi nhận văn bản qua bưu điện. Where letters reach them."},
    )
    phone = _text("phone", metadata={"example": "0912345678"})
    email = _text("email", metadata={"example": "an@example.vn"})
    id_number = _text("id_number", metadata={"description": "Số CCCD/CMND. National ID."})
    organisation_name = _text("organisation_name")
    tax_code = _text("tax_code", metadata={"description": "Mã số thuế. Tax code."})
    kind = fields.String(
        load_default=CaseKind.FEEDBACK.value,
        validate=validate.OneOf([k.value for k in CaseKind]),
        metadata={"description": "phan_anh (phản ánh) or kien_nghi (kiến nghị, with a solution)."},
    )
    title = _text("title", required=True, metadata={"example": "Đèn đường hỏng trên đường Lê Lợi"})
    content = _text(
        "content",
        required=True,
        metadata={"example": "Đèn đường trước số 12 Lê Lợi hỏng đã hai tuần."},
    )
    proposed_solution = _text("proposed_solution", metadata={"description": "For kien_nghi."})
    field_id = fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "Lĩnh vực: an id from GET /api/v1/reference/fields."},
    )
    procedure = _text(
        "procedure",
        metadata={"description": "Mã thủ tục hành chính quốc gia. A procedure's national code."},
    )
    concerned_unit_id = fields.Integer(load_default=None, allow_none=True)
    consent_to_publish = fields.Boolean(load_default=False)
    declared_truthful = fields.Boolean(
        required=True,
        error_messages={"required": rules.NEED_DECLARATION},
        metadata={"description": "Lời cam đoan trung thực (bắt buộc). Must be true."},
    )
    language = fields.String(load_default="vi", validate=validate.OneOf(LANGUAGES))
    attachments = fields.List(
        fields.Nested(bodies.AttachmentSchema),
        load_default=list,
        metadata={"description": "Tối đa 5 tệp, mỗi tệp 10 MB: PDF, JPG, PNG, DOC(X), XLS(X)."},
    )

    @pre_load
    def _blank_is_none(self, data, **kwargs):
        if isinstance(data, dict):
            return {k: (None if v == "" else v) for k, v in data.items()}
        return data

    @validates_schema(skip_on_field_errors=False)
    def _art_7(self, data, **kwargs):
        errors = rules.check_submission(data, electronic=True)[1]
        for name in (*rules.REQUIRED_FIELDS, "declared_truthful"):
            if name not in data:  # missing: said once, by the field itself
                errors.pop(name, None)
        locale = str(get_locale())
        known = {c.value for c in choices.field_choices(locale)}
        if data.get("field_id") is not None and str(data["field_id"]) not in known:
            errors.setdefault("field_id", []).append(_("Lựa chọn không hợp lệ."))
        units = {c.value for c in choices.unit_choices(locale)}
        if (
            data.get("concerned_unit_id") is not None
            and str(data["concerned_unit_id"]) not in units
        ):
            errors.setdefault("concerned_unit_id", []).append(_("Lựa chọn không hợp lệ."))
        if data.get("procedure") and choices.procedure_id_from_option(data["procedure"]) is None:
            errors.setdefault("procedure", []).append(
                _("Vui lòng chọn thủ tục trong danh sách gợi ý, hoặc để trống nếu không rõ.")
            )
        if errors:
            raise ValidationError({k: [str(m) for m in v] for k, v in errors.items()})


class ItemSubmissionFormSchema(ItemSubmissionSchema):
    """The same as a multipart form: files as ``attachments`` parts."""

    attachments = bodies.binary_files("Tệp đính kèm (tối đa 5). Files, up to 5.")


class ItemReceiptSchema(Schema):
    reference_code = fields.String(required=True, metadata={"example": "PAKN-2026-7K3M9Q2X"})
    access_key = fields.String(
        required=True,
        metadata={
            "description": "Mã tra cứu: shown to the citizen, never stored by the server in "
            "clear. Needed to follow the item (X-Access-Key)."
        },
    )
    state = fields.String(required=True, metadata={"example": "received"})
    state_label = fields.String(required=True)
    received_at = LocalDateTime(required=True)
    triage_due_on = fields.Date(
        required=True,
        metadata={"description": "Hạn phân loại, chuyển xử lý. The day triage is due by."},
    )
    created = fields.Boolean(
        required=True, metadata={"description": "False when the Idempotency-Key was seen before."}
    )
    url = fields.String(required=True, metadata={"description": "Where to follow the item."})


EXAMPLE = {
    "submitter_type": "individual",
    "full_name": "Nguyễn Văn An",
    "address": "12 Lê Lợi, phường 1, TP. Sóc Trăng",
    "phone": "0912 345 678",
    "email": "an@example.vn",
    "kind": "phan_anh",
    "title": "Đèn đường hỏng trên đường Lê Lợi",
    "content": "Đèn đường trước nhà số 12 Lê Lợi đã hỏng hai tuần, buổi tối rất tối.",
    "consent_to_publish": True,
    "declared_truthful": True,
    "attachments": [
        {
            "filename": "hien-trang.pdf",
            "content_type": "application/pdf",
            "data": "JVBERi0xLjQKJeLjz9MKMSAwIG9iajw8Pj5lbmRvYmoKdHJhaWxlcjw8Pj4KJSVFT0YK",
        }
    ],
}

IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": IDEMPOTENCY_HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
    "description": "Một giá trị duy nhất cho mỗi phản ánh (ví dụ UUID): gửi lại với cùng giá trị "
    "trả về cùng phản ánh. A unique value per item (a UUID): retrying with it never creates "
    "a second item.",
}


@blp.route("", methods=["POST"])
@blp.doc(
    security=[{"clientKey": []}],
    parameters=[IDEMPOTENCY_PARAMETER],
    requestBody=bodies.request_body(
        ItemSubmissionSchema, ItemSubmissionFormSchema, example=EXAMPLE
    ),
)
@blp.response(201, ItemReceiptSchema, headers={"Location": {"schema": {"type": "string"}}})
@blp.alt_response(200, schema=ItemReceiptSchema, description="The same Idempotency-Key again.")
@blp.alt_response(400, schema=ProblemSchema, content_type="application/problem+json")
@blp.alt_response(401, schema=ProblemSchema, content_type="application/problem+json")
@blp.alt_response(403, schema=ProblemSchema, content_type="application/problem+json")
@blp.alt_response(413, schema=ProblemSchema, content_type="application/problem+json")
@blp.alt_response(415, schema=ProblemSchema, content_type="application/problem+json")
@blp.alt_response(422, schema=ProblemSchema, content_type="application/problem+json")
def submit_item():
    """Gửi phản ánh, kiến nghị. Submit an item for a citizen.

    Nội dung theo Điều 7 Nghị định 20/2008/NĐ-CP, kiểm tra như biểu mẫu trên trang web; tệp
    đính kèm dạng base64 (JSON) hoặc multipart/form-data. Trả về mã phản ánh và mã tra cứu
    (chỉ một lần). The content of Art. 7, checked as the web form checks it; files as base64
    objects (JSON) or multipart parts. Answers the code and the access key, shown this once:
    give both to the citizen. Send an Idempotency-Key to retry safely."""
    key = require_key(KeyKind.CLIENT)
    token = _submission_token(key.id, request.headers.get(IDEMPOTENCY_HEADER))
    values, uploads = bodies.load_body(ItemSubmissionSchema())
    procedure_id = choices.procedure_id_from_option(values["procedure"] or "") or None
    submission = CaseSubmission(
        submitter_type=SubmitterType(values["submitter_type"]),
        organisation_name=values["organisation_name"],
        tax_code=values["tax_code"],
        full_name=values["full_name"],
        address=values["address"],
        phone=rules.phone_value(values["phone"])[0],
        email=values["email"],
        postal_address=values["postal_address"],
        id_number=values["id_number"],
        kind=CaseKind(values["kind"]),
        title=values["title"],
        content=values["content"],
        proposed_solution=values["proposed_solution"],
        field_id=values["field_id"],
        procedure_id=procedure_id,
        concerned_unit_id=values["concerned_unit_id"],
        consent_to_publish=values["consent_to_publish"],
        declared_truthful=values["declared_truthful"],
        language=values["language"],
        channel=Channel.APP,
        client_key_id=key.id,
        uploads=uploads,
    )
    result = value_or_problem(
        perform(
            lambda: submit_case(
                submission,
                actor="citizen",
                now=clock.now(),
                calendar=None,
                submission_token=token,
            )
        )
    )
    case = result.case
    url = f"{request.script_root}/api/v1/items/{case.reference_code}"
    body = {
        "reference_code": case.reference_code,
        "access_key": result.access_key,
        "state": str(case.state),
        "state_label": str(STATE_LABELS[case.state]),
        "received_at": case.received_at,
        "triage_due_on": last_local_day(case.triage_due_at),
        "created": result.created,
        "url": url,
    }
    headers = {"Location": url, "Cache-Control": "no-store"}
    return body, (201 if result.created else 200), headers


def _submission_token(key_id: int, value: str | None) -> str | None:
    """The client's Idempotency-Key as the item's submission token: keyed by the server's
    secret and the client's key, so that no other client (nor a web form) can name it."""
    if value is None:
        return None
    if not 1 <= len(value) <= 255 or not all(0x21 <= ord(c) <= 0x7E for c in value):
        message = _("Idempotency-Key: từ 1 đến 255 ký tự ASCII in được, không có khoảng trắng.")
        raise ProblemError(
            422, message, errors=[{"field": f"header.{IDEMPOTENCY_HEADER}", "message": message}]
        )
    secret = current_app.config["SECRET_KEY"].encode()
    mac = hmac.new(secret, f"api-item:{key_id}:{value}".encode(), hashlib.sha256)
    return "app-" + mac.hexdigest()[:60]
