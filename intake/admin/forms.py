"""The administrator's forms, one per page. Select options that come from the database (units,
fields, procedures) are set by the view; a value not among them (a tampered id) is a field error,
never a server error. Checks that need the database live in the operations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    PasswordField,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.widgets import TextInput

from intake.accounts.models import Role
from intake.admin.operations import (
    MAX_EXTENSION_WORKING_DAYS,
    MAX_EXTENSIONS,
    MAX_WORKING_DAYS,
    MIN_PASSWORD_LENGTH,
)
from intake.cases.labels import PRIORITY_LABELS, STEP_LABELS
from intake.core.deadlines import Priority, Step
from intake.forms import BaseForm, WholeNumberField, length
from intake.org.choices import UNIT_KIND_LABELS
from intake.org.models import ProcedureLevel, UnitKind

REQUIRED = _l("Vui lòng nhập thông tin này.")
ANY = SelectChoice("", _l("— Tất cả —"))
NONE = SelectChoice("", _l("— Không chọn —"))

ROLE_LABELS = {
    Role.INTAKE_OFFICER: _l("Cán bộ tiếp nhận"),
    Role.HANDLER: _l("Cán bộ xử lý"),
    Role.UNIT_LEAD: _l("Lãnh đạo đơn vị"),
    Role.SUPERVISOR: _l("Giám sát"),
    Role.ADMIN: _l("Quản trị"),
}

LEVEL_LABELS = {
    ProcedureLevel.PROVINCE: _l("Cấp tỉnh"),
    ProcedureLevel.DISTRICT: _l("Cấp huyện"),
    ProcedureLevel.COMMUNE: _l("Cấp xã"),
}

_CODE = Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    message=_l("Chỉ dùng chữ không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới."),
)


def _choices(labels, blank=None) -> list[SelectChoice]:
    options = [SelectChoice(str(value), label) for value, label in labels.items()]
    return [blank, *options] if blank is not None else options


class LocalDateField(DateField):
    """A date whose parse error speaks the visitor's language (WTForms' own does not)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("Ngày không hợp lệ."))) from None


def _password(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(REQUIRED),
            length(min=MIN_PASSWORD_LENGTH, max=200),
        ],
    )


def _confirm():
    return PasswordField(
        _l("Nhập lại mật khẩu"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", message=_l("Hai lần nhập mật khẩu không khớp.")),
        ],
    )


# --- users ------------------------------------------------------------------------------------


class UserFilterForm(BaseForm):
    """Filters of the users list: a GET form, bookmarkable, so no CSRF token. Unknown values are
    ignored by the view rather than shown as errors."""

    class Meta:
        csrf = False

    q = SearchField(_l("Tìm theo tên, thư điện tử"), validators=[Optional(), length(max=200)])
    unit_id = SelectField(_l("Đơn vị"), validate_choice=False)
    role = SelectField(_l("Vai trò"), choices=_choices(ROLE_LABELS, ANY), validate_choice=False)
    status = SelectField(
        _l("Trạng thái"),
        choices=[
            ANY,
            SelectChoice("enabled", _l("Đang hoạt động")),
            SelectChoice("disabled", _l("Đã khóa")),
        ],
        validate_choice=False,
    )


class _UserForm(BaseForm):
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED), length(max=255)])
    role = SelectField(_l("Vai trò"), choices=_choices(ROLE_LABELS))
    unit_id = SelectField(_l("Đơn vị"), validators=[InputRequired(REQUIRED)])

    @property
    def role_value(self) -> Role:
        return Role(self.role.data)


class UserEditForm(_UserForm):
    is_enabled = BooleanField(_l("Tài khoản đang hoạt động (được phép đăng nhập)"))


class UserCreateForm(_UserForm):
    email = EmailField(
        _l("Thư điện tử (dùng để đăng nhập)"),
        validators=[
            DataRequired(REQUIRED),
            Email(_l("Địa chỉ thư điện tử không hợp lệ."), check_deliverability=False),
            length(max=255),
        ],
    )
    password = _password(_l("Mật khẩu ban đầu"))
    confirm = _confirm()


class PasswordResetForm(BaseForm):
    password = _password(_l("Mật khẩu mới"))
    confirm = _confirm()
    must_change = BooleanField(
        _l("Yêu cầu người dùng đổi mật khẩu khi đăng nhập lần tới"), default=True
    )


# --- units, fields, procedures ----------------------------------------------------------------


