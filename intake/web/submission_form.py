"""The submission form of Art. 7, shared by the citizen's page and the officers' record of an
item received through another channel: its fields, its files, and the ``CaseSubmission`` it
becomes. Messages are Vietnamese source strings, translated by Flask-Babel."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Optional, ValidationError

from intake.cases import submission_rules as rules
from intake.cases.attachments import RejectedUpload, Upload, check_upload
from intake.cases.labels import KIND_LABELS, SUBMITTER_TYPE_LABELS
from intake.cases.models import CaseKind, SubmitterType
from intake.cases.operations import CaseSubmission
from intake.forms import BaseForm, length
from intake.web.lifecycle import upload_message
from intake.web.params import id_param

REQUIRED = rules.REQUIRED


def _length(name: str):
    low, high = rules.LENGTHS[name]
    return length(min=low, max=high)


def _raise(message) -> None:
    if message is not None:
        raise ValidationError(message)


class SubmissionForm(BaseForm):
    """The web form of Art. 7: who is writing, how to reach them, and what it is about."""

    submission_token = HiddenField()
    submitter_type = RadioField(
        _l("Người gửi là"),
        choices=[SelectChoice(t.value, SUBMITTER_TYPE_LABELS[t]) for t in SubmitterType],
        default=SubmitterType.INDIVIDUAL.value,
        validators=[InputRequired(REQUIRED)],
    )
    # No Optional() on the two fields below: it would stop the chain before the inline check
    # that makes them required for an organisation or a petition.
    organisation_name = StringField(
        _l("Tên tổ chức, doanh nghiệp"), validators=[_length("organisation_name")]
    )
    tax_code = StringField(_l("Mã số thuế"), validators=[Optional(), _length("tax_code")])
    full_name = StringField(
        _l("Họ và tên"), validators=[DataRequired(REQUIRED), _length("full_name")]
    )
    address = StringField(
        _l("Địa chỉ liên hệ"), validators=[DataRequired(REQUIRED), _length("address")]
    )
    # Art. 7: a phone or a postal address; electronically also an e-mail or a postal address.
    # Each is optional on its own; ``validate`` checks the rule over the three together.
    phone = StringField(_l("Số điện thoại"), validators=[Optional(), _length("phone")])
    email = EmailField(
        _l("Thư điện tử (email)"),
        validators=[
            Optional(),
            Email(rules.BAD_EMAIL, check_deliverability=False),
            _length("email"),
        ],
    )
    postal_same = BooleanField(_l("Nhận văn bản qua bưu điện tại địa chỉ liên hệ ở trên"))
    postal_address = StringField(
        _l("Hoặc địa chỉ nhận thư khác"), validators=[Optional(), _length("postal_address")]
    )
    id_number = StringField(_l("Số CCCD/CMND"), validators=[Optional(), _length("id_number")])

    kind = RadioField(
        _l("Loại"),
        choices=[SelectChoice(k.value, KIND_LABELS[k]) for k in CaseKind],
        default=CaseKind.FEEDBACK.value,
        validators=[InputRequired(REQUIRED)],
    )
    title = StringField(_l("Tiêu đề"), validators=[DataRequired(REQUIRED), _length("title")])
    content = TextAreaField(
        _l("Nội dung phản ánh, kiến nghị"),
        validators=[DataRequired(REQUIRED), _length("content")],
    )
    proposed_solution = TextAreaField(
        _l("Giải pháp đề xuất"), validators=[_length("proposed_solution")]
    )
    field_id = SelectField(_l("Lĩnh vực"), coerce=str, validators=[Optional()])
    procedure = StringField(_l("Thủ tục hành chính liên quan"), validators=[Optional()])
    concerned_unit_id = SelectField(
        _l("Cơ quan, đơn vị liên quan"), coerce=str, validators=[Optional()]
    )
    attachments = MultipleFileField(_l("Tài liệu kèm theo"))
    consent_to_publish = BooleanField(
        _l(
            "Tôi đồng ý để nội dung phản ánh, kiến nghị (đã được xóa thông tin cá nhân) được "
            "công khai cùng kết quả trả lời."
        )
    )
    declared_truthful = BooleanField(
        _l(
            "Tôi cam đoan nội dung phản ánh, kiến nghị là trung thực và chịu trách nhiệm trước "
            "pháp luật về nội dung này."
        ),
        validators=[DataRequired(rules.NEED_DECLARATION)],
    )

    def validate_organisation_name(self, field):
        _raise(rules.organisation_name_error(self.submitter_type.data, field.data))

    def validate_tax_code(self, field):
        _raise(rules.tax_code_error(field.data))

    #: Submitted electronically (the web form): Art. 7 asks for an e-mail or a postal address.
    electronic = True

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        missing = rules.contact_error(
            phone=self.phone.data if not self.phone.errors else "",
            postal_address=self.postal_address_value,
            email=self.email.data,
            electronic=self.is_electronic,
        )
        if missing is not None:
            field = getattr(self, missing[0])
            if not field.errors:
                field.errors = [*field.errors, missing[1]]
        return valid and missing is None

    @property
    def is_electronic(self) -> bool:
        return self.electronic

    @property
    def postal_address_value(self) -> str | None:
        """The postal address given, or the contact address when the box says letters go there."""
        if self.postal_address.data:
            return self.postal_address.data
        return self.address.data if self.postal_same.data and self.address.data else None

    def validate_phone(self, field):
        field.data, message = rules.phone_value(field.data)
        _raise(message)

    def validate_id_number(self, field):
        _raise(rules.id_number_error(field.data))

    def validate_proposed_solution(self, field):
        _raise(rules.proposed_solution_error(self.kind.data, field.data))

    def read_uploads(self) -> list[Upload]:
        """Read and check each file; problems become errors on the attachments field."""
        return read_uploads(self.attachments)

    @property
    def chosen_field_id(self) -> int | None:
        return id_param(self.field_id.data)

    @property
    def chosen_unit_id(self) -> int | None:
        return id_param(self.concerned_unit_id.data)

    def to_submission(self, uploads, procedure_id, language) -> CaseSubmission:
        return CaseSubmission(
            submitter_type=SubmitterType(self.submitter_type.data),
            organisation_name=self.organisation_name.data,
            tax_code=self.tax_code.data,
            full_name=self.full_name.data,
            address=self.address.data,
            phone=self.phone.data,
            email=self.email.data,
            postal_address=self.postal_address_value,
            id_number=self.id_number.data,
            kind=CaseKind(self.kind.data),
            title=self.title.data,
            content=self.content.data,
            proposed_solution=self.proposed_solution.data,
            field_id=self.chosen_field_id,
            procedure_id=procedure_id,
            concerned_unit_id=self.chosen_unit_id,
            consent_to_publish=self.consent_to_publish.data,
            declared_truthful=self.declared_truthful.data,
            language=language,
            uploads=uploads,
        )


def read_uploads(field) -> list[Upload]:
    """The files of a multiple-file field, read and checked; each problem becomes an error on
    the field (browsers never send chosen files again, so the citizen is asked to)."""
    files = [f for f in field.data or [] if f and getattr(f, "filename", None)]
    limit = current_app.config["MAX_ATTACHMENTS"]
    max_bytes = current_app.config["MAX_ATTACHMENT_BYTES"]
    if len(files) > limit:
        field.errors.append(_("Chỉ được gửi tối đa %(n)d tệp.", n=limit))
        return []
    uploads = []
    for file in files:
        file.stream.seek(0)  # read again from the start if the lifecycle retries
        upload = Upload(filename=file.filename, data=file.read(max_bytes + 1))
        try:
            check_upload(upload, max_bytes)
        except RejectedUpload as exc:
            field.errors.append(upload_message(exc))
        else:
            uploads.append(upload)
    if field.errors:
        field.errors.append(_("Vui lòng chọn lại các tệp đính kèm."))
    return uploads
