"""Field types shared by the API's schemas."""

from __future__ import annotations

from marshmallow import fields

from intake.core.calendar import LOCAL_TZ


class LocalDateTime(fields.AwareDateTime):
    """ISO 8601 with the province's offset (+07:00) on output; any offset accepted on input,
    a time without one refused (it would be ambiguous)."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return super()._serialize(value.astimezone(LOCAL_TZ), attr, obj, **kwargs)
