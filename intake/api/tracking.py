"""Following an item with its code and access key, and the citizen's verbs through the API:
what the tracking page (``intake.public.tracking``) shows and offers, as JSON.

The access key travels in the ``X-Access-Key`` header, never in the URL (URLs land in logs).
A wrong key is 404, the same as an unknown code; failures are counted like the page's, per
(code, client address) and per client address, so guessing is slowed for the guesser only.

No client key is needed: the code and access key are the citizen's own proof, so a citizen's
app (or a script of theirs) may follow its items without being a registered client. A key
that is presented must be valid (401 otherwise), and calls with one count against its limit;
calls without one count per client address."""

from __future__ import annotations

from flask import abort, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from intake import clock
from intake.api import bodies
from intake.api.auth import current_key, missing_key_message, presented_key
from intake.api.fields import LocalDateTime, Text
from intake.api.outcomes import value_or_problem
from intake.api.problems import ProblemError, ProblemSchema
from intake.cases import labels
from intake.cases.models import Case
from intake.cases.operations import find_tracked_case
from intake.cases.queries import public_history
from intake.cases.verbs import CITIZEN, VERBS, available_actions
from intake.core.calendar import last_local_day
from intake.core.reference import normalise_access_key, normalise_reference_code
from intake.extensions import db
from intake.web import throttle
from intake.web.lifecycle import perform

blp = Blueprint(
    "api_tracking",
    __name__,
    url_prefix="/items",
    description="Theo dõi phản ánh, kiến nghị bằng mã và mã tra cứu. Following an item "
    "with its code and access key (X-Access-Key).",
)

ACCESS_KEY_HEADER = "X-Access-Key"
PROBLEM = {"schema": ProblemSchema, "content_type": "application/problem+json"}
ACCESS_KEY_PARAMETER = {
    "in": "header",
    "name": ACCESS_KEY_HEADER,
    "required": True,
    "schema": {"type": "string", "maxLength": 40},
    "description": "Mã tra cứu trong phiếu tiếp nhận. The access key from the receipt.",
}
SECURITY = [{}, {"clientKey": []}]  # no key needed; a key presented must be valid


class EventSchema(Schema):
    at = LocalDateTime(required=True)
    kind = fields.String(required=True, metadata={"example": "submit"})
    label = fields.String(required=True, metadata={"example": "Tiếp nhận"})
    unit = fields.String(allow_none=True, metadata={"description": "The unit it names, if any."})


class AnswerSchema(Schema):
    text = fields.String(required=True)
    unit = fields.String(allow_none=True)
    published_at = LocalDateTime(allow_none=True)


class TriageEndSchema(Schema):
    reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    agency = fields.String(allow_none=True, metadata={"description": "Transferred to."})
    letter_number = fields.String(allow_none=True)


class TrackedItemSchema(Schema):
    reference_code = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["phan_anh", "kien_nghi"]})
    channel = fields.String(required=True, metadata={"example": "app"})
    state = fields.String(required=True, metadata={"example": "in_progress"})
    state_label = fields.String(required=True)
    state_explanation = fields.String(required=True)
    received_at = LocalDateTime(required=True)
    triage_due_on = fields.Date(allow_none=True, metadata={"description": "While awaiting triage."})
    answer_due_on = fields.Date(allow_none=True, metadata={"description": "While open."})
    lead_unit = fields.String(allow_none=True)
    history = fields.List(fields.Nested(EventSchema), required=True)
    answer = fields.Nested(AnswerSchema, allow_none=True)
    rating_score = fields.Integer(allow_none=True)
    triage_end = fields.Nested(TriageEndSchema, allow_none=True)
    information_requested = fields.String(
        allow_none=True, metadata={"description": "What the office asks for, when it asks."}
    )
    content = fields.String(required=True)
    proposed_solution = fields.String(allow_none=True)
    available_actions = fields.List(
        fields.String(
            validate=validate.OneOf(["provide_info", "withdraw", "rate", "reconsider", "stop_sms"])
        ),
        required=True,
        metadata={"description": "What the citizen may do now (each is a POST below)."},
    )


