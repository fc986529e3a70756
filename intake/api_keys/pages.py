"""The officer's own personal API tokens, on a page of their account (``/account/api-tokens``):
the list, a new token (shown once), revoking one.

The routes live on the accounts' blueprint, so that the accounts' gate applies (a password
that must be changed first, a second factor that must be enrolled first).

Creating a token asks for the password again. A token outlives the browser session that made
it (until revoked), so a session left open on a shared office computer, or a stolen cookie,
must not be enough to mint one: the password proves the officer is at the keyboard now. A
"recent sign-in" window would not: a session is recent for minutes after the officer walked
away. Tokens are made rarely, so asking costs little.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from intake import clock
from intake.accounts.forms import REQUIRED
from intake.accounts.passwords import MAX_LENGTH
from intake.accounts.views import bp, perform
from intake.api_keys import personal
from intake.api_keys.models import ApiKey, KeyKind
from intake.extensions import db
from intake.forms import BaseForm, length


class TokenCreateForm(BaseForm):
    name = StringField(
        _l("Tên (dùng cho việc gì)"), validators=[DataRequired(REQUIRED), length(max=120)]
    )
    password = PasswordField(
        _l("Mật khẩu của bạn"), validators=[DataRequired(REQUIRED), length(max=MAX_LENGTH)]
    )


def _officer():
    user = current_user._get_current_object()
    if not personal.may_hold_tokens(user):
        abort(404)
    return user


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@login_required
def api_tokens():
    user = _officer()
    form = TokenCreateForm()
    if form.validate_on_submit():
        outcome = perform(
            lambda: personal.create_personal_token(
                user, name=form.name.data, password=form.password.data, now=clock.now()
            )
        )
        if outcome.ok:
            key, raw = outcome.value
            page = render_template("accounts/api_token_created.html", key=key, raw=raw)
            # Shown once, on the answer to the POST: never in a flash (the cookie) or a cache.
            return page, 200, {"Cache-Control": "no-store"}
        outcome.attach_to(form)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "accounts/api_tokens.html", form=form, tokens=personal.tokens_of(user)
    ), status


@bp.post("/account/api-tokens/<id:key_id>/revoke")
@login_required
def api_token_revoke(key_id: int):
    user = _officer()
    key = db.session.get(ApiKey, key_id)
    if key is None or key.kind is not KeyKind.PERSONAL or key.user_id != user.id:
        abort(404)
    perform(lambda: personal.revoke_personal_token(key, actor=user, now=clock.now()))
    flash(_("Đã thu hồi mã %(prefix)s…", prefix=key.prefix))
    return redirect(url_for("accounts.api_tokens"), code=303)
