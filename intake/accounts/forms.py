from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from intake.forms import BaseForm, length

REQUIRED = _l("Vui lòng nhập thông tin này.")


class LoginForm(BaseForm):
    email = EmailField(_l("Thư điện tử"), validators=[DataRequired(REQUIRED), length(max=255)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(REQUIRED), length(max=200)])
    next = HiddenField()


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(REQUIRED)])
    new_password = PasswordField(
        _l("Mật khẩu mới"), validators=[DataRequired(REQUIRED), length(min=10, max=200)]
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
