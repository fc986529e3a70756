"""One form per verb of the officers' door (``intake.cases.verbs``).

Each form names its verb, builds itself for a case (defaults and choices: ``for_case``) and
turns what was posted into the operation's keyword arguments (``inputs``). Ids that name
nothing become a message on their field, raised inside the request lifecycle like any
other refusal. Forms with a ``version`` carry the case version the officer saw.
"""

from __future__ import annotations

import json
from typing import ClassVar

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from intake.accounts.models import Role, User
from intake.cases.attachments import Upload, check_upload
from intake.cases.labels import (
    CONTENT_CLASS_LABELS,
    KIND_LABELS,
    PRIORITY_LABELS,
    REJECT_REASON_LABELS,
    RETURN_REASON_LABELS,
)
from intake.cases.models import Case, CaseKind, ContentClass
from intake.cases.operations.review import known_personal_data
from intake.core import redaction
from intake.core.deadlines import Priority
from intake.core.errors import InvalidInput
from intake.core.reasons import MANUAL_REJECT_REASONS, RejectReason, ReturnReason
from intake.extensions import db
from intake.forms import BaseForm, WholeNumberField, length
from intake.officer.forms import REQUIRED, VersionedForm, choices_of
from intake.org import choices
from intake.org.models import Unit
from intake.responses import service as responses
from intake.web.params import id_param


class CheckboxListField(SelectMultipleField):
    """Several units at once: a list of checkboxes (filterable by ``officer.js``), not a
    Ctrl-click multi-select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _locale() -> str:
    return str(get_locale())


def _unit(value, field: str) -> Unit:
    unit = db.session.get(Unit, id_param(value) or 0)
    if unit is None:
        raise InvalidInput(field, _l("không có đơn vị này"))
    return unit


class TemplateChoice:
    """A "use template" select on a form whose text fields receive the chosen template's text:
    with JavaScript on choosing (``officer.js``), without it by the "insert" submit."""

    #: The text fields a template's text goes into.
    template_targets: ClassVar[tuple[str, ...]] = ()
    #: Fields that serve the page only (the API's body leaves them out: ``intake.api.officers``).
    page_only: ClassVar[tuple[str, ...]] = ("template_id",)
    inserted = False  # shown again after an "insert": the form stays open

    def offer_templates(self, templates) -> None:
        self._templates = {str(t.id): t.text() for t in templates}
        self.template_id.choices = [
            SelectChoice("", _l("— Chọn mẫu —")),
            *(SelectChoice(str(t.id), t.title) for t in templates),
        ]
        self.template_id.render_kw = {
            "data-templates": json.dumps(
                {
                    i: dict.fromkeys(self.template_targets, text)
                    for i, text in self._templates.items()
                },
                ensure_ascii=False,
            )
        }

    def insert_template(self) -> None:
        """Append the chosen template's text to each target, as the script does."""
        text = self._templates.get(self.template_id.data or "")
        if text is None:
            return
        for name in self.template_targets:
            target = self[name]
            current = (target.data or "").strip()
            target.data = f"{current}\n\n{text}" if current else text
            target.raw_data = [target.data]
        self.template_id.data = ""
        self.inserted = True


class ActionForm(BaseForm):
    """The shape every action form shares; subclasses declare ``verb`` and their fields."""

    verb: ClassVar[str]

    @classmethod
    def for_case(cls, case: Case, *, posted: bool = False):
        """The form for ``case``: bound to this request's form data and files when ``posted``,
        else filled with the case's current values."""
        # Without a ``formdata`` argument Flask-WTF reads request.form and request.files.
        source = {} if posted else {"formdata": None}
        form = cls(**source, **cls.defaults(case))
        form.set_choices(case)
        return form

    @classmethod
    def defaults(cls, case: Case) -> dict:
        return {}

    def set_choices(self, case: Case) -> None:
        """Choices that depend on the organisation or the case (none by default)."""

    @property
    def expected_version(self) -> int | None:
        return None

    def inputs(self) -> dict:
        """The operation's keyword arguments, from what was posted."""
        return {}


class VersionedActionForm(VersionedForm, ActionForm):
    @classmethod
    def defaults(cls, case: Case) -> dict:
        return {"version": case.version}