class InformationSchema(Schema):
    text = Text(load_default=None, allow_none=True, validate=validate.Length(max=20000))
    attachments = fields.List(fields.Nested(bodies.AttachmentSchema), load_default=list)


class InformationFormSchema(InformationSchema):
    attachments = bodies.binary_files("Tài liệu bổ sung. Further files.")


class RatingSchema(Schema):
    score = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = Text(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class ReasonSchema(Schema):
    reason = Text(load_default=None, allow_none=True, validate=validate.Length(max=10000))


class RequiredReasonSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=10000))


def _doc(**extra):
    return blp.doc(security=SECURITY, parameters=[ACCESS_KEY_PARAMETER], **extra)


def _errors(view):
    """A verb's errors: broken JSON, a bad key, an unknown item, not now, bad input, limits."""
    for status in (400, 401, 404, 409, 413, 415, 422, 429):
        view = blp.alt_response(status, **PROBLEM)(view)
    return view


def _read_errors(view):
    for status in (401, 404, 429):
        view = blp.alt_response(status, **PROBLEM)(view)
    return view


@blp.route("/<code>", methods=["GET"])
@_doc()
@blp.response(200, TrackedItemSchema)
@_read_errors
def show_item(code: str):
    """Tình trạng phản ánh, kiến nghị. The item as its tracking page shows it.

    Tình trạng, quá trình xử lý công khai, các hạn, kết quả trả lời khi đã công khai và các
    thao tác người gửi có thể làm. State, public history, due dates, the answer once
    published, and what the citizen may do now. A wrong key is 404, like an unknown code."""
    return tracked_item(_tracked_case(code))


def _tracked_case(code: str) -> Case:
    key = presented_key()
    if key is not None and current_key() is None:
        raise ProblemError(401, missing_key_message())
    code = normalise_reference_code(code)[:40]
    access_key = normalise_access_key(request.headers.get(ACCESS_KEY_HEADER, ""))[:40]
    address = throttle.client_address()
    if not (
        throttle.allowed("TRACK_FAILURE_LIMIT", address)
        and throttle.allowed("TRACK_CODE_FAILURE_LIMIT", code, address)
    ):
        abort(429)  # before the key is checked, or the refusal would confirm a right guess
    case = find_tracked_case(code, access_key) if code and access_key else None
    if case is None:
        throttle.count("TRACK_FAILURE_LIMIT", address)
        throttle.count("TRACK_CODE_FAILURE_LIMIT", code, address)
        raise ProblemError(404, _("Không tìm thấy phản ánh, kiến nghị với mã và mã tra cứu này."))
    throttle.forget("TRACK_CODE_FAILURE_LIMIT", code, address)
    return case


def tracked_item(case: Case) -> dict:
    locale = str(get_locale())
    history = db.session.scalars(public_history(case)).all()

    def unit_name(unit):
        return unit.display_name(locale) if unit is not None else None

    events = [
        {
            "at": e.at,
            "kind": e.kind,
            "label": str(labels.EVENT_LABELS.get(e.kind, e.kind)),
            "unit": unit_name(e.unit) if e.kind in labels.EVENTS_NAMING_THE_UNIT else None,
        }
        for e in history
    ]
    actions = available_actions(CITIZEN, case)
    asked = [e for e in history if e.kind == "request_info"]
    triage_end = None
    if case.is_ended_at_triage:
        last = [e for e in history if e.to_state is not None][-1]
        details = last.details or {}
        triage_end = {
            "reason": str(labels.REASON_LABELS.get(last.reason_code, "")) or None,
            "note": last.note,
            "agency": details.get("agency"),
            "letter_number": details.get("letter_number"),
        }
    answered = case.is_answered and case.answer_letter
    return {
        "reference_code": case.reference_code,
        "title": case.title,
        "kind": str(case.kind),
        "channel": str(case.channel),
        "state": str(case.state),
        "state_label": str(labels.STATE_LABELS[case.state]),
        "state_explanation": str(labels.STATE_EXPLANATIONS[case.state]),
        "received_at": case.received_at,
        "triage_due_on": _day(case.triage_due_at) if case.is_awaiting_triage else None,
        "answer_due_on": _day(case.overall_due_at) if case.is_open else None,
        "lead_unit": unit_name(case.lead_unit),
        "history": events,
        "answer": {
            "text": case.answer_letter,
            "unit": unit_name(case.lead_unit),
            "published_at": case.published_at,
        }
        if answered
        else None,
        "rating_score": case.rating_score,
        "triage_end": triage_end,
        "information_requested": asked[-1].note if asked and "provide_info" in actions else None,
        "content": case.content,
        "proposed_solution": case.proposed_solution,
        "available_actions": actions,
    }