class UnitForm(BaseForm):
    code = StringField(_l("Mã đơn vị"), validators=[DataRequired(REQUIRED), length(max=40), _CODE])
    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(REQUIRED), length(max=255)])
    name_en = StringField(_l("Tên tiếng Anh"), validators=[Optional(), length(max=255)])
    kind = SelectField(_l("Loại đơn vị"), choices=_choices(UNIT_KIND_LABELS))
    parent_id = SelectField(_l("Đơn vị cấp trên"), validators=[Optional()])
    email = EmailField(
        _l("Thư điện tử nhận thông báo"),
        validators=[
            Optional(),
            Email(_l("Địa chỉ thư điện tử không hợp lệ."), check_deliverability=False),
            length(max=255),
        ],
    )
    receives_intake = BooleanField(_l("Là bộ phận tiếp nhận phản ánh, kiến nghị"))
    valid_from = LocalDateField(_l("Hiệu lực từ ngày"), validators=[Optional()])
    valid_to = LocalDateField(_l("Ngày kết thúc hoạt động"), validators=[Optional()])

    @property
    def kind_value(self) -> UnitKind:
        return UnitKind(self.kind.data)


class FieldForm(BaseForm):
    code = StringField(
        _l("Mã lĩnh vực"), validators=[DataRequired(REQUIRED), length(max=40), _CODE]
    )
    name = StringField(_l("Tên lĩnh vực"), validators=[DataRequired(REQUIRED), length(max=255)])
    name_en = StringField(_l("Tên tiếng Anh"), validators=[Optional(), length(max=255)])
    is_active = BooleanField(_l("Đang sử dụng (hiện trong các danh sách chọn)"))


