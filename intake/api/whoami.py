"""``GET /api/v1/key``: what the presented key is, so that a developer can check a key
(and its rate limit) before writing anything else."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from intake.api.auth import current_key, missing_key_message
from intake.api.problems import ProblemError, ProblemSchema

blp = Blueprint(
    "api_key",
    __name__,
    url_prefix="/key",
    description="Khoá đang dùng. The key of this request.",
)


class KeySchema(Schema):
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["client", "personal"]})
    prefix = fields.String(required=True, metadata={"description": "The key's first characters."})
    rate_limit = fields.String(required=True, metadata={"example": "120/minute"})
    officer = fields.String(
        allow_none=True, metadata={"description": "For a personal token: the officer's e-mail."}
    )


@blp.route("")
@blp.response(200, KeySchema)
@blp.alt_response(401, schema=ProblemSchema, content_type="application/problem+json")
@blp.doc(security=[{"clientKey": []}, {"officerToken": []}])
def show_key():
    """Khoá của yêu cầu này. The key presented with this request.

    Để kiểm tra khoá và giới hạn số lần gọi trước khi viết tiếp. To check a key and its rate
    limit before writing anything else: 401 without a valid key (or a revoked one)."""
    key = current_key()
    if key is None:
        raise ProblemError(401, missing_key_message())
    return {
        "name": key.name,
        "kind": str(key.kind),
        "prefix": key.prefix,
        "rate_limit": key.rate_limit,
        "officer": key.user.email if key.user is not None else None,
    }
