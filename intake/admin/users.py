"""Accounts: the list with its filters, a new account, an account's name, role, unit and
whether it may sign in, and a new password set by the administrator."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _

from intake.accounts.models import Role, User
from intake.admin import forms, queries
from intake.admin import operations as ops
from intake.admin.blueprint import bp, me
from intake.admin.common import (
    choose,
    filter_args,
    get_or_404,
    labels,
    perform_and_redirect,
    save_form,
    today,
    unit_choices,
)
from intake.api_keys.personal import tokens_of
from intake.web.params import id_param


@bp.get("/users")
def users():
    form = forms.UserFilterForm(request.args)
    form.unit_id.choices = unit_choices(forms.ANY)
    form.validate()  # bad values are ignored below, never an error page
    role = form.role.data if form.role.data in {r.value for r in Role} else None
    found = queries.users(
        q=(form.q.data or "")[:200] if not form.q.errors else "",
        unit_id=id_param(form.unit_id.data),
        role=Role(role) if role else None,
        enabled={"enabled": True, "disabled": False}.get(form.status.data),
    )
    return render_template(
        "admin/users.html", form=form, users=found, filtered=bool(filter_args(form)), **labels()
    )


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = forms.UserCreateForm()
    form.unit_id.choices = unit_choices(choose(), in_force_only=True)

    def run() -> User:
        return ops.create_user(
            email=form.email.data,
            full_name=form.full_name.data,
            role=form.role_value,
            unit_id=id_param(form.unit_id.data),
            password=form.password.data,
            today=today(),
            must_change=True,
        )

    return save_form(
        form, "admin/user_form.html", run,
        done=lambda u: _("Đã tạo tài khoản %(email)s.", email=u.email),
        target=lambda u: url_for("admin.users"),
        user=None,
    )  # fmt: skip


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = get_or_404(User, user_id)
    form = forms.UserEditForm(
        full_name=user.full_name,
        role=user.role.value,
        unit_id=str(user.unit_id),
        is_enabled=user.is_enabled,
    )
    form.unit_id.choices = unit_choices(choose(), in_force_only=True, keep_id=user.unit_id)

    def run() -> User:
        ops.update_user(
            user,
            actor=me(),
            full_name=form.full_name.data,
            role=form.role_value,
            unit_id=id_param(form.unit_id.data),
            is_enabled=form.is_enabled.data,
            today=today(),
        )
        return user

    return save_form(
        form, "admin/user_form.html", run,
        done=lambda u: _("Đã lưu tài khoản %(email)s.", email=u.email),
        target=lambda u: url_for("admin.users"),
        user=user,
        tokens=tokens_of(user),
    )  # fmt: skip


@bp.route("/users/<id:user_id>/password", methods=["GET", "POST"])
def user_password(user_id: int):
    user = get_or_404(User, user_id)
    form = forms.PasswordResetForm()

    def run() -> User:
        ops.reset_password(
            user, password=form.password.data, actor=me(), must_change=form.must_change.data
        )
        return user

    return save_form(
        form, "admin/user_password.html", run,
        done=lambda u: _(
            "Đã đặt mật khẩu mới cho %(email)s. Hãy báo cho người dùng và đề nghị đổi mật khẩu "
            "sau khi đăng nhập.", email=u.email,
        ),
        target=lambda u: url_for("admin.user_edit", user_id=u.id),
        user=user,
    )  # fmt: skip


@bp.post("/users/<id:user_id>/two-factor/reset")
def user_two_factor_reset(user_id: int):
    """The officer lost their phone and their recovery codes: the second factor is removed
    (recorded), their sessions end, and they enrol again at their next sign-in."""
    user = get_or_404(User, user_id)
    return perform_and_redirect(
        lambda: ops.reset_two_factor(user, actor=me()) or user,
        done=lambda u: _("Đã hủy xác thực hai bước của %(email)s.", email=u.email),
        target=url_for("admin.user_edit", user_id=user.id),
    )
