"""Personal tokens for the officers' API tests, and a body every verb's schema accepts."""

from __future__ import annotations

from marshmallow import fields

from intake import clock
from intake.api.officers.actions import BODY_SCHEMAS
from intake.api_keys.personal import create_personal_token
from intake.extensions import db
from tests.cases.factories import PASSWORD

API = "/api/v1/officer"


def token_for(user, name: str = "Tập lệnh thử") -> str:
    _key, raw = create_personal_token(user, name=name, password=PASSWORD, now=clock.now())
    db.session.commit()
    return raw


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def _sample(field: fields.Field):
    if isinstance(field, fields.Boolean):
        return True
    if isinstance(field, fields.List):
        return []
    if isinstance(field, fields.Integer):
        return 1
    choices = getattr(field.validate, "choices", None) if field.validate else None
    for validator in field.validators:
        choices = getattr(validator, "choices", choices)
    if choices:
        return next(c for c in choices if c not in ("", None))
    return "Nội dung thử"


def schema_valid_body(verb: str, version: int, known: dict | None = None) -> dict:
    """The required fields of the verb's body with plausible values: it passes the schema, so
    what answers is the door's access check and then the form. ``known`` gives real values
    (a unit's id, a handler's) so that the operation itself runs."""
    schema = BODY_SCHEMAS[verb]()
    known = known or {}
    body = {
        name: known.get(name, _sample(f))
        for name, f in schema.fields.items()
        if f.required or name in known
    }
    if "version" in schema.fields:
        body["version"] = version
    return body
