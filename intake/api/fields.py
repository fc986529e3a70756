"""Field types and small schemas shared by the API's schemas."""

from __future__ import annotations

from marshmallow import Schema, fields

from intake.core.calendar import LOCAL_TZ
from intake.core.text import nfc


class LocalDateTime(fields.AwareDateTime):
    """ISO 8601 with the province's offset (+07:00) on output; any offset accepted on input,
    a time without one refused (it would be ambiguous)."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return super()._serialize(value.astimezone(LOCAL_TZ), attr, obj, **kwargs)


class Text(fields.String):
    """A text as it is stored (``intake.core.text.nfc``: NFC, trimmed, no control characters);
    a text that is not Unicode (a lone surrogate from a JSON escape) is refused, not stored.
    An empty text loads as None (refused where the text is required)."""

    default_error_messages = {"invalid_text": "Not valid Unicode text."}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise self.make_error("invalid_text") from exc
        text = nfc(text) or None
        if text is None and self.required:
            raise self.make_error("required")
        return text

    def _validate(self, value):
        if value is not None:  # an empty text is no text: the length rules are for texts
            super()._validate(value)


class NamedSchema(Schema):
    """A unit or a field as the API names it: its id and its name in the requested language."""

    id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"description": "In the requested language."})
