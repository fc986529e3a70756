"""Enrolling a second factor (QR code, then one code to confirm), new recovery codes, and
turning it off where it is not required."""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from intake import clock
from intake.accounts import twofactor
from intake.accounts.forms import TwoFactorDisableForm, TwoFactorSetupForm
from intake.accounts.security_models import AccountEventKind, record
from intake.accounts.sessions import restart_session
from intake.accounts.views import bp, perform
from intake.core.errors import InvalidInput

# The secret being enrolled lives in the (signed, HttpOnly) cookie session until a code
# confirms it, so that showing the page writes nothing to the database.
SETUP = "totp_setup"


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    user = current_user._get_current_object()
    if user.has_two_factor:
        return render_template(
            "accounts/two_factor_setup.html",
            user=user,
            left=twofactor.recovery_codes_left(user),
            required=twofactor.required_for(user),
            disable_form=TwoFactorDisableForm(),
        )
    secret = session.get(SETUP)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session[SETUP] = twofactor.new_secret()
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        now = clock.now()

        def run() -> list[str]:
            step = twofactor.matching_step(secret, form.code.data, now, None)
            if step is None:
                message = _("Mã không đúng. Kiểm tra giờ trên điện thoại rồi thử lại.")
                raise InvalidInput("code", message)
            codes = twofactor.enable(user, secret, step, now)
            record(user, AccountEventKind.TWO_FACTOR_ENABLED, actor=user, at=now)
            # Sessions opened with the password alone end; this browser keeps a new one.
            restart_session(user, now=now, reason="two_factor_enabled")
            return codes

        outcome = perform(run)
        if outcome.ok:
            session.pop(SETUP, None)
            flash(_("Đã bật xác thực hai bước."))
            return render_template("accounts/recovery_codes.html", codes=outcome.value)
        outcome.attach_to(form)
    uri = twofactor.provisioning_uri(user, secret)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "accounts/two_factor_enrol.html",
        form=form,
        qr=twofactor.qr_svg(uri, _("Mã QR để thêm tài khoản vào ứng dụng xác thực")),
        secret=twofactor.grouped(secret),
        required=twofactor.required_for(user),
    ), status  # fmt: skip


@bp.post("/account/two-factor/recovery-codes")
@login_required
def two_factor_new_codes():
    user = current_user._get_current_object()
    if not user.has_two_factor:
        return redirect(url_for("accounts.two_factor_setup"), code=303)
    now = clock.now()

    def run() -> list[str]:
        record(user, AccountEventKind.RECOVERY_CODES_RENEWED, actor=user, at=now)
        return twofactor.new_recovery_codes(user, now)

    outcome = perform(run)
    return render_template("accounts/recovery_codes.html", codes=outcome.value)


@bp.post("/account/two-factor/off")
@login_required
def two_factor_off():
    user = current_user._get_current_object()
    form = TwoFactorDisableForm()
    if twofactor.required_for(user) or not user.has_two_factor:
        flash(_("Tài khoản của bạn bắt buộc dùng xác thực hai bước."), "warning")
        return redirect(url_for("accounts.two_factor_setup"), code=303)
    if form.validate_on_submit() and user.check_password(form.password.data):
        now = clock.now()

        def run() -> None:
            twofactor.remove_two_factor(user)
            record(user, AccountEventKind.TWO_FACTOR_DISABLED, actor=user, at=now)
            restart_session(user, now=now, reason="two_factor_disabled")

        perform(run)
        flash(_("Đã tắt xác thực hai bước."))
    else:
        flash(_("Mật khẩu không đúng; xác thực hai bước vẫn bật."), "warning")
    return redirect(url_for("accounts.two_factor_setup"), code=303)
