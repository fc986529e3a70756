"""Options offered in forms: active fields, units grouped by level, searchable procedures."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from intake.core.calendar import local_date
from intake.extensions import db
from intake.org.models import Field, Procedure, Unit, UnitKind

UNIT_KIND_LABELS = {
    UnitKind.PROVINCE: _l("Cấp tỉnh"),
    UnitKind.DEPARTMENT: _l("Sở, ban, ngành"),
    UnitKind.DISTRICT: _l("UBND cấp huyện"),
    UnitKind.COMMUNE: _l("UBND cấp xã"),
    UnitKind.EXTERNAL: _l("Cơ quan ngoài tỉnh"),
}

_NOT_SURE_LABEL = _l("— Không rõ / không chọn —")
_OPTION_SEPARATOR = " — "


def field_choices(locale: str) -> list[SelectChoice]:
    fields = db.session.scalars(sa.select(Field).where(Field.is_active).order_by(Field.name)).all()
    return [
        SelectChoice("", str(_NOT_SURE_LABEL)),
        *(SelectChoice(str(f.id), f.display_name(locale)) for f in fields),
    ]


def unit_choices(locale: str) -> list[SelectChoice]:
    """Units in force today that a citizen could be writing about, grouped by level."""
    today = local_date(datetime.now(UTC))
    units = db.session.scalars(
        sa.select(Unit).where(Unit.kind != UnitKind.EXTERNAL).order_by(Unit.name)
    ).all()
    choices = [SelectChoice("", str(_NOT_SURE_LABEL))]
    for kind in (UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE):
        choices += [
            SelectChoice(str(u.id), u.display_name(locale), optgroup=str(UNIT_KIND_LABELS[kind]))
            for u in units
            if u.kind is kind and u.is_active_on(today)
        ]
    return choices


def procedure_options() -> list[str]:
    """ "1.001193 — Đăng ký khai sinh": the browser filters them as the citizen types."""
    rows = db.session.execute(
        sa.select(Procedure.national_code, Procedure.name)
        .where(Procedure.is_active)
        .order_by(Procedure.name)
    )
    return [f"{code}{_OPTION_SEPARATOR}{name}" for code, name in rows]


def procedure_id_from_option(text: str) -> int | None:
    """The procedure named by an option, or by its bare national code."""
    code = text.split(_OPTION_SEPARATOR, 1)[0].strip()
    return db.session.scalar(
        sa.select(Procedure.id).where(Procedure.national_code == code, Procedure.is_active)
    )