class ClassifyForm(VersionedActionForm):
    verb = "classify"
    kind = SelectField(_l("Loại"), choices=choices_of(KIND_LABELS))
    content_class = SelectField(
        _l("Phân loại nội dung"),
        choices=choices_of(CONTENT_CLASS_LABELS, blank=SelectChoice("", _l("— Chưa xác định —"))),
        validators=[Optional()],
    )
    field_id = SelectField(_l("Lĩnh vực"), validators=[Optional()])
    procedure_id = SelectField(_l("Thủ tục hành chính"), validators=[Optional()])
    priority = SelectField(_l("Mức độ"), choices=choices_of(PRIORITY_LABELS))

    @classmethod
    def defaults(cls, case: Case) -> dict:
        return {
            "version": case.version,
            "kind": case.kind.value,
            "content_class": case.content_class.value if case.content_class else "",
            "field_id": str(case.field_id or ""),
            "procedure_id": str(case.procedure_id or ""),
            "priority": case.priority.value,
        }

    def set_choices(self, case: Case) -> None:
        self.field_id.choices = choices.field_choices(_locale())
        self.procedure_id.choices = choices.procedure_choices()

    def inputs(self) -> dict:
        return {
            "kind": CaseKind(self.kind.data),
            "content_class": ContentClass(self.content_class.data)
            if self.content_class.data
            else None,
            "field_id": id_param(self.field_id.data),
            "procedure_id": id_param(self.procedure_id.data),
            "priority": Priority(self.priority.data),
        }


class AssignForm(VersionedActionForm):
    verb = "assign"
    lead_unit_id = SelectField(_l("Đơn vị chủ trì"), validators=[InputRequired(REQUIRED)])
    cooperating_unit_ids = CheckboxListField(_l("Đơn vị phối hợp"), validators=[Optional()])
    note = TextAreaField(_l("Ý kiến chỉ đạo, ghi chú"), validators=[length(max=5000)])

    @classmethod
    def defaults(cls, case: Case) -> dict:
        from intake.org.routing import suggestion_for

        suggestion = suggestion_for(case.field_id, case.procedure_id)
        return {"version": case.version, "lead_unit_id": str(suggestion.unit_id or "")}

    def set_choices(self, case: Case) -> None:
        units = choices.unit_choices(_locale(), include_blank=False)
        self.lead_unit_id.choices = units
        self.cooperating_unit_ids.choices = units

    def inputs(self) -> dict:
        return {
            "lead_unit": _unit(self.lead_unit_id.data, "lead_unit_id"),
            "cooperating_units": [
                _unit(i, "cooperating_unit_ids") for i in self.cooperating_unit_ids.data or []
            ],
            "note": self.note.data,
        }


class TriageForm(ClassifyForm):
    """Classify and route in one form and one submit. Until the item is classified no unit
    is pre-selected: the fallback suggestion (the intake office) would invite misrouting."""

    verb = "triage"
    lead_unit_id = SelectField(_l("Đơn vị chủ trì"), validators=[InputRequired(REQUIRED)])
    cooperating_unit_ids = CheckboxListField(_l("Đơn vị phối hợp"), validators=[Optional()])
    note = TextAreaField(_l("Ý kiến chỉ đạo, ghi chú"), validators=[length(max=5000)])

    @classmethod
    def defaults(cls, case: Case) -> dict:
        return {**ClassifyForm.defaults(case), "lead_unit_id": suggested_unit_id(case)}

    def set_choices(self, case: Case) -> None:
        super().set_choices(case)
        units = choices.unit_choices(_locale(), include_blank=False)
        self.lead_unit_id.choices = [SelectChoice("", _l("— Chọn đơn vị chủ trì —")), *units]
        self.cooperating_unit_ids.choices = units

    def suggest(self) -> None:
        """The "suggest" submit (no JavaScript): the lead unit follows the posted field and
        procedure, like the script does as they change."""
        self.lead_unit_id.data = suggested_unit_id(
            field_id=id_param(self.field_id.data), procedure_id=id_param(self.procedure_id.data)
        )
        self.lead_unit_id.raw_data = [self.lead_unit_id.data]

    def inputs(self) -> dict:
        return {
            **super().inputs(),
            **AssignForm.inputs(self),  # the same three fields, read the same way
        }


def suggested_unit_id(case: Case | None = None, *, field_id=None, procedure_id=None) -> str:
    """The suggested lead unit's id as a form value; "" while nothing points to a unit
    other than the intake office's fallback."""
    from intake.core.routing import SuggestionSource
    from intake.org.routing import suggestion_for

    if case is not None:
        field_id, procedure_id = case.field_id, case.procedure_id
    if field_id is None and procedure_id is None:
        return ""
    suggestion = suggestion_for(field_id, procedure_id)
    if suggestion.source is SuggestionSource.INTAKE_OFFICE or suggestion.unit_id is None:
        return ""
    return str(suggestion.unit_id)


class RejectForm(TemplateChoice, VersionedActionForm):
    verb = "reject"
    template_targets = ("message",)
    reason = SelectField(
        _l("Lý do"), choices=choices_of(REJECT_REASON_LABELS, MANUAL_REJECT_REASONS)
    )
    template_id = SelectField(_l("Mẫu trả lời"), validators=[Optional()])
    message = TextAreaField(_l("Nội dung thông báo cho người gửi"), validators=[length(max=5000)])

    @classmethod
    def defaults(cls, case: Case) -> dict:
        values = super().defaults(case)
        # Once the citizen let a request for information run out, that is the reason to give.
        if case.info_overdue_at is not None:
            values["reason"] = RejectReason.NO_REPLY_TO_INFO_REQUEST.value
        return values

    def set_choices(self, case: Case) -> None:
        self.offer_templates(responses.refusal_templates())

    def inputs(self) -> dict:
        return {"reason": RejectReason(self.reason.data), "message": self.message.data}


