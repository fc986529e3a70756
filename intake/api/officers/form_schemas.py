"""The body of each officer verb, derived from its page form (``intake.officer.action_forms``):
one declaration. The form stays the judge of the input — the same validators, choices and
messages as the page, the same ``inputs()`` for the operation — and the marshmallow schema
built here from its fields documents the body in the OpenAPI document (one named schema per
verb, e.g. ``TriageAction``) and refuses what is not even of the right type.

A WTForms field becomes: a string (its longest length), an integer for ``…_id`` selects and
whole numbers (with their range), a list of integers for ``…_ids``, a string among the
choices for a select with fixed choices, a boolean for a checkbox. File fields and the
fields that only serve the page (``page_only``: the template picker) are left out; ``version``
is the case version the officer saw, required. A field is required where the form requires it,
and a select without a blank choice is too (a browser always posts one of its options); a
field left out otherwise takes the value the page's form shows pre-filled for the case.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

FILE_FIELD_NAMES = ("FileField", "MultipleFileField")


def unbound_fields(form_cls) -> list[tuple[str, UnboundField]]:
    """The form's fields in declaration order (as WTForms binds them)."""
    found = [
        (name, value)
        for name in dir(form_cls)
        if not name.startswith("_") and isinstance(value := getattr(form_cls, name), UnboundField)
    ]
    found.sort(key=lambda item: item[1].creation_counter)
    return found


def _required(validators) -> bool:
    return any(isinstance(v, DataRequired | InputRequired) for v in validators)


def _max_length(validators) -> int | None:
    limits = [v.max for v in validators if isinstance(v, Length) and v.max and v.max > 0]
    return min(limits) if limits else None


def _choices(kwargs) -> list[str] | None:
    """The fixed choices' values ("" among them where the select has a blank choice)."""
    options = kwargs.get("choices")
    if not isinstance(options, list | tuple):
        return None  # set for each case (``set_choices``): documented as a plain value
    values = []
    for option in options:
        value = option[0] if isinstance(option, tuple | list) else getattr(option, "value", None)
        if value is not None:
            values.append(str(value))
    return values or None


def _marshmallow_field(name: str, unbound: UnboundField) -> fields.Field | None:
    cls = unbound.field_class
    if cls.__name__ in FILE_FIELD_NAMES:
        return None
    validators = list(unbound.kwargs.get("validators") or [])
    label = unbound.args[0] if unbound.args else unbound.kwargs.get("label")
    common: dict[str, Any] = {"required": _required(validators)}
    if not common["required"]:
        common["allow_none"] = True
    if label:
        common["metadata"] = {"description": str(label)}
    if name == "version":
        return fields.Integer(
            required=True,
            strict=True,
            metadata={"description": "The case's version as last seen (stale: 409)."},
        )
    if issubclass(cls, BooleanField):
        return fields.Boolean(**common)
    if issubclass(cls, SelectMultipleField):
        return fields.List(fields.Integer(strict=True), **common)
    if issubclass(cls, IntegerField):
        ranges = [v for v in validators if isinstance(v, NumberRange)]
        check = validate.Range(min=ranges[0].min, max=ranges[0].max) if ranges else None
        return fields.Integer(strict=True, validate=check, **common)
    if issubclass(cls, SelectField):
        if name.endswith("_id"):
            return fields.Integer(strict=True, **common)
        values = _choices(unbound.kwargs)
        if values and "" not in values and not any(isinstance(v, Optional) for v in validators):
            # A select without a blank choice: a browser always posts one of its options.
            common = {**common, "required": True}
            common.pop("allow_none", None)
        return fields.String(validate=validate.OneOf(values) if values else None, **common)
    if issubclass(cls, StringField):  # text inputs and text areas
        longest = _max_length(validators)
        return fields.String(validate=validate.Length(max=longest) if longest else None, **common)
    raise TypeError(f"{name}: no API type for {cls.__name__}")  # a new field type: add it here


def body_fields(form_cls) -> dict[str, fields.Field]:
    page_only = set(getattr(form_cls, "page_only", ()))
    declared = {}
    for name, unbound in unbound_fields(form_cls):
        if name in page_only:
            continue
        field = _marshmallow_field(name, unbound)
        if field is not None:
            declared[name] = field
    return declared


def schema_for(verb_name: str, form_cls, extra: dict[str, fields.Field] | None = None):
    """The body's schema of ``verb_name``, named ``<Verb>Action`` in the document."""
    name = "".join(part.capitalize() for part in verb_name.split("_")) + "Action"
    schema = Schema.from_dict({**(extra or {}), **body_fields(form_cls)}, name=name)
    schema.__doc__ = (form_cls.__doc__ or "").strip() or None
    return schema


def formdata(body: dict[str, Any]) -> MultiDict:
    """The JSON body as the form data a browser would post for the same choices."""
    data = MultiDict()
    for name, value in body.items():
        if value is None or value is False:
            continue  # a box left unticked, a select left blank: nothing is posted
        for item in value if isinstance(value, list) else [value]:
            data.add(name, "y" if item is True else str(item))
    return data
