"""Keys of the client apps (``intake.api_keys``): the list, a new key — shown on the page once,
right after it is made, and never again (only its SHA-256 is kept) — and revoking one, with a
confirmation. The processing log records both (``intake.audit``, the digest masked)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Optional

from intake import clock
from intake.admin.blueprint import bp, me
from intake.admin.common import get_or_404, perform_and_redirect
from intake.admin.forms import REQUIRED
from intake.api_keys.models import DEFAULT_CLIENT_LIMIT, ApiKey, KeyKind
from intake.api_keys.operations import create_key, revoke_key
from intake.extensions import db
from intake.forms import BaseForm, length
from intake.web.lifecycle import perform

KIND_LABELS = {
    KeyKind.CLIENT: _l("Ứng dụng kết nối"),
    KeyKind.PERSONAL: _l("Mã cá nhân của cán bộ"),
}


class NewKeyForm(BaseForm):
    name = StringField(_l("Tên ứng dụng"), validators=[DataRequired(REQUIRED), length(max=120)])
    rate_limit = StringField(
        _l("Giới hạn số lần gọi"),
        validators=[Optional(), length(max=40)],
        description=_l("Ví dụ: 120/minute hoặc 10/second;1000/day. Để trống: %(limit)s.",
                       limit=DEFAULT_CLIENT_LIMIT),
    )  # fmt: skip


class RevokeKeyForm(BaseForm):
    confirm = BooleanField(
        _l("Tôi hiểu ứng dụng dùng khoá này sẽ không gọi được API nữa."),
        validators=[DataRequired(_l("Cần xác nhận để thu hồi."))],
    )


def _page(form: NewKeyForm, status: int = 200, new_key: str | None = None):
    keys = db.session.scalars(
        sa.select(ApiKey).order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
    )
    page = render_template(
        "admin/api_keys.html",
        form=form,
        keys=keys.all(),
        kind_labels=KIND_LABELS,
        new_key=new_key,
        revoke_form=RevokeKeyForm(formdata=None),
    )
    return page, status, {"Cache-Control": "no-store"}


@bp.get("/api-keys")
def api_keys():
    return _page(NewKeyForm(formdata=None))


@bp.post("/api-keys")
def api_key_new():
    """The new key is on this response only: no redirect, never stored, never cached."""
    form = NewKeyForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    outcome = perform(
        lambda: create_key(
            kind=KeyKind.CLIENT,
            name=form.name.data,
            now=clock.now(),
            created_by=me(),
            rate_limit=form.rate_limit.data,
        )
    )
    if not outcome.ok:
        outcome.refusal.attach_to(form)
        return _page(form, 422)
    _key, raw = outcome.value
    return _page(NewKeyForm(formdata=None), 201, new_key=raw)


@bp.post("/api-keys/<id:key_id>/revoke")
def api_key_revoke(key_id: int):
    key = get_or_404(ApiKey, key_id)
    form = RevokeKeyForm()
    if not form.validate_on_submit():
        flash(_("Cần xác nhận để thu hồi."), "warning")
        return redirect(url_for("admin.api_keys"), code=303)
    return perform_and_redirect(
        lambda: revoke_key(key, now=clock.now()),
        done=lambda _v: _("Đã thu hồi khoá “%(name)s”.", name=key.name),
        target=url_for("admin.api_keys"),
    )