class TransferForm(VersionedActionForm):
    """The competent agency is one of the external units of the tree (DOMAIN §8), chosen
    from a filterable list by full name; an agency missing there is added by the
    administrator, not typed here."""

    verb = "transfer"
    agency_unit_id = RadioField(
        _l("Cơ quan có thẩm quyền"),
        validators=[InputRequired(REQUIRED)],
        widget=ListWidget(prefix_label=False),
    )
    letter_number = StringField(
        _l("Số văn bản chuyển"), validators=[DataRequired(REQUIRED), length(max=60)]
    )

    def set_choices(self, case: Case) -> None:
        self.agency_unit_id.choices = choices.external_unit_choices(_locale())

    def inputs(self) -> dict:
        return {
            "agency_unit": _unit(self.agency_unit_id.data, "agency_unit_id"),
            "letter_number": self.letter_number.data,
        }


class RequestInfoForm(VersionedActionForm):
    verb = "request_info"
    message = TextAreaField(
        _l("Thông tin cần bổ sung"), validators=[DataRequired(REQUIRED), length(max=5000)]
    )

    def inputs(self) -> dict:
        return {"message": self.message.data}


class DuplicateForm(VersionedActionForm):
    verb = "duplicate"
    original_code = StringField(
        _l("Mã phản ánh, kiến nghị gốc"), validators=[DataRequired(REQUIRED), length(max=40)]
    )

    def inputs(self) -> dict:
        return {"original_code": self.original_code.data}


class AcceptForm(VersionedActionForm):
    verb = "accept"


class ResumeForm(VersionedActionForm):
    verb = "resume"


class ReturnForm(VersionedActionForm):
    verb = "return_case"
    reason = SelectField(_l("Lý do trả lại"), choices=choices_of(RETURN_REASON_LABELS))
    note = TextAreaField(_l("Giải thích"), validators=[DataRequired(REQUIRED), length(max=5000)])

    def inputs(self) -> dict:
        return {"reason": ReturnReason(self.reason.data), "note": self.note.data}


class AssignHandlerForm(VersionedActionForm):
    verb = "assign_handler"
    handler_id = SelectField(_l("Cán bộ xử lý"), validators=[InputRequired(REQUIRED)])

    @classmethod
    def defaults(cls, case: Case) -> dict:
        return {"version": case.version, "handler_id": str(case.handler_id or "")}

    def set_choices(self, case: Case) -> None:
        officers = db.session.scalars(
            sa.select(User)
            .where(
                User.unit_id == case.lead_unit_id,
                User.role.in_([Role.HANDLER, Role.UNIT_LEAD]),
                User.is_enabled,
            )
            .order_by(User.full_name)
        ).all()
        self.handler_id.choices = [SelectChoice(str(u.id), u.full_name) for u in officers]

    def inputs(self) -> dict:
        handler = db.session.get(User, id_param(self.handler_id.data) or 0)
        if handler is None:
            raise InvalidInput("handler_id", _l("không có cán bộ này"))
        return {"handler": handler}


class NoteForm(ActionForm):
    verb = "note"
    text = TextAreaField(
        _l("Ghi chú nội bộ"), validators=[DataRequired(REQUIRED), length(max=5000)]
    )

    def inputs(self) -> dict:
        return {"text": self.text.data}


class ReissueKeyForm(ActionForm):
    """A new access key for a citizen who called or came in: the officer says how they checked
    who it is; the key is shown once, on the answer to this form, and sent to the citizen."""

    verb = "reissue_key"
    note = StringField(
        _l("Cách xác minh người gửi"),
        validators=[DataRequired(REQUIRED), length(max=500)],
    )

    def inputs(self) -> dict:
        return {"note": self.note.data}


class CooperationForm(ActionForm):
    verb = "cooperate"
    unit_ids = CheckboxListField(_l("Đơn vị phối hợp"), validators=[DataRequired(REQUIRED)])
    question = TextAreaField(
        _l("Nội dung đề nghị phối hợp"), validators=[DataRequired(REQUIRED), length(max=5000)]
    )

    def set_choices(self, case: Case) -> None:
        self.unit_ids.choices = [
            c
            for c in choices.unit_choices(_locale(), include_blank=False)
            if c.value != str(case.lead_unit_id)
        ]

    def inputs(self) -> dict:
        return {
            "units": [_unit(i, "unit_ids") for i in self.unit_ids.data or []],
            "question": self.question.data,
        }


