"""The officers' API (``/api/v1/officer``): their queues, a case, and every officer verb of
``intake.cases.verbs``, acting as the officer whose personal token (``pakt_…``) is presented,
with exactly the permissions of their pages:

- ``queues``: the tabs of the intake office's or the unit's queue, with their counts, and one
  tab's items (the same queries, filters and search as ``intake.officer.queues``);
- ``cases``: a case as the case page shows it (404 when the officer may not see it), recorded
  in the processing log like the page (503 when the entry cannot be written);
- ``actions``: one operation per verb, its body derived from the verb's page form.

Who calls is the token's officer for the whole request: ``g._login_user`` is set to them, so
that Flask-Login's ``current_user``, the processing log and every helper that asks who is
signed in see that officer — and the session cookie is never read.
"""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from flask_smorest import Blueprint

from intake.accounts import twofactor
from intake.accounts.models import User
from intake.api.auth import require_key
from intake.api.problems import MEDIA_TYPE, ProblemError, ProblemSchema
from intake.api_keys.models import KeyKind
from intake.api_keys.personal import may_hold_tokens

blp = Blueprint(
    "api_officer",
    __name__,
    url_prefix="/officer",
    description=(
        "Cán bộ: hàng chờ, hồ sơ và các thao tác xử lý, đúng quyền như trên các trang. "
        "Officers: queues, cases and every action, with the pages' permissions."
    ),
)

SECURITY = [{"officerToken": []}]


@blp.before_request
def _acting_officer():
    user = acting_officer()
    g._login_user = user  # current_user for this request: the token's officer, never a cookie


def acting_officer() -> User:
    """The officer of the presented personal token. 401 without a valid token (revoked, or
    its account disabled); 403 for an account the officers' pages would not let in now."""
    key = require_key(KeyKind.PERSONAL)
    user = key.user
    if not may_hold_tokens(user):
        raise ProblemError(403, _("Tài khoản này không dùng được các chức năng của cán bộ."))
    if user.must_change_password:
        raise ProblemError(403, _("Vui lòng đăng nhập và đổi mật khẩu trước khi dùng API."))
    if twofactor.required_for(user) and not user.has_two_factor:
        raise ProblemError(403, _("Vui lòng bật xác thực hai bước trước khi dùng API."))
    return user


def me() -> User:
    return g._login_user


def documented(*statuses: int):
    """The officer token's security and the problem responses of an operation."""

    def decorate(view):
        for status in statuses:
            view = blp.alt_response(status, schema=ProblemSchema, content_type=MEDIA_TYPE)(view)
        view = blp.alt_response(401, schema=ProblemSchema, content_type=MEDIA_TYPE)(view)
        view = blp.alt_response(403, schema=ProblemSchema, content_type=MEDIA_TYPE)(view)
        return blp.doc(security=SECURITY)(view)

    return decorate


from intake.api.officers import actions, cases, forms, queues  # noqa: E402, F401  (routes)
