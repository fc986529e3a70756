"""Officers' forms other than the verbs' (``action_forms``): the queue filter and the record of
an item received through another channel; and the versioned base of the action forms."""

from __future__ import annotations

import functools
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Optional,
    ValidationError,
)

from intake import clock
from intake.cases.labels import (
    CHANNEL_LABELS,
    PRIORITY_LABELS,
    STATE_LABELS,
)
from intake.cases.models import Channel
from intake.cases.operations.submission import ELECTRONIC_CHANNELS
from intake.core.calendar import LOCAL_TZ
from intake.forms import BaseForm, KeptChoices, length
from intake.web.submission_form import SubmissionForm

REQUIRED = _l("Vui lòng nhập thông tin này.")
ANY = SelectChoice("", _l("— Tất cả —"))


def choices_of(labels, values=None, blank=None):
    values = values if values is not None else labels.keys()
    options = [SelectChoice(str(v), labels[v]) for v in values]
    return [blank, *options] if blank is not None else options


_FILTER_LABELS = {"state": STATE_LABELS, "channel": CHANNEL_LABELS, "priority": PRIORITY_LABELS}


@functools.cache
def kept_filter_choices(name: str, locale: str) -> KeptChoices:
    """The fixed options of a queue filter (states, channels, priorities) as text in the
    visitor's language ``locale`` (call it within a request in that language), built and
    rendered once per process: the labels never change while it runs."""
    return KeptChoices(
        SelectChoice(c.value, str(c.label)) for c in choices_of(_FILTER_LABELS[name], blank=ANY)
    )


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
        _l("Tình trạng"), choices=choices_of(STATE_LABELS, blank=ANY), validate_choice=False
    )
    field_id = SelectField(_l("Lĩnh vực"), validate_choice=False)
    unit_id = SelectField(_l("Đơn vị"), validate_choice=False)
    channel = SelectField(
        _l("Kênh tiếp nhận"), choices=choices_of(CHANNEL_LABELS, blank=ANY), validate_choice=False
    )
    priority = SelectField(
        _l("Mức độ"), choices=choices_of(PRIORITY_LABELS, blank=ANY), validate_choice=False
    )
    received_from = DateField(_l("Tiếp nhận từ ngày"), validators=[Optional()])
    received_to = DateField(_l("đến ngày"), validators=[Optional()])


class RecordCaseForm(SubmissionForm):
    """An item received by phone, paper, e-mail, at the counter or from the national portal,
    written down faithfully by the officer (Art. 7.2)."""

    channel = SelectField(
        _l("Kênh tiếp nhận"),
        # The web form and connected apps record their own items; officers record the others.
        choices=choices_of(
            CHANNEL_LABELS, [c for c in Channel if c not in (Channel.WEB, Channel.APP)]
        ),
        default=Channel.PHONE.value,  # the most frequent, and the one recorded in a hurry
        validators=[InputRequired(REQUIRED)],
    )
    received_on = DateField(
        _l("Ngày nhận (theo văn bản, cuộc gọi)"), validators=[DataRequired(REQUIRED)]
    )
    national_code = StringField(
        _l("Mã trên Cổng Dịch vụ công quốc gia (nếu có)"), validators=[Optional(), length(max=40)]
    )
    declared_truthful = BooleanField(_l("Người gửi đã cam đoan nội dung là trung thực"))
    language = SelectField(
        _l("Ngôn ngữ liên lạc với người gửi"),
        choices=[SelectChoice("vi", "Tiếng Việt"), SelectChoice("en", "English")],
    )

    def validate_received_on(self, field):
        today = clock.now().astimezone(LOCAL_TZ).date()
        if field.data and not (date(2000, 1, 1) <= field.data <= today):
            raise ValidationError(_l("Ngày nhận phải là một ngày đã qua."))

    @property
    def is_electronic(self) -> bool:
        """Items from e-mail and the national portal came electronically; the rest did not."""
        return self.channel.data in {str(c) for c in ELECTRONIC_CHANNELS}

    @property
    def language_value(self) -> str:
        return self.language.data if self.language.data in ("vi", "en") else "vi"
