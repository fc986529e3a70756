"""The citizen's forms. Messages are Vietnamese source strings, translated by Flask-Babel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional

from intake.core.errors import InvalidInput
from intake.forms import BaseForm, length
from intake.web.submission_form import SubmissionForm, read_uploads

REQUIRED = _l("Vui lòng nhập thông tin này.")


class CitizenSubmissionForm(SubmissionForm):
    """The web form of Art. 7 as citizens get it, with two fields against scripts: a honeypot
    that people never see (hidden by the stylesheet; a screen reader reads "leave empty") and
    the signed time the form was opened (``intake.public.abuse``)."""

    homepage = StringField(_l("Để trống ô này"), validators=[length(max=200)])
    started = HiddenField()


class TrackForm(BaseForm):
    reference_code = StringField(
        _l("Mã phản ánh, kiến nghị"), validators=[DataRequired(REQUIRED), length(max=40)]
    )
    access_key = StringField(_l("Mã tra cứu"), validators=[DataRequired(REQUIRED), length(max=40)])


class RecoverKeyForm(BaseForm):
    reference_code = StringField(
        _l("Mã phản ánh, kiến nghị"), validators=[DataRequired(REQUIRED), length(max=40)]
    )
    contact = StringField(
        _l("Thư điện tử hoặc số điện thoại đã đăng ký khi gửi"),
        validators=[DataRequired(REQUIRED), length(max=255)],
    )


class ProvideInfoForm(BaseForm):
    verb = "provide_info"
    text = TextAreaField(_l("Thông tin bổ sung"), validators=[length(max=20000)])
    attachments = MultipleFileField(_l("Tài liệu bổ sung"))

    def inputs(self) -> dict:
        uploads = read_uploads(self.attachments)
        if self.attachments.errors:
            raise InvalidInput("attachments", " ".join(str(e) for e in self.attachments.errors))
        return {"text": self.text.data or "", "uploads": uploads}


class WithdrawForm(BaseForm):
    verb = "withdraw"
    reason = TextAreaField(_l("Lý do rút (không bắt buộc)"), validators=[length(max=2000)])
    confirm = BooleanField(
        _l("Tôi muốn rút phản ánh, kiến nghị này."),
        validators=[DataRequired(_l("Cần xác nhận để rút."))],
    )

    def inputs(self) -> dict:
        return {"reason": self.reason.data}


class RatingForm(BaseForm):
    verb = "rate"
    score = RadioField(
        _l("Mức độ hài lòng với kết quả trả lời"),
        choices=[
            SelectChoice("5", _l("5 — Rất hài lòng")),
            SelectChoice("4", _l("4 — Hài lòng")),
            SelectChoice("3", _l("3 — Bình thường")),
            SelectChoice("2", _l("2 — Chưa hài lòng")),
            SelectChoice("1", _l("1 — Không hài lòng")),
        ],
        validators=[InputRequired(_l("Vui lòng chọn mức độ hài lòng."))],
    )
    comment = TextAreaField(_l("Ý kiến (không bắt buộc)"), validators=[length(max=5000)])

    def inputs(self) -> dict:
        return {"score": int(self.score.data), "comment": self.comment.data}


class ReconsiderationForm(BaseForm):
    verb = "reconsider"
    reason = TextAreaField(
        _l("Nội dung chưa thỏa đáng"), validators=[DataRequired(REQUIRED), length(max=10000)]
    )

    def inputs(self) -> dict:
        return {"reason": self.reason.data}


class StopSmsForm(BaseForm):
    verb = "stop_sms"

    def inputs(self) -> dict:
        return {}


#: The form of each of the citizen's verbs (``intake.cases.verbs``).
CITIZEN_FORMS = {
    form.verb: form
    for form in (ProvideInfoForm, WithdrawForm, RatingForm, ReconsiderationForm, StopSmsForm)
}


class PublishedSearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Tìm kiếm"), validators=[Optional(), length(max=200)])
    field_id = SelectField(_l("Lĩnh vực"), validators=[Optional()])
    unit_id = SelectField(_l("Đơn vị trả lời"), validators=[Optional()])