def _day(at):
    return last_local_day(at) if at is not None else None


def act(verb_name: str, code: str, inputs: dict) -> dict:
    """The citizen's verb on the item opened with code and key: still available → its
    operation through ``perform`` → the item as it is now; a refusal is 409 or 422."""
    case = _tracked_case(code)
    verb = VERBS[verb_name]
    if not verb.is_available(CITIZEN, case):
        raise ProblemError(409, _("Thao tác này không còn thực hiện được ở tình trạng hiện tại."))
    value_or_problem(
        perform(lambda: verb.operation(case, actor=CITIZEN, now=clock.now(), **inputs))
    )
    return tracked_item(case)


@blp.route("/<code>/information", methods=["POST"])
@_doc(requestBody=bodies.request_body(InformationSchema, InformationFormSchema))
@blp.response(200, TrackedItemSchema)
@_errors
def provide_information(code: str):
    """Bổ sung thông tin khi được đề nghị. Add the information the office asked for.

    Văn bản và/hoặc tệp (base64 trong JSON, hoặc multipart/form-data). Text and/or files,
    while the item waits for them (``provide_info`` in available_actions)."""
    values, uploads = bodies.load_body(InformationSchema())
    return act("provide_info", code, {"text": values["text"] or "", "uploads": uploads})


@blp.route("/<code>/rating", methods=["POST"])
@_doc()
@blp.arguments(RatingSchema)
@blp.response(200, TrackedItemSchema)
@_errors
def rate(values: dict, code: str):
    """Đánh giá kết quả trả lời (1–5). Rate the answer.

    Một lần, sau khi có kết quả trả lời (``rate`` trong available_actions); 4–5 kết thúc hồ
    sơ. Once, after the answer (``rate`` in available_actions); a 4 or 5 closes the item,
    409 when it was rated already."""
    return act("rate", code, {"score": values["score"], "comment": values["comment"]})


@blp.route("/<code>/withdrawal", methods=["POST"])
@_doc()
@blp.arguments(ReasonSchema)
@blp.response(200, TrackedItemSchema)
@_errors
def withdraw(values: dict, code: str):
    """Rút phản ánh, kiến nghị. Withdraw the item.

    Trước khi có kết quả trả lời (``withdraw`` trong available_actions). Before it is
    answered (``withdraw`` in available_actions); 409 afterwards."""
    return act("withdraw", code, {"reason": values["reason"]})


@blp.route("/<code>/reconsideration", methods=["POST"])
@_doc()
@blp.arguments(RequiredReasonSchema)
@blp.response(200, TrackedItemSchema)
@_errors
def reconsider(values: dict, code: str):
    """Đề nghị xem xét lại. Ask for the answer to be reconsidered.

    Một lần, trong thời hạn sau khi có kết quả trả lời, nêu nội dung chưa thỏa đáng. Once,
    within the window after the answer (``reconsider`` in available_actions), with the reason."""
    return act("reconsider", code, {"reason": values["reason"]})


@blp.route("/<code>/sms-stop", methods=["POST"])
@_doc()
@blp.response(200, TrackedItemSchema)
@_errors
def stop_sms(code: str):
    """Ngừng nhận SMS. Stop the SMS notices about this item.

    Các thông báo sau gửi qua thư điện tử, hoặc bằng văn bản qua bưu điện. Later notices go
    by e-mail, or by post without one (``stop_sms`` in available_actions; no body)."""
    return act("stop_sms", code, {})
