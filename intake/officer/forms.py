"""Officers' forms, one per action. Each action form carries the case version the officer saw,
so that acting on an item someone else changed meanwhile is refused instead of overwriting."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from intake.cases.labels import (
    CHANNEL_LABELS,
    CONTENT_CLASS_LABELS,
    KIND_LABELS,
    PRIORITY_LABELS,
    REJECT_REASON_LABELS,
    RETURN_REASON_LABELS,
    STATE_LABELS,
)
from intake.cases.models import CaseKind, Channel, ContentClass
from intake.core.calendar import LOCAL_TZ
from intake.core.deadlines import Priority
from intake.core.reasons import MANUAL_REJECT_REASONS, ReturnReason
from intake.public.forms import SubmissionForm
from intake.web.forms import BaseForm, length

REQUIRED = _l("Vui lòng nhập thông tin này.")
ANY = SelectChoice("", _l("— Tất cả —"))


def _choices(labels, values=None, blank=None):
    values = values if values is not None else labels.keys()
    options = [SelectChoice(str(v), labels[v]) for v in values]
    return [blank, *options] if blank is not None else options


class VersionedForm(BaseForm):
    version = HiddenField(validators=[InputRequired()])

    @property
    def expected_version(self) -> int | None:
        value = str(self.version.data or "")
        return int(value) if value.isdecimal() and len(value) <= 9 else -1


class QueueFilterForm(BaseForm):
    """Filters of a queue: a GET form, bookmarkable, so no CSRF token."""

    class Meta:
        csrf = False

    # Choices are not validated here: an unknown value in a bookmarked URL is simply ignored
    # (the view keeps only known values), instead of decorating the filter bar with errors.
    q = SearchField(_l("Tìm kiếm"), validators=[Optional(), length(max=200)])
    state = SelectField(
        _l("Tình trạng"), choices=_choices(STATE_LABELS, blank=ANY), validate_choice=False
    )
    field_id = SelectField(_l("Lĩnh vực"), validate_choice=False)
    unit_id = SelectField(_l("Đơn vị"), validate_choice=False)
    channel = SelectField(
        _l("Kênh tiếp nhận"), choices=_choices(CHANNEL_LABELS, blank=ANY), validate_choice=False
    )
    priority = SelectField(
        _l("Mức độ"), choices=_choices(PRIORITY_LABELS, blank=ANY), validate_choice=False
    )
    received_from = DateField(_l("Tiếp nhận từ ngày"), validators=[Optional()])
    received_to = DateField(_l("đến ngày"), validators=[Optional()])


class RecordCaseForm(SubmissionForm):
    """An item received by phone, paper, e-mail, at the counter or from the national portal,
    written down faithfully by the officer (Art. 7.2)."""

    channel = SelectField(
        _l("Kênh tiếp nhận"),
        choices=_choices(CHANNEL_LABELS, [c for c in Channel if c is not Channel.WEB]),
        default=Channel.PHONE.value,  # the most frequent, and the one recorded in a hurry
        validators=[InputRequired(REQUIRED)],
    )
    received_on = DateField(
        _l("Ngày nhận (theo văn bản, cuộc gọi)"), validators=[DataRequired(REQUIRED)]
    )
    national_code = StringField(
        _l("Mã trên Cổng Dịch vụ công quốc gia (nếu có)"), validators=[Optional(), length(max=40)]
    )
    email = EmailField(
        _l("Thư điện tử (email)"),
        validators=[
            Optional(),
            Email(_l("Địa chỉ thư điện tử không hợp lệ."), check_deliverability=False),
            length(max=255),
        ],
    )
    declared_truthful = BooleanField(_l("Người gửi đã cam đoan nội dung là trung thực"))
    language = SelectField(
        _l("Ngôn ngữ liên lạc với người gửi"),
        choices=[SelectChoice("vi", "Tiếng Việt"), SelectChoice("en", "English")],
    )

    def validate_received_on(self, field):
        today = datetime.now(UTC).astimezone(LOCAL_TZ).date()
        if field.data and not (date(2000, 1, 1) <= field.data <= today):
            raise ValidationError(_l("Ngày nhận phải là một ngày đã qua."))

    @property
    def language_value(self) -> str:
        return self.language.data if self.language.data in ("vi", "en") else "vi"


class ClassifyForm(VersionedForm):
    kind = SelectField(_l("Loại"), choices=_choices(KIND_LABELS))
    content_class = SelectField(
        _l("Phân loại nội dung"),
        choices=_choices(CONTENT_CLASS_LABELS, blank=SelectChoice("", _l("— Chưa xác định —"))),
        validators=[Optional()],
    )
    field_id = SelectField(_l("Lĩnh vực"), validators=[Optional()])
    procedure_id = SelectField(_l("Thủ tục hành chính"), validators=[Optional()])
    priority = SelectField(_l("Mức độ"), choices=_choices(PRIORITY_LABELS))

    @property
    def kind_value(self) -> CaseKind:
        return CaseKind(self.kind.data)

    @property
    def content_class_value(self) -> ContentClass | None:
        return ContentClass(self.content_class.data) if self.content_class.data else None

    @property
    def priority_value(self) -> Priority:
        return Priority(self.priority.data)


class AssignForm(VersionedForm):
    lead_unit_id = SelectField(_l("Đơn vị chủ trì"), validators=[InputRequired(REQUIRED)])
    cooperating_unit_ids = SelectMultipleField(_l("Đơn vị phối hợp"), validators=[Optional()])
    note = TextAreaField(_l("Ý kiến chỉ đạo, ghi chú"), validators=[length(max=5000)])


class RejectForm(VersionedForm):
    reason = SelectField(_l("Lý do"), choices=_choices(REJECT_REASON_LABELS, MANUAL_REJECT_REASONS))
    message = TextAreaField(_l("Nội dung thông báo cho người gửi"), validators=[length(max=5000)])


class TransferForm(VersionedForm):
    agency = StringField(
        _l("Cơ quan có thẩm quyền"), validators=[DataRequired(REQUIRED), length(max=255)]
    )
    letter_number = StringField(
        _l("Số văn bản chuyển"), validators=[DataRequired(REQUIRED), length(max=60)]
    )


class RequestInfoForm(VersionedForm):
    message = TextAreaField(
        _l("Thông tin cần bổ sung"), validators=[DataRequired(REQUIRED), length(max=5000)]
    )


class DuplicateForm(VersionedForm):
    original_code = StringField(
        _l("Mã phản ánh, kiến nghị gốc"), validators=[DataRequired(REQUIRED), length(max=40)]
    )


class ActionForm(VersionedForm):
    """Accept, resume: nothing to fill in but the version."""


class ReturnForm(VersionedForm):
    reason = SelectField(_l("Lý do trả lại"), choices=_choices(RETURN_REASON_LABELS))
    note = TextAreaField(_l("Giải thích"), validators=[DataRequired(REQUIRED), length(max=5000)])

    @property
    def reason_value(self) -> ReturnReason:
        return ReturnReason(self.reason.data)


class AssignHandlerForm(VersionedForm):
    handler_id = SelectField(_l("Cán bộ xử lý"), validators=[InputRequired(REQUIRED)])


class NoteForm(BaseForm):
    text = TextAreaField(
        _l("Ghi chú nội bộ"), validators=[DataRequired(REQUIRED), length(max=5000)]
    )


class CooperationForm(BaseForm):
    unit_ids = SelectMultipleField(_l("Đơn vị phối hợp"), validators=[DataRequired(REQUIRED)])
    question = TextAreaField(
        _l("Nội dung đề nghị phối hợp"), validators=[DataRequired(REQUIRED), length(max=5000)]
    )


class CooperationReplyForm(BaseForm):
    reply = TextAreaField(
        _l("Ý kiến của đơn vị phối hợp"), validators=[DataRequired(REQUIRED), length(max=10000)]
    )


class DeferForm(VersionedForm):
    reason = TextAreaField(
        _l("Lý do tiếp tục nghiên cứu"), validators=[DataRequired(REQUIRED), length(max=5000)]
    )


class AnswerForm(VersionedForm):
    public_text = TextAreaField(
        _l("Nội dung trả lời công khai"), validators=[Optional(), length(max=20000)]
    )
    letter = TextAreaField(
        _l("Văn bản trả lời người gửi"), validators=[Optional(), length(max=20000)]
    )
    attachment = FileField(_l("Tệp văn bản trả lời (nếu có)"))
    submit_for_review = HiddenField()


class ReviewForm(VersionedForm):
    published_title = StringField(
        _l("Tiêu đề công khai"), validators=[DataRequired(REQUIRED), length(max=300)]
    )
    published_content = TextAreaField(
        _l("Nội dung phản ánh công khai (đã ẩn thông tin cá nhân)"),
        validators=[Optional(), length(max=20000)],
    )
    published_answer = TextAreaField(
        _l("Nội dung trả lời công khai (đã ẩn thông tin cá nhân)"),
        validators=[DataRequired(REQUIRED), length(max=20000)],
    )
    confirm_redaction = BooleanField(
        _l("Tôi đã kiểm tra: nội dung công khai không còn thông tin cá nhân."),
        validators=[DataRequired(_l("Cần xác nhận đã kiểm tra thông tin cá nhân."))],
    )


class ReworkForm(VersionedForm):
    reason = TextAreaField(
        _l("Nội dung cần hoàn thiện"), validators=[DataRequired(REQUIRED), length(max=5000)]
    )


class ExtensionRequestForm(VersionedForm):
    working_days = IntegerField(
        _l("Số ngày làm việc xin gia hạn"),
        validators=[InputRequired(REQUIRED), NumberRange(min=1, max=60)],
    )
    reason = TextAreaField(
        _l("Lý do gia hạn"), validators=[DataRequired(REQUIRED), length(max=5000)]
    )


class ExtensionDecisionForm(VersionedForm):
    decision = SelectField(
        _l("Quyết định"),
        choices=[
            SelectChoice("approve", _l("Đồng ý gia hạn")),
            SelectChoice("refuse", _l("Không đồng ý")),
        ],
    )
    note = TextAreaField(_l("Ý kiến"), validators=[length(max=2000)])
