"""Names for the keys of report rows (unit ids, field ids, channel and reason codes), in the
reader's language: used by the supervisors' pages, the exports and the public statistics."""

from __future__ import annotations

from flask_babel import gettext as _

from intake.cases.labels import (
    CHANNEL_LABELS,
    CONTENT_CLASS_LABELS,
    KIND_LABELS,
    REJECT_REASON_LABELS,
)
from intake.cases.models import CaseKind, Channel, ContentClass
from intake.core.reasons import RejectReason
from intake.extensions import db
from intake.org.models import Field, Unit
from intake.reports.figures import Breakdown


class ReportLabels:
    """Names for breakdown keys (unit ids, field ids, channels), in the reader's language."""

    def __init__(self, locale: str):
        self.locale = locale
        self.units = {u.id: u.display_name(locale) for u in db.session.scalars(db.select(Unit))}
        self.fields = {f.id: f.display_name(locale) for f in db.session.scalars(db.select(Field))}

    def unit(self, key) -> str:
        return self.units.get(key) or _("Bộ phận tiếp nhận (chưa giao đơn vị)")

    def field(self, key) -> str:
        return self.fields.get(key) or _("Chưa phân loại lĩnh vực")

    def channel(self, key) -> str:
        try:
            return str(CHANNEL_LABELS[Channel(key)])
        except ValueError:
            return str(key)

    def kind(self, key) -> str:
        return str(_label(KIND_LABELS, CaseKind, key) or key)

    def content_class(self, key) -> str:
        return str(_label(CONTENT_CLASS_LABELS, ContentClass, key) or _("Chưa phân loại"))

    def refusal(self, key) -> str:
        return str(_label(REJECT_REASON_LABELS, RejectReason, key) or _("Khác"))

    def for_breakdown(self, breakdown: Breakdown):
        return {
            Breakdown.UNIT: self.unit,
            Breakdown.FIELD: self.field,
            Breakdown.CHANNEL: self.channel,
        }.get(breakdown, lambda key: _("Toàn tỉnh"))


def _label(labels: dict, enum_cls, key):
    try:
        return labels.get(enum_cls(key)) if key is not None else None
    except ValueError:
        return None
