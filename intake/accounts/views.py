"""Signing in (password, then the second factor where the officer has one) and out, and
changing one's password.

Every failure gets one generic message and the same work: an unknown or disabled account has a
dummy hash checked, and the failure counter is updated by one statement that finds no row.
Failed attempts are counted per address and per account (in the limiter's storage, shared by
every worker and node: Redis in production); past the limit the answer is 429 for a while,
whatever the password. The account's holder is told by e-mail after a streak of failures."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from intake import clock
from intake.accounts import passwords, twofactor
from intake.accounts.forms import LoginForm, PasswordChangeForm, TwoFactorForm
from intake.accounts.models import User
from intake.accounts.security_models import AccountEventKind, record
from intake.accounts.sessions import restart_session, sign_in, sign_out
from intake.core.errors import InvalidInput
from intake.core.text import nfc
from intake.extensions import db, limiter
from intake.notifications.outbox import queue_email

bp = Blueprint("accounts", __name__)

PENDING = "pending_2fa"
PENDING_SECONDS = 300  # the second step must follow the first within five minutes
GENERIC = "Thư điện tử hoặc mật khẩu không đúng."


def perform(operation) -> _Outcome:
    """Run ``operation`` and commit, or roll back when it refuses (``InvalidInput``). The
    accounts' own small version of ``intake.web.lifecycle.perform``: that one sits above the
    cases, which import the accounts."""
    try:
        value = operation()
        db.session.commit()
    except InvalidInput as refusal:
        db.session.rollback()
        return _Outcome(refusal=refusal)
    return _Outcome(value=value)


@dataclass
class _Outcome:
    value: object = None
    refusal: InvalidInput | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None

    def attach_to(self, form) -> None:
        getattr(form, self.refusal.field).errors.append(str(self.refusal.message))


def _login_failed(response) -> bool:
    return bool(g.get("login_failed"))


def _typed_email() -> str:
    return nfc(request.form.get("email", "")).lower()[:255]


def _account_key() -> str:
    """The per-account counter's key: a hash, so that the storage holds no e-mail address."""
    return "account:" + hashlib.sha256(_typed_email().encode()).hexdigest()[:32]


def _pending_key() -> str:
    pending = session.get(PENDING)
    uid = pending.get("uid") if isinstance(pending, dict) else None
    return f"two-factor:{uid}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMIT"],
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-failures",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_FAILURE_LIMIT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-account-failures",
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("officer.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = _safe_next(request.args.get("next", "")) or ""
    if form.validate_on_submit():
        email = _typed_email()
        user = db.session.scalar(sa.select(User).where(User.email == email))
        # Always one hash check: a dummy one when there is no such account.
        right = passwords.verify(user.password_hash if user else None, form.password.data)
        target = _safe_next(form.next.data)
        now = clock.now()
        if right and user.is_enabled:
            if user.has_two_factor:
                session.pop(PENDING, None)
                session[PENDING] = {"uid": user.id, "at": now.timestamp(), "next": target}
                return redirect(url_for("accounts.login_two_factor"), code=303)
            perform(lambda: sign_in(user, now=now))
            return redirect(target or url_for("officer.home"), code=303)
        g.login_failed = True
        perform(lambda: _count_failure(email, now))
        form.form_errors.append(_(GENERIC))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form), status


def _count_failure(email: str, now) -> None:
    """One more wrong password for the account of ``email`` (none: the statement finds no row,
    the same work). When the streak reaches the threshold, the holder gets a notice."""
    found = db.session.execute(
        sa.update(User)
        .where(User.email == email)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.id, User.failed_logins)
    ).first()
    threshold = current_app.config["LOGIN_NOTICE_AFTER_FAILURES"]
    if found is None or found.failed_logins != threshold:
        return
    user = db.session.get(User, found.id)
    queue_email(
        "login_failures",
        recipient=user.email,
        language="vi",
        now=now,
        context={"user": user, "count": found.failed_logins, "at": now},
    )
    record(user, AccountEventKind.LOGIN_FAILURES_NOTICE, at=now, detail=str(found.failed_logins))


