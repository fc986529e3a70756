"""Every API error in one format: problem details (RFC 9457, ``application/problem+json``).

``{"type": "about:blank", "title": "Not Found", "status": 404, "detail": "…"}``; input errors
add ``errors``: one object per field (``{"field": "body.title", "message": "…"}``), so that a
client can put each message beside its own input. ``title`` is the HTTP status's name (stable,
for programs); ``detail`` is for people, in the language of ``Accept-Language`` (vi or en)."""

from __future__ import annotations

from apispec import BasePlugin
from flask import Flask, jsonify
from flask_babel import gettext as _
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

MEDIA_TYPE = "application/problem+json"


class ProblemFieldSchema(Schema):
    field = fields.String(metadata={"description": "Where: body.<name>, query.<name>, …"})
    message = fields.String()


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(metadata={"example": "about:blank"})
    title = fields.String(metadata={"example": "Unprocessable Content"})
    status = fields.Integer(metadata={"example": 422})
    detail = fields.String()
    errors = fields.List(fields.Nested(ProblemFieldSchema))


SPEC_OPTIONS = {
    "info": {
        "description": (
            "Tiếp nhận, theo dõi và xử lý phản ánh, kiến nghị (PAKN) về quy định hành chính. "
            "Receiving, following and handling citizens' feedback and petitions. "
            "Errors are problem details (RFC 9457); times are ISO 8601 with offset."
        ),
    },
}


def problem(status: int, detail: str | None = None, errors: list[dict] | None = None, **extra):
    """The response for ``status``; the caller returns it (or raises ``ProblemError``)."""
    body = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail or _default_detail(status),
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = MEDIA_TYPE
    return response


class ProblemError(HTTPException):
    """Raised by the API's views to answer a problem with a message of their own."""

    def __init__(self, status: int, detail: str, errors: list[dict] | None = None):
        super().__init__(description=detail)
        self.code = status
        self.errors = errors


def from_exception(error: HTTPException):
    """Any HTTP error under the API's prefix, including webargs' validation errors (422)."""
    errors = getattr(error, "errors", None)
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    if messages and not errors:
        errors = list(_flatten(messages))
    detail = error.description if isinstance(error, ProblemError) else None
    if detail is None and errors:
        detail = _("Dữ liệu gửi lên chưa hợp lệ: xem từng lỗi trong “errors”.")
    response = problem(error.code or 500, detail, errors)
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    retry_after = getattr(error, "retry_after", None)
    if error.code == 429 and retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _flatten(messages, path: str = ""):
    """webargs' nested ``{"json": {"title": ["…"]}}`` as ``body.title: …`` entries."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = {"json": "body", "form": "body", "files": "body"}.get(str(key), str(key))
            yield from _flatten(value, f"{path}.{name}" if path else name)
    elif isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            for message in messages:
                yield {"field": path, "message": message}
        else:
            for index, value in enumerate(messages):
                yield from _flatten(value, f"{path}[{index}]")
    else:
        yield {"field": path, "message": str(messages)}


def _default_detail(status: int) -> str:
    return {
        400: _("Yêu cầu không hợp lệ."),
        401: _("Cần khoá API hợp lệ trong tiêu đề Authorization: Bearer …"),
        403: _("Khoá này không được phép thực hiện thao tác này."),
        404: _("Không tìm thấy."),
        405: _("Phương thức này không được hỗ trợ ở địa chỉ này."),
        409: _("Hồ sơ vừa được cập nhật ở nơi khác."),
        413: _("Dữ liệu gửi lên quá lớn."),
        415: _("Kiểu nội dung không được hỗ trợ."),
        422: _("Dữ liệu gửi lên chưa hợp lệ."),
        429: _("Quá nhiều yêu cầu. Vui lòng thử lại sau."),
    }.get(status, _("Yêu cầu không thể xử lý."))


class RateLimitedOperations(BasePlugin):
    """Every operation of the API counts against a rate limit (the key's, or the client
    address's): each documents its 429, so that a client meets no answer the document hides."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            if isinstance(operation, dict):
                responses = operation.setdefault("responses", {})
                if 429 not in responses and "429" not in responses:
                    responses["429"] = "TOO_MANY_REQUESTS"  # flask-smorest's shared response


def install_spec_plugins(spec) -> None:
    """Before any blueprint is registered: the plugins see every operation."""
    plugin = RateLimitedOperations()
    plugin.init_spec(spec)
    spec.plugins = (*spec.plugins, plugin)


def register(app: Flask, prefix: str) -> None:
    """Answer in problem details under ``prefix``: the app's error handlers ask this."""
    from intake.web import errors

    errors.answer_under(prefix, from_exception)