class ProcedureFilterForm(BaseForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Tìm theo mã hoặc tên thủ tục"), validators=[Optional(), length(max=200)])
    field_id = SelectField(_l("Lĩnh vực"), validate_choice=False)


class ProcedureForm(BaseForm):
    national_code = StringField(
        _l("Mã thủ tục (theo Cơ sở dữ liệu quốc gia)"),
        validators=[DataRequired(REQUIRED), length(max=20), _CODE],
    )
    name = StringField(_l("Tên thủ tục"), validators=[DataRequired(REQUIRED), length(max=1000)])
    field_id = SelectField(_l("Lĩnh vực"), validators=[InputRequired(REQUIRED)])
    level = SelectField(_l("Cấp thực hiện"), choices=_choices(LEVEL_LABELS))
    unit_id = SelectField(_l("Đơn vị chịu trách nhiệm"), validators=[Optional()])
    is_active = BooleanField(_l("Đang áp dụng (hiện trong các danh sách chọn)"))

    @property
    def level_value(self) -> ProcedureLevel:
        return ProcedureLevel(self.level.data)


# --- routing rules ----------------------------------------------------------------------------


class RoutingRuleForm(BaseForm):
    field_id = SelectField(_l("Lĩnh vực"), validators=[Optional()])
    procedure_id = SelectField(_l("Thủ tục hành chính"), validators=[Optional()])
    unit_id = SelectField(_l("Đơn vị chủ trì được gợi ý"), validators=[InputRequired(REQUIRED)])


# --- deadline policies ------------------------------------------------------------------------


def _number(label, validators) -> WholeNumberField:
    """A whole number typed as text (inputmode numeric): styled like every other input, and no
    spinner that changes the value when the page is scrolled."""
    return WholeNumberField(
        label, validators=validators, widget=TextInput(), render_kw={"inputmode": "numeric"}
    )


class _Range(NumberRange):
    """NumberRange that stays silent when the value is not a number at all: that error is
    already shown, and one message per field is enough."""

    def __call__(self, form, field):
        if field.data is not None:
            super().__call__(form, field)


def _days(label, *, blank_allowed: bool = False):
    return _number(
        label,
        [
            Optional() if blank_allowed else InputRequired(REQUIRED),
            _Range(
                min=1,
                max=MAX_WORKING_DAYS,
                message=_l("Nhập số ngày làm việc từ 1 đến %(max)d.", max=MAX_WORKING_DAYS),
            ),
        ],
    )


def _extension_count(label, *, blank_allowed: bool = False):
    return _number(
        label,
        [
            Optional() if blank_allowed else InputRequired(REQUIRED),
            _Range(
                min=0,
                max=MAX_EXTENSIONS,
                message=_l("Nhập số lần gia hạn từ 0 đến %(max)d.", max=MAX_EXTENSIONS),
            ),
        ],
    )


def _extension_days(label, *, blank_allowed: bool = False):
    return _number(
        label,
        [
            Optional() if blank_allowed else InputRequired(REQUIRED),
            _Range(
                min=1,
                max=MAX_EXTENSION_WORKING_DAYS,
                message=_l(
                    "Nhập số ngày làm việc từ 1 đến %(max)d.", max=MAX_EXTENSION_WORKING_DAYS
                ),
            ),
        ],
    )


class StepPolicyForm(BaseForm):
    """One row of the province-wide table: the step's length at each priority."""

    normal_days = _days(_l("Mức thường (ngày làm việc)"))
    urgent_days = _days(_l("Mức khẩn (ngày làm việc)"))
    # The reminder schedule (DOMAIN §4): checked by the operation, which names the field.
    remind_half_percent = WholeNumberField(
        _l("Nhắc đơn vị lần đầu khi đã dùng (% thời hạn)"), validators=[InputRequired(REQUIRED)]
    )
    remind_late_percent = WholeNumberField(
        _l("Nhắc đơn vị lần hai khi đã dùng (% thời hạn)"), validators=[InputRequired(REQUIRED)]
    )
    escalation_working_days = WholeNumberField(
        _l("Báo người giám sát sau hạn (ngày làm việc)"), validators=[InputRequired(REQUIRED)]
    )

    def working_days(self) -> dict[Priority, int]:
        return {Priority.NORMAL: self.normal_days.data, Priority.URGENT: self.urgent_days.data}

    def reminders(self) -> tuple[int | None, int | None, int | None]:
        return (
            self.remind_half_percent.data,
            self.remind_late_percent.data,
            self.escalation_working_days.data,
        )

    def extensions(self) -> dict[Priority, tuple[int, int]] | None:
        return None


class HandlingPolicyForm(StepPolicyForm):
    """The handling step also says how far it may be extended (gia hạn), at each priority."""

    normal_max_extensions = _extension_count(_l("Số lần gia hạn tối đa (mức thường)"))
    normal_max_extension_working_days = _extension_days(
        _l("Số ngày làm việc tối đa mỗi lần gia hạn (mức thường)")
    )
    urgent_max_extensions = _extension_count(_l("Số lần gia hạn tối đa (mức khẩn)"))
    urgent_max_extension_working_days = _extension_days(
        _l("Số ngày làm việc tối đa mỗi lần gia hạn (mức khẩn)")
    )

    def extensions(self) -> dict[Priority, tuple[int, int]]:
        return {
            Priority.NORMAL: (
                self.normal_max_extensions.data,
                self.normal_max_extension_working_days.data,
            ),
            Priority.URGENT: (
                self.urgent_max_extensions.data,
                self.urgent_max_extension_working_days.data,
            ),
        }


class PolicyOverrideForm(BaseForm):
    """A field's own length for one step and priority. The extension limits are asked for
    every step but kept only for the handling step."""

    field_id = SelectField(_l("Lĩnh vực"), validators=[InputRequired(REQUIRED)])
    step = SelectField(_l("Bước xử lý"), choices=_choices(STEP_LABELS))
    priority = SelectField(_l("Mức độ"), choices=_choices(PRIORITY_LABELS))
    working_days = _days(_l("Số ngày làm việc"))
    max_extensions = _extension_count(_l("Số lần gia hạn tối đa"), blank_allowed=True)
    max_extension_working_days = _extension_days(
        _l("Số ngày làm việc tối đa mỗi lần gia hạn"), blank_allowed=True
    )

    @property
    def step_value(self) -> Step:
        return Step(self.step.data)

    @property
    def priority_value(self) -> Priority:
        return Priority(self.priority.data)


# --- the working calendar ---------------------------------------------------------------------


class CalendarYearForm(BaseForm):
    """Which year the calendar shows: a GET form, so no CSRF token; a bad year is ignored."""

    class Meta:
        csrf = False

    year = _number(_l("Năm"), [Optional()])


DAY_OFF, WORKING_DAY = "off", "working"


class CalendarOverrideForm(BaseForm):
    day = LocalDateField(_l("Ngày"), validators=[InputRequired(REQUIRED)])
    kind = RadioField(
        _l("Ngày này là"),
        choices=[
            SelectChoice(DAY_OFF, _l("Ngày nghỉ")),
            SelectChoice(WORKING_DAY, _l("Ngày làm việc")),
        ],
        validators=[InputRequired(REQUIRED)],
    )
    reason = StringField(
        _l("Căn cứ"),
        validators=[
            DataRequired(_l("Vui lòng nêu căn cứ, ví dụ số quyết định của tỉnh.")),
            length(max=255),
        ],
    )

    @property
    def is_working_day(self) -> bool:
        return self.kind.data == WORKING_DAY


class DeleteForm(BaseForm):
    """Nothing to fill in: the CSRF token is the whole form."""


class NationalImportForm(BaseForm):
    """A batch of the national system to import (JSON or XLSX)."""

    batch = FileField(
        _l("Tệp lô hồ sơ (JSON hoặc XLSX)"),
        validators=[FileRequired(_l("Vui lòng chọn tệp lô hồ sơ."))],
    )


class NationalExportForm(BaseForm):
    """The time after which events are exported, in the province's time."""

    since = DateTimeLocalField(
        _l("Các thay đổi từ thời điểm"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[InputRequired(_l("Vui lòng nhập ngày giờ."))],
    )
