"""An officer's personal API tokens, on their account's page: the administrator sees them
and revokes any of them (a leaked token, an officer moving on). Creating one is the officer's
own business (``intake.api_keys.pages``): an administrator never holds an officer's token."""

from __future__ import annotations

from flask import abort, url_for
from flask_babel import gettext as _

from intake import clock
from intake.accounts.models import User
from intake.admin.blueprint import bp, me
from intake.admin.common import get_or_404, perform_and_redirect
from intake.api_keys import personal
from intake.api_keys.models import ApiKey, KeyKind
from intake.extensions import db


@bp.post("/users/<id:user_id>/api-tokens/<id:key_id>/revoke")
def user_token_revoke(user_id: int, key_id: int):
    user = get_or_404(User, user_id)
    key = db.session.get(ApiKey, key_id)
    if key is None or key.kind is not KeyKind.PERSONAL or key.user_id != user.id:
        abort(404)
    return perform_and_redirect(
        lambda: personal.revoke_personal_token(key, actor=me(), now=clock.now()) or key,
        done=lambda k: _("Đã thu hồi mã %(prefix)s…", prefix=k.prefix),
        target=url_for("admin.user_edit", user_id=user.id),
    )
