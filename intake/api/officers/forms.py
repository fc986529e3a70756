"""``GET /officer/cases/{code}/actions/{verb}``: the verb's form as the case page would show it
to this officer for this case — each field's label, whether it is required, the value it is
pre-filled with, and its choices (the units, the unit's handlers, the fields …). A client
learns the ids to send from here, as a person learns them from the page's selects."""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import Schema, fields
from wtforms.fields.choices import SelectFieldBase

from intake.api.officers import blp, documented, me
from intake.api.officers.actions import BODY_SCHEMAS, REPLY, check_available, form_of
from intake.api.officers.views import load_case
from intake.api.problems import ProblemError
from intake.cases import permissions as perms
from intake.cases.verbs import VERBS


class ChoiceSchema(Schema):
    value = fields.Raw(required=True, metadata={"description": "What to send."})
    label = fields.String(required=True)


class FormFieldSchema(Schema):
    name = fields.String(required=True)
    label = fields.String(required=True)
    required = fields.Boolean(required=True)
    value = fields.Raw(allow_none=True, metadata={"description": "Pre-filled for this case."})
    choices = fields.List(fields.Nested(ChoiceSchema), allow_none=True)


class ActionFormSchema(Schema):
    verb = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "Send it back."})
    fields_ = fields.List(fields.Nested(FormFieldSchema), required=True, data_key="fields")
    cooperation_request_ids = fields.List(
        fields.Integer(), metadata={"description": "reply_cooperation: the requests to answer."}
    )


def _typed(value, schema_field):
    """A form value as the body takes it: ids as integers, like the schema says."""
    inner = schema_field.inner if isinstance(schema_field, fields.List) else schema_field
    if isinstance(value, list | tuple):
        return [_typed(v, inner) for v in value]
    if isinstance(inner, fields.Integer) and isinstance(value, str):
        return int(value) if value.isdecimal() else None
    if value == "" and not isinstance(schema_field, fields.String):
        return None
    return value


def describe(form, schema) -> list[dict]:
    described = []
    for name, schema_field in schema().fields.items():
        field = form._fields.get(name)
        if field is None or name == "version":
            continue
        entry = {
            "name": name,
            "label": str(field.label.text),
            "required": schema_field.required,
            "value": _typed(field.data, schema_field),
            "choices": None,
        }
        if isinstance(field, SelectFieldBase):
            entry["choices"] = [
                {"value": _typed(c.value, schema_field), "label": str(c.label)}
                for c in field.iter_choices()
                if c.value != ""
            ]
        described.append(entry)
    return described


@blp.route("/cases/<string:code>/actions/<string:verb>")
@blp.response(200, ActionFormSchema)
@documented(404, 409)
def show_action_form(code: str, verb: str):
    """Biểu mẫu của một thao tác. A verb's form for this case.

    Its fields, their pre-filled values and choices (404 for a verb that is not an officer's;
    403/409 as the action)."""
    user = me()
    case = load_case(code, user)
    if verb not in BODY_SCHEMAS:
        raise ProblemError(404, _("Không có thao tác này."))
    check_available(VERBS[verb], user, case, None)
    form_cls = form_of(verb)
    defaults = {} if verb == REPLY else form_cls.defaults(case)
    # As the page builds it (``ActionForm.for_case``), without a CSRF token in a session.
    form = form_cls(formdata=None, meta={"csrf": False}, **defaults)
    if verb != REPLY:
        form.set_choices(case)
    answer = {"verb": verb, "version": case.version, "fields_": describe(form, BODY_SCHEMAS[verb])}
    if verb == REPLY:
        answer["cooperation_request_ids"] = [r.id for r in perms.open_cooperation_for(user, case)]
    return answer
