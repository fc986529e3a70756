"""Request bodies that carry files: JSON with each file as a base64 object, or
``multipart/form-data`` with the files as parts named ``attachments`` (what a browser or
``curl -F`` sends). Both end as the same ``Upload`` list, checked like the web form's files
(``intake.cases.attachments.check_upload``: count, size, real type)."""

from __future__ import annotations

import base64
import binascii

from flask import current_app, request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate

from intake.api.fields import Text
from intake.api.problems import ProblemError, _flatten
from intake.cases.attachments import RejectedUpload, Upload, check_upload
from intake.web.lifecycle import upload_message

JSON = "application/json"
MULTIPART = "multipart/form-data"


class AttachmentSchema(Schema):
    filename = Text(
        required=True,
        validate=validate.Length(min=1, max=255),
        metadata={"example": "hien-trang.pdf"},
    )
    content_type = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=255),
        metadata={
            "description": "Informative only: the type is recognised from the content. "
            "Chỉ để tham khảo: loại tệp được nhận biết từ nội dung.",
            "example": "application/pdf",
        },
    )
    data = fields.String(
        required=True,
        metadata={
            "description": "The file's bytes in base64 (RFC 4648). Nội dung tệp, mã hoá base64.",
            "contentEncoding": "base64",
            "example": "JVBERi0xLjQKJcfsj6IK",
        },
    )


def binary_files(description: str) -> fields.List:
    """The multipart form's ``attachments`` parts, as the document describes them."""
    return fields.List(
        fields.Raw(metadata={"type": "string", "format": "binary"}),
        metadata={"description": description},
    )


def request_body(json_schema: type[Schema], form_schema: type[Schema], **extra) -> dict:
    """The ``requestBody`` of an operation that takes JSON or a multipart form."""
    return {
        "required": True,
        "content": {
            JSON: {"schema": json_schema, **extra},
            MULTIPART: {"schema": form_schema},
        },
    }


def load_body(schema: Schema) -> tuple[dict, list[Upload]]:
    """The body's values, loaded by ``schema`` (without its ``attachments``), and its files;
    422 naming each field that is wrong, 415 for another content type, 400 for broken JSON."""
    if request.mimetype == MULTIPART:
        # A text where the files belong is no file: ignored, as the web form ignores it.
        data: object = {n: request.form.get(n) for n in request.form if n != "attachments"}
        files = [f for f in request.files.getlist("attachments") if f and f.filename]
        raw_files = [Upload(filename=f.filename, data=f.read(_max_bytes() + 1)) for f in files]
    elif request.mimetype == JSON or request.mimetype.endswith("+json"):
        data = request.get_json(silent=True)
        if data is None:
            raise ProblemError(400, _("Nội dung gửi lên không phải JSON hợp lệ."))
        raw_files = None
    else:
        raise ProblemError(415, _("Gửi JSON (application/json) hoặc multipart/form-data."))
    try:
        values = schema.load(data)
    except ValidationError as exc:
        raise ProblemError(422, _invalid(), errors=_flat(exc.messages)) from exc
    if raw_files is None:
        uploads = _decoded(values.pop("attachments", None) or [])
    else:
        values.pop("attachments", None)
        uploads = raw_files
    return values, checked_uploads(uploads)


def _max_bytes() -> int:
    return current_app.config["MAX_ATTACHMENT_BYTES"]


def _decoded(attachments: list[dict]) -> list[Upload]:
    uploads, errors = [], []
    limit = _max_bytes()
    for index, item in enumerate(attachments):
        text = item["data"]
        if len(text) > (limit + 3) // 3 * 4 + 4:
            data = b"x" * (limit + 1)  # too large: check_upload says so, by its name
        else:
            try:
                data = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                errors.append(
                    {
                        "field": f"body.attachments[{index}].data",
                        "message": _("Nội dung tệp phải được mã hoá base64."),
                    }
                )
                continue
        uploads.append(Upload(filename=item["filename"], data=data))
    if errors:
        raise ProblemError(422, _invalid(), errors=errors)
    return uploads


def checked_uploads(uploads: list[Upload]) -> list[Upload]:
    """The files, each checked like the web form's (count, size, type); 422 otherwise."""
    limit = current_app.config["MAX_ATTACHMENTS"]
    if len(uploads) > limit:
        message = _("Chỉ được gửi tối đa %(n)d tệp.", n=limit)
        raise ProblemError(422, message, errors=[{"field": "body.attachments", "message": message}])
    errors = []
    for index, upload in enumerate(uploads):
        try:
            check_upload(upload, _max_bytes())
        except RejectedUpload as exc:
            errors.append({"field": f"body.attachments[{index}]", "message": upload_message(exc)})
    if errors:
        raise ProblemError(422, errors[0]["message"], errors=errors)
    return uploads


def _invalid() -> str:
    return _("Dữ liệu gửi lên chưa hợp lệ: xem từng lỗi trong “errors”.")


def _flat(messages) -> list[dict]:
    return list(_flatten(_strings(messages), "body"))


def _strings(messages):
    """marshmallow's messages with our lazy (translated) ones as text."""
    if isinstance(messages, dict):
        return {key: _strings(value) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [_strings(value) for value in messages]
    return str(messages)