@bp.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["TWO_FACTOR_FAILURE_LIMIT"],
    key_func=_pending_key,
    methods=["POST"],
    deduct_when=_login_failed,
    scope="two-factor-failures",
)
def login_two_factor():
    pending = session.get(PENDING)
    now = clock.now()
    user = None
    if isinstance(pending, dict) and now.timestamp() - pending.get("at", 0) < PENDING_SECONDS:
        user = db.session.get(User, pending.get("uid") or 0)
    if user is None or not user.is_enabled or not user.has_two_factor:
        session.pop(PENDING, None)
        flash(_("Vui lòng đăng nhập lại."), "warning")
        return redirect(url_for("accounts.login"), code=303)
    form = TwoFactorForm()
    if form.validate_on_submit():
        target = _safe_next(pending.get("next"))

        def run() -> None:
            if not twofactor.verify_code(user, form.code.data, now):
                if not twofactor.use_recovery_code(user, form.code.data, now):
                    raise InvalidInput("code", _("Mã xác thực không đúng hoặc đã được dùng."))
                record(user, AccountEventKind.RECOVERY_CODE_USED, at=now)
            sign_in(user, now=now)

        outcome = perform(run)
        if outcome.ok:
            return redirect(target or url_for("officer.home"), code=303)
        g.login_failed = True
        outcome.attach_to(form)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/two_factor.html", form=form), status


@bp.post("/logout")
def logout():
    user = current_user._get_current_object() if current_user.is_authenticated else None
    perform(lambda: sign_out(user, now=clock.now()))
    flash(_("Bạn đã đăng xuất."))
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    user = current_user._get_current_object()
    form = PasswordChangeForm()
    if form.validate_on_submit():
        problem = passwords.problem(
            form.new_password.data, email=user.email, full_name=user.full_name
        )
        if not user.check_password(form.current_password.data):
            form.current_password.errors.append(_("Mật khẩu hiện tại không đúng."))
        elif problem is not None:
            form.new_password.errors.append(str(problem))
        else:
            now = clock.now()

            def run() -> None:
                user.set_password(form.new_password.data)
                user.must_change_password = False
                # Every other device is signed out; this browser gets a new session.
                restart_session(user, now=now, reason="password_changed")
                record(user, AccountEventKind.PASSWORD_CHANGED, actor=user, at=now)

            perform(run)
            flash(_("Đã đổi mật khẩu."))
            return redirect(url_for("officer.home"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/password.html", form=form, user=user), status


# Pages that an officer who must first change their password, or enrol a second factor,
# may still open: the page that does it, and signing out.
_GATED_BLUEPRINTS = {"officer", "admin", "supervision", "accounts"}
_OPEN = {"accounts.login", "accounts.login_two_factor", "accounts.logout"}


@bp.before_app_request
def _gate():
    if request.blueprint not in _GATED_BLUEPRINTS or request.endpoint in _OPEN:
        return None
    if not current_user.is_authenticated:
        return None
    if current_user.must_change_password and request.endpoint != "accounts.change_password":
        flash(_("Quản trị viên yêu cầu bạn đổi mật khẩu trước khi tiếp tục."), "warning")
        return redirect(url_for("accounts.change_password"))
    if (
        not current_user.must_change_password
        and request.endpoint != "accounts.two_factor_setup"
        and twofactor.required_for(current_user)
        and not current_user.has_two_factor
    ):
        flash(_("Tài khoản của bạn cần bật xác thực hai bước trước khi tiếp tục."), "warning")
        return redirect(url_for("accounts.two_factor_setup"))
    return None


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: an absolute URL in ?next= would be an open redirect. Browsers
    read a backslash as a slash and drop tabs and line breaks, so any of those, or any other
    control character, makes the target refused (and a line break never reaches a header)."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    # Anything beyond ASCII (a search for "Nguyễn") is percent-encoded for the Location header.
    return quote(target, safe="/?&=%:@!$'()*+,;~-._#")


from intake.accounts import twofactor_views as _twofactor_views  # noqa: E402, F401  (routes)
