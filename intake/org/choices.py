"""Options offered in forms: active fields, units grouped by level, searchable procedures.

They are the same for everyone, so each list is built once per language and day and kept in
the process (as :class:`KeptChoices`, with its options rendered once) until the organisation
changes (``intake.cache_versions``) or :data:`KEEP_SECONDS` pass."""

from __future__ import annotations

import functools
import time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from intake import cache_versions, clock
from intake.core.calendar import local_date
from intake.extensions import db
from intake.forms import KeptChoices
from intake.org.models import Field, Procedure, Unit, UnitKind

UNIT_KIND_LABELS = {
    UnitKind.PROVINCE: _l("Cấp tỉnh"),
    UnitKind.DEPARTMENT: _l("Sở, ban, ngành"),
    UnitKind.DISTRICT: _l("UBND cấp huyện"),
    UnitKind.COMMUNE: _l("UBND cấp xã"),
    UnitKind.EXTERNAL: _l("Cơ quan ngoài tỉnh"),
}

_NOT_SURE_LABEL = _l("— Không rõ / không chọn —")
ALL_LABEL = _l("— Tất cả —")  # the blank option of a filter rather than of a form
_OPTION_SEPARATOR = " — "


_KEPT: dict[tuple, tuple[float, tuple]] = {}


def _kept(build):
    """Keep ``build``'s result per arguments, day and version of the organisation."""

    @functools.wraps(build)
    def kept(*args, **kwargs):
        version = cache_versions.current((cache_versions.ORGANISATION,))
        if version is None:
            return KeptChoices(build(*args, **kwargs))
        # Labels are lazy strings: as text, in the visitor's language (also part of the key).
        named = tuple(sorted((k, str(v)) for k, v in kwargs.items()))
        key = (build.__name__, tuple(map(str, args)), named, local_date(clock.now()), version)
        found = _KEPT.get(key)
        if found is not None and found[0] > time.monotonic():
            return found[1]
        value = KeptChoices(build(*args, **kwargs))
        if len(_KEPT) > 256:  # old versions and days: start again rather than grow
            _KEPT.clear()
        _KEPT[key] = (time.monotonic() + cache_versions.KEEP_SECONDS, value)
        return value

    return kept


@_kept
def field_choices(locale: str, blank=_NOT_SURE_LABEL) -> list[SelectChoice]:
    fields = db.session.scalars(sa.select(Field).where(Field.is_active).order_by(Field.name)).all()
    return [
        SelectChoice("", str(blank)),
        *(SelectChoice(str(f.id), f.display_name(locale)) for f in fields),
    ]


@_kept
def unit_choices(
    locale: str, include_blank: bool = True, blank=_NOT_SURE_LABEL
) -> list[SelectChoice]:
    """Units in force today (not external agencies), grouped by level."""
    today = local_date(clock.now())
    units = db.session.scalars(
        sa.select(Unit).where(Unit.kind != UnitKind.EXTERNAL).order_by(Unit.name)
    ).all()
    choices = [SelectChoice("", str(blank))] if include_blank else []
    for kind in (UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE):
        choices += [
            SelectChoice(str(u.id), u.display_name(locale), optgroup=str(UNIT_KIND_LABELS[kind]))
            for u in units
            if u.kind is kind and u.is_active_on(today)
        ]
    return choices


@_kept
def external_unit_choices(locale: str) -> list[SelectChoice]:
    """The agencies outside the province in force today (ministries, the Government
    Inspectorate, other provinces …): where an item is transferred out, by full name."""
    today = local_date(clock.now())
    units = db.session.scalars(
        sa.select(Unit).where(Unit.kind == UnitKind.EXTERNAL).order_by(Unit.name)
    ).all()
    return [SelectChoice(str(u.id), u.display_name(locale)) for u in units if u.is_active_on(today)]


@_kept
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


@_kept
def procedure_choices() -> list[SelectChoice]:
    """Every active procedure for the officers' select, code first."""
    rows = db.session.execute(
        sa.select(Procedure.id, Procedure.national_code, Procedure.name)
        .where(Procedure.is_active)
        .order_by(Procedure.name)
    )
    return [SelectChoice("", str(_NOT_SURE_LABEL))] + [
        SelectChoice(str(pid), f"{code}{_OPTION_SEPARATOR}{name}") for pid, code, name in rows
    ]


def procedure_id_from_form(form) -> int | None:
    """The procedure picked from the searchable list of a submission form, if any; a text that
    names no procedure becomes an error on the field."""
    text = (form.procedure.data or "").strip()
    if not text:
        return None
    procedure_id = procedure_id_from_option(text)
    if procedure_id is None:
        form.procedure.errors.append(
            _l("Vui lòng chọn thủ tục trong danh sách gợi ý, hoặc để trống nếu không rõ.")
        )
    return procedure_id
