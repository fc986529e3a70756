"""What the officers' API answers: a case in a queue's list, a case in full (as the case page
shows it), the tabs of a queue. Dumped from plain dicts built in ``views`` below."""

from __future__ import annotations

from marshmallow import Schema, fields

from intake.api.fields import LocalDateTime, NamedSchema


class CaseSummarySchema(Schema):
    code = fields.String(required=True, metadata={"example": "PAKN-2026-000123"})
    version = fields.Integer(required=True, metadata={"description": "Send it with an action."})
    state = fields.String(required=True)
    state_label = fields.String(required=True)
    kind = fields.String(required=True)
    priority = fields.String(required=True)
    channel = fields.String(required=True)
    title = fields.String(required=True)
    received_at = LocalDateTime(required=True)
    field = fields.Nested(NamedSchema, allow_none=True)
    lead_unit = fields.Nested(NamedSchema, allow_none=True)
    handler = fields.Nested(NamedSchema, allow_none=True)
    bounce_count = fields.Integer(required=True, metadata={"description": "Times returned."})
    triage_due_at = LocalDateTime(allow_none=True)
    step_due_at = LocalDateTime(allow_none=True)
    overall_due_at = LocalDateTime(allow_none=True)
    working_days_left = fields.Integer(
        allow_none=True,
        metadata={
            "description": "Working days to the current step's due day (0: today, negative: "
            "overdue), as the queue's badges show."
        },
    )


class TabSchema(Schema):
    tab = fields.String(required=True, metadata={"example": "to_classify"})
    label = fields.String(required=True)
    count = fields.Integer(required=True, metadata={"description": "With the same filters."})


class QueueSchema(Schema):
    queue = fields.String(required=True, metadata={"enum": ["intake", "unit"]})
    tabs = fields.List(fields.Nested(TabSchema), required=True)


class CaseEventSchema(Schema):
    seq = fields.Integer(required=True)
    kind = fields.String(required=True)
    at = LocalDateTime(required=True)
    actor = fields.String(allow_none=True, metadata={"description": "An officer's name, or "
                          "citizen / system."})  # fmt: skip
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    unit = fields.Nested(NamedSchema, allow_none=True)
    reason_code = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    details = fields.Dict(required=True)
    is_public = fields.Boolean(required=True)


class ClockSchema(Schema):
    step = fields.String(required=True)
    status = fields.String(required=True)
    unit = fields.Nested(NamedSchema, allow_none=True)
    started_at = LocalDateTime(required=True)
    due_at = LocalDateTime(required=True)
    paused_at = LocalDateTime(allow_none=True)
    ended_at = LocalDateTime(allow_none=True)
    on_time = fields.Boolean(allow_none=True)
    working_days = fields.Integer(required=True)
    extension_working_days = fields.Integer(required=True)
    extension_status = fields.String(allow_none=True)


class AttachmentInfoSchema(Schema):
    id = fields.Integer(required=True)
    purpose = fields.String(required=True)
    name = fields.String(required=True)
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    uploaded_at = LocalDateTime(required=True)


class CooperationSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "request_id of a reply."})
    unit = fields.Nested(NamedSchema, required=True)
    status = fields.String(required=True)
    question = fields.String(required=True)
    requested_at = LocalDateTime(required=True)
    due_at = LocalDateTime(required=True)
    reply = fields.String(allow_none=True)
    replied_at = LocalDateTime(allow_none=True)


class SubmitterSchema(Schema):
    type = fields.String(required=True)
    full_name = fields.String(required=True)
    organisation_name = fields.String(allow_none=True)
    tax_code = fields.String(allow_none=True)
    address = fields.String(required=True)
    postal_address = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    id_number = fields.String(allow_none=True)
    language = fields.String(required=True)


class CaseDetailSchema(CaseSummarySchema):
    content_class = fields.String(allow_none=True)
    procedure = fields.Nested(NamedSchema, allow_none=True)
    national_code = fields.String(allow_none=True)
    submitter = fields.Nested(SubmitterSchema, required=True)
    content = fields.String(required=True)
    proposed_solution = fields.String(allow_none=True)
    consent_to_publish = fields.Boolean(required=True)
    duplicate_of = fields.String(allow_none=True, metadata={"description": "The original's code."})
    answer_public_text = fields.String(allow_none=True)
    answer_letter = fields.String(allow_none=True)
    answer_submitted_at = LocalDateTime(allow_none=True)
    published_title = fields.String(allow_none=True)
    published_content = fields.String(allow_none=True)
    published_answer = fields.String(allow_none=True)
    published_at = LocalDateTime(allow_none=True)
    rating_score = fields.Integer(allow_none=True)
    rating_comment = fields.String(allow_none=True)
    answered_at = LocalDateTime(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)
    available_actions = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "The verbs this officer may do now: POST …/actions/<verb>."},
    )
    history = fields.List(fields.Nested(CaseEventSchema), required=True)
    clocks = fields.List(fields.Nested(ClockSchema), required=True)
    attachments = fields.List(fields.Nested(AttachmentInfoSchema), required=True)
    cooperation_requests = fields.List(fields.Nested(CooperationSchema), required=True)


class ActionResultSchema(Schema):
    verb = fields.String(required=True)
    message = fields.String(required=True, metadata={"description": "What the page would say."})
    case = fields.Nested(
        CaseSummarySchema,
        allow_none=True,
        metadata={"description": "The case now; null once the officer no longer sees it."},
    )
    access_key = fields.String(
        metadata={"description": "reissue_key only: the citizen's new key, shown once."}
    )
