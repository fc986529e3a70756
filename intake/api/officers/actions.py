"""``POST /officer/cases/{code}/actions/{verb}``: every officer verb of the verb table
(``intake.cases.verbs``), one operation each, registered from the table: a new verb with its
page form is in the API without API code.

The body is the verb's page form as JSON (its schema is derived from the form:
``form_schemas``), judged by the form itself — the same validators, choices and messages —
and run through ``perform`` as the page runs it, with the ``version`` the officer saw:

- a case the officer may not see: 404 (as the page);
- a ``version`` that is not the case's any more: 409 (the page's "updated meanwhile");
- a verb the officer may do, but not in the case's state now: 409; a verb they may never do
  to this case (their role, their unit): 403, as the page;
- a field the form refuses: 422 naming ``body.<field>``; the operation's refusal: 409 or 422
  (``intake.api.outcomes``).

``reply_cooperation`` acts on one cooperation request of the case (``request_id``); its form
is the page's reply form. Attachments of an answer are uploaded on the page (not here yet).
"""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import fields

from intake import clock
from intake.accounts.models import User
from intake.api.officers import blp, documented, me
from intake.api.officers.form_schemas import formdata, schema_for, unbound_fields
from intake.api.officers.schemas import ActionResultSchema
from intake.api.officers.views import load_case, summary
from intake.api.outcomes import value_or_problem
from intake.api.problems import ProblemError
from intake.cases import operations as ops
from intake.cases import permissions as perms
from intake.cases.models import Case, CooperationRequest
from intake.cases.verbs import VERBS, Door, Verb, verbs_for
from intake.extensions import db
from intake.officer.action_forms import ACTION_FORMS, CooperationReplyForm
from intake.officer.case_page import DONE_MESSAGES
from intake.web.lifecycle import perform, stale_message

REPLY = "reply_cooperation"
_VERSION = fields.Integer(
    strict=True,
    allow_none=True,
    metadata={"description": "The case's version as last seen; checked when given (409)."},
)


def form_of(name: str):
    return CooperationReplyForm if name == REPLY else ACTION_FORMS[name]


def _names(form_cls) -> set[str]:
    return {name for name, _field in unbound_fields(form_cls)}


def body_schema(name: str):
    form_cls = form_of(name)
    extra = {} if "version" in _names(form_cls) else {"version": _VERSION}
    if name == REPLY:
        extra["request_id"] = fields.Integer(
            required=True, strict=True, metadata={"description": "The cooperation request."}
        )
    return schema_for(name, form_cls, extra)


#: The body's schema of every officer verb, named <Verb>Action in the document.
BODY_SCHEMAS = {name: body_schema(name) for name in verbs_for(Door.OFFICER)}


def check_available(verb: Verb, user: User, case: Case, version: int | None) -> None:
    if version is not None and version != case.version:
        raise ProblemError(409, stale_message())
    if verb.is_available(user, case):
        return
    if verb.allowed(user, case):
        raise ProblemError(
            409, _("Không thể thực hiện thao tác này ở tình trạng hiện tại của hồ sơ.")
        )
    raise ProblemError(403, _("Bạn không có quyền thực hiện thao tác này với hồ sơ."))


def _form_problem(form) -> ProblemError:
    errors = [{"field": "body", "message": str(m)} for m in form.form_errors]
    for name, messages in form.errors.items():
        if name is None:
            continue
        errors += [{"field": f"body.{name}", "message": str(m)} for m in messages]
    return ProblemError(422, _("Dữ liệu gửi lên chưa hợp lệ: xem từng lỗi trong “errors”."), errors)


def act(name: str, code: str, body: dict):
    user = me()
    case = load_case(code, user)
    verb = VERBS[name]
    check_available(verb, user, case, body.get("version"))
    form_cls = form_of(name)
    defaults = {} if name == REPLY else form_cls.defaults(case)
    form = form_cls(formdata=formdata(body), meta={"csrf": False}, **defaults)
    if name != REPLY:
        form.set_choices(case)
    if not form.validate():
        raise _form_problem(form)
    now = clock.now()
    if name == REPLY:
        cooperation = _open_request(user, case, body["request_id"])
        outcome = perform(
            lambda: ops.reply_cooperation(cooperation, actor=user, now=now, reply=form.reply.data)
        )
    else:
        outcome = perform(
            lambda: verb.operation(
                case, actor=user, now=now, expected_version=form.expected_version, **form.inputs()
            )
        )
    value = value_or_problem(outcome)
    return _result(name, case.id, user, value), 200, {"Cache-Control": "no-store"}


def _open_request(user: User, case: Case, request_id: int) -> CooperationRequest:
    cooperation = db.session.get(CooperationRequest, request_id) if request_id < 2**31 else None
    if cooperation is None or cooperation.case_id != case.id:
        raise ProblemError(404, _("Không có đề nghị phối hợp này."))
    if cooperation not in perms.open_cooperation_for(user, case):
        raise ProblemError(409, _("Đề nghị phối hợp này không còn chờ đơn vị bạn trả lời."))
    return cooperation


def _result(name: str, case_id: int, user: User, value) -> dict:
    case = db.session.get(Case, case_id)
    visible = case is not None and perms.can_view(user, case)
    result = {
        "verb": name,
        "message": str(DONE_MESSAGES[name]),
        "case": summary(case) if visible else None,
    }
    if name == "reissue_key":
        result["access_key"] = value
    return result


def _register(name: str) -> None:
    schema = BODY_SCHEMAS[name]

    def view(body, code: str):
        return act(name, code, body)

    view.__name__ = view.__qualname__ = f"act_{name}"
    # flask-smorest takes the first line as the summary and the rest as the description.
    view.__doc__ = (
        f"{DONE_MESSAGES[name]} — `{name}`.\n\n"
        f"Does the verb `{name}` as the case page does, with the same permissions and input "
        f"(body: {schema.__name__}). 409 when the case changed since `version` or its state "
        f"does not allow it now; 403 when this officer may never do it; 422 names the field."
    )
    view = blp.arguments(schema)(view)
    view = blp.response(200, ActionResultSchema)(view)
    view = documented(404, 409, 422)(view)
    blp.route(f"/cases/<string:code>/actions/{name}", methods=["POST"], endpoint=name)(view)


for _name in BODY_SCHEMAS:
    _register(_name)