class CooperationReplyForm(BaseForm):
    """Not on the case page's list: one per open request, with its own prefix."""

    reply = TextAreaField(
        _l("Ý kiến của đơn vị phối hợp"), validators=[DataRequired(REQUIRED), length(max=10000)]
    )


class DeferForm(VersionedActionForm):
    verb = "defer"
    reason = TextAreaField(
        _l("Lý do tiếp tục nghiên cứu"), validators=[DataRequired(REQUIRED), length(max=5000)]
    )

    def inputs(self) -> dict:
        return {"reason": self.reason.data}


class AnswerForm(TemplateChoice, VersionedActionForm):
    verb = "answer"
    template_targets = ("public_text", "letter")
    template_id = SelectField(_l("Mẫu trả lời"), validators=[Optional()])
    public_text = TextAreaField(
        _l("Nội dung trả lời công khai"), validators=[Optional(), length(max=20000)]
    )
    letter = TextAreaField(
        _l("Văn bản trả lời người gửi"), validators=[Optional(), length(max=20000)]
    )
    attachment = FileField(_l("Tệp văn bản trả lời (nếu có)"))
    # The page's second button (name="submit_for_review" value="1"); a yes/no, so declared one.
    submit_for_review = BooleanField(_l("Trình duyệt kết quả"))

    def set_choices(self, case: Case) -> None:
        self.offer_templates(responses.answer_templates(case.field_id, case.lead_unit_id))

    @classmethod
    def defaults(cls, case: Case) -> dict:
        return {
            "version": case.version,
            "public_text": case.answer_public_text,
            "letter": case.answer_letter,
        }

    def inputs(self) -> dict:
        upload = None
        file = self.attachment.data
        if file and getattr(file, "filename", None):
            max_bytes = current_app.config["MAX_ATTACHMENT_BYTES"]
            file.stream.seek(0)  # read again from the start if the lifecycle retries
            upload = Upload(filename=file.filename, data=file.read(max_bytes + 1))
            check_upload(upload, max_bytes)
        return {
            "public_text": self.public_text.data,
            "letter": self.letter.data,
            "upload": upload,
            "submit_for_review": bool(self.submit_for_review.data),
        }


class ReviewForm(VersionedActionForm):
    """Shown on its own page (``officer.review``), with the texts masked beforehand."""

    verb = "publish"
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

    @classmethod
    def defaults(cls, case: Case) -> dict:
        known = known_personal_data(case)
        content = redaction.mask(case.content, known=known) if case.consent_to_publish else ""
        return {
            "version": case.version,
            "published_title": redaction.mask(case.title, known=known),
            "published_content": content,
            "published_answer": redaction.mask(case.answer_public_text or "", known=known),
        }

    def inputs(self) -> dict:
        return {
            "published_title": self.published_title.data,
            "published_content": self.published_content.data or "",
            "published_answer": self.published_answer.data,
        }


class ReworkForm(VersionedActionForm):
    verb = "rework"
    reason = TextAreaField(
        _l("Nội dung cần hoàn thiện"), validators=[DataRequired(REQUIRED), length(max=5000)]
    )

    def inputs(self) -> dict:
        return {"reason": self.reason.data}


class ExtensionRequestForm(VersionedActionForm):
    verb = "request_extension"
    working_days = WholeNumberField(
        _l("Số ngày làm việc xin gia hạn"),
        validators=[InputRequired(REQUIRED), NumberRange(min=1, max=60)],
    )
    reason = TextAreaField(
        _l("Lý do gia hạn"), validators=[DataRequired(REQUIRED), length(max=5000)]
    )

    def inputs(self) -> dict:
        return {"working_days": self.working_days.data, "reason": self.reason.data}


class ExtensionDecisionForm(VersionedActionForm):
    verb = "decide_extension"
    decision = SelectField(
        _l("Quyết định"),
        choices=[
            SelectChoice("approve", _l("Đồng ý gia hạn")),
            SelectChoice("refuse", _l("Không đồng ý")),
        ],
    )
    note = TextAreaField(_l("Ý kiến"), validators=[length(max=2000)])

    def inputs(self) -> dict:
        return {"approve": self.decision.data == "approve", "note": self.note.data}


#: The form of each officer verb (``reply_cooperation`` has one per open request instead).
ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.verb: form
    for form in (
        ClassifyForm, TriageForm, AssignForm, RejectForm, TransferForm, RequestInfoForm,
        DuplicateForm, AcceptForm, ResumeForm, ReturnForm, AssignHandlerForm, NoteForm,
        ReissueKeyForm, CooperationForm, DeferForm, AnswerForm, ReviewForm, ReworkForm,
        ExtensionRequestForm,
        ExtensionDecisionForm,
    )
}  # fmt: skip
