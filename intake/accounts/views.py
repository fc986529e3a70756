"""Signing in and out, and changing one's password. Failures get one generic message, and
repeated failures from an address are refused for a while."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from intake import clock
from intake.accounts.forms import LoginForm, PasswordChangeForm
from intake.accounts.models import User
from intake.extensions import db, limiter

bp = Blueprint("accounts", __name__)


def _login_failed(response) -> bool:
    return bool(g.get("login_failed"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMIT"],
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-failures",
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("officer.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.email == form.email.data.lower()))
        if user is not None and user.is_enabled and user.check_password(form.password.data):
            login_user(user)
            user.last_login_at = clock.now()
            db.session.commit()
            return redirect(_safe_next(form.next.data) or url_for("officer.home"), code=303)
        g.login_failed = True
        form.form_errors.append(_("Thư điện tử hoặc mật khẩu không đúng."))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("Bạn đã đăng xuất."))
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("Mật khẩu hiện tại không đúng."))
        else:
            current_user.set_password(form.new_password.data)
            db.session.commit()
            flash(_("Đã đổi mật khẩu."))
            return redirect(url_for("officer.home"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/password.html", form=form), status


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: an absolute URL in ?next= would be an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
