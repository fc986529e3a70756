"""The period and filter bar shared by the dashboard, the reports and the exports."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Optional

from intake.cases.labels import CHANNEL_LABELS
from intake.core.periods import Period, PeriodKind, period_containing, report_period, reporting_year
from intake.forms import BaseForm
from intake.reports.figures import Breakdown

PERIOD_LABELS = {
    PeriodKind.QUARTER: _l("Quý"),
    PeriodKind.SIX_MONTHS: _l("6 tháng"),
    PeriodKind.NINE_MONTHS: _l("9 tháng"),
    PeriodKind.YEAR: _l("Năm"),
    PeriodKind.CUSTOM: _l("Khoảng thời gian tùy chọn"),
}
BREAKDOWN_LABELS = {
    Breakdown.PROVINCE: _l("Toàn tỉnh"),
    Breakdown.UNIT: _l("Theo đơn vị"),
    Breakdown.FIELD: _l("Theo lĩnh vực"),
    Breakdown.CHANNEL: _l("Theo kênh tiếp nhận"),
}
QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}
#: A custom range longer than this is refused: nobody reports on it, and it is costly.
MAX_CUSTOM_DAYS = 5 * 366
FIRST_YEAR = 2020


def _choices(labels: dict, blank=None) -> list[SelectChoice]:
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(str(k), v) for k, v in labels.items()]


class PeriodForm(BaseForm):
    """A GET form (bookmarkable, printable links): no CSRF token."""

    class Meta:
        csrf = False

    period = SelectField(_l("Kỳ báo cáo"), choices=_choices(PERIOD_LABELS), validate_choice=False)
    year = SelectField(_l("Năm"), validate_choice=False)
    quarter = SelectField(
        _l("Quý"),
        choices=[SelectChoice(str(q), name) for q, name in QUARTER_NAMES.items()],
        validate_choice=False,
    )
    # The date input sends 2026-03-14; typed by hand (no date picker) 14/03/2026.
    date_from = DateField(_l("Từ ngày"), validators=[Optional()], format=["%Y-%m-%d", "%d/%m/%Y"])
    date_to = DateField(_l("Đến ngày"), validators=[Optional()], format=["%Y-%m-%d", "%d/%m/%Y"])
    unit_id = SelectField(_l("Đơn vị"), validate_choice=False)
    field_id = SelectField(_l("Lĩnh vực"), validate_choice=False)
    channel = SelectField(_l("Kênh tiếp nhận"), validate_choice=False)
    breakdown = SelectField(
        _l("Chia theo"), choices=_choices(BREAKDOWN_LABELS), validate_choice=False
    )

    def setup(self, today: date, unit_choices, field_choices, all_label) -> None:
        self.year.choices = [
            SelectChoice(str(y), str(y)) for y in range(reporting_year(today), FIRST_YEAR - 1, -1)
        ]
        self.unit_id.choices = unit_choices
        self.field_id.choices = field_choices
        self.channel.choices = _choices(CHANNEL_LABELS, blank=all_label)
        # An empty bar shows what the page shows: the current quarter.
        current = period_containing(today, PeriodKind.QUARTER)
        self.period.data = self.period.data or PeriodKind.QUARTER.value
        self.year.data = self.year.data or str(reporting_year(today))
        self.quarter.data = self.quarter.data or str(_quarter_of(current))


def resolve_period(form: PeriodForm, today: date) -> tuple[Period, PeriodKind, str | None]:
    """The period the form asks for and its kind, with a message when it had to fall back to
    the current quarter instead (unknown values, a range that is not one, or a period that
    has not started: its figures would only be today's)."""
    current = period_containing(today, PeriodKind.QUARTER)
    fallback = (current, PeriodKind.QUARTER)
    try:
        kind = PeriodKind(form.period.data or PeriodKind.QUARTER)
    except ValueError:
        return *fallback, _("Kỳ báo cáo không hợp lệ; đang hiển thị quý hiện tại.")
    if kind is PeriodKind.CUSTOM:
        first, last = form.date_from.data, form.date_to.data
        if form.date_from.errors or form.date_to.errors or not first or not last:
            return *fallback, _(
                "Hãy nhập đủ ngày bắt đầu và ngày kết thúc hợp lệ (ngày/tháng/năm)."
            )
        if last < first:
            return *fallback, _("Ngày kết thúc phải sau ngày bắt đầu.")
        if (last - first).days > MAX_CUSTOM_DAYS or first.year < FIRST_YEAR:
            return *fallback, _("Khoảng thời gian tối đa là 5 năm, từ năm %(year)d trở đi.",
                                year=FIRST_YEAR)  # fmt: skip
        period = Period(first, last)
    else:
        year = _int(form.year.data, default=reporting_year(today))
        if not FIRST_YEAR <= year <= reporting_year(today):
            return *fallback, _("Năm báo cáo không hợp lệ; đang hiển thị quý hiện tại.")
        quarter = None
        if kind is PeriodKind.QUARTER:
            quarter = _int(form.quarter.data, default=_quarter_of(current))
            if quarter not in QUARTER_NAMES:
                return *fallback, _("Quý không hợp lệ; đang hiển thị quý hiện tại.")
        period = report_period(kind, year, quarter)
    if period.first_day > today:
        return *fallback, _("Kỳ báo cáo này chưa bắt đầu; đang hiển thị quý hiện tại.")
    return period, kind, None


def period_title(period: Period, kind: PeriodKind) -> str:
    """ "Quý IV năm 2026", "6 tháng năm 2026" … with the dates, as reports are headed."""
    dates = _("từ ngày %(first)s đến ngày %(last)s",
              first=format_date(period.first_day, "dd/MM/yyyy"),
              last=format_date(period.last_day, "dd/MM/yyyy"))  # fmt: skip
    names = {
        PeriodKind.QUARTER: _("Quý %(q)s năm %(y)s"),
        PeriodKind.SIX_MONTHS: _("6 tháng đầu năm %(y)s"),
        PeriodKind.NINE_MONTHS: _("9 tháng năm %(y)s"),
        PeriodKind.YEAR: _("Năm %(y)s"),
    }
    name = names.get(kind)
    if name is None:
        return dates[:1].upper() + dates[1:]
    label = name % {"q": QUARTER_NAMES.get(_quarter_of(period), ""), "y": _year_of(period)}
    return f"{label} ({dates})"


def _quarter_of(period: Period) -> int:
    return {3: 1, 6: 2, 9: 3, 12: 4}.get(period.last_day.month, 0)


def _year_of(period: Period) -> int:
    return period.last_day.year  # cut-off periods end on the 14th of their year's last month


def _int(value, default: int) -> int:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else default
