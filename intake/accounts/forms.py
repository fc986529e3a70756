from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from intake.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from intake.forms import BaseForm, length

REQUIRED = _l("Vui lòng nhập thông tin này.")


class LoginForm(BaseForm):
    email = EmailField(_l("Thư điện tử"), validators=[DataRequired(REQUIRED), length(max=255)])
    password = PasswordField(
        _l("Mật khẩu"), validators=[DataRequired(REQUIRED), length(max=MAX_LENGTH)]
    )
    next = HiddenField()


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(
        _l("Mật khẩu hiện tại"), validators=[DataRequired(REQUIRED), length(max=MAX_LENGTH)]
    )
    new_password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[DataRequired(REQUIRED), length(min=MIN_LENGTH, max=MAX_LENGTH)],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("new_password", message=_l("Hai lần nhập mật khẩu không khớp.")),
        ],
    )

    def validate_new_password(self, field):
        if field.data and field.data == self.current_password.data:
            raise ValidationError(_l("Mật khẩu mới phải khác mật khẩu hiện tại."))


class TwoFactorForm(BaseForm):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = StringField(
        _l("Mã xác thực"),
        validators=[DataRequired(REQUIRED), length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )


class TwoFactorSetupForm(BaseForm):
    code = StringField(
        _l("Mã 6 chữ số hiện trên ứng dụng"),
        validators=[DataRequired(REQUIRED), length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class TwoFactorDisableForm(BaseForm):
    password = PasswordField(
        _l("Mật khẩu hiện tại"), validators=[DataRequired(REQUIRED), length(max=MAX_LENGTH)]
    )
    confirm = BooleanField(
        _l("Tôi muốn tắt xác thực hai bước"), validators=[DataRequired(REQUIRED)]
    )
