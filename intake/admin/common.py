"""What every admin page shares: the one shape of a form page (validate → ``perform`` →
flash → redirect, or the form again with the refusal next to its field), the filters a list
keeps in its links, and the choice lists of units, fields and procedures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms import SelectChoice

from intake import clock
from intake.admin import forms, queries
from intake.core.calendar import local_date
from intake.extensions import db
from intake.org.choices import UNIT_KIND_LABELS
from intake.org.models import Procedure
from intake.web.lifecycle import perform

PER_PAGE = 25
_INDENT = "\u00a0\u00a0\u00a0"  # options cannot be styled: non-breaking spaces show the tree


def save_form(form, template: str, operation: Callable[[], object], *, done, target, **context):
    """Validate, ``perform`` the operation (commit once), flash ``done(saved)`` and redirect
    (303) to ``target(saved)``; or show the form again (422) with the refusal next to the
    field it names — a unique key broken at commit included, never a 500."""
    if form.validate_on_submit():
        outcome = perform(operation)
        if outcome.ok:
            flash(done(outcome.value))
            return redirect(target(outcome.value), code=303)
        outcome.refusal.attach_to(form)
    status = 422 if form.is_submitted() else 200
    return render_template(template, form=form, **context), status


def perform_and_redirect(operation: Callable[[], object], *, done, target: str):
    """A button without a form to show again (a deletion): ``perform``, say how it went,
    and go back to ``target`` either way."""
    outcome = perform(operation)
    if outcome.ok:
        flash(done(outcome.value))
    else:
        flash(outcome.refusal.message, "warning")
    return redirect(target, code=303)


def filter_args(form) -> dict[str, str]:
    """The filters of a list as they arrived (the page says whether it is filtered): only the
    filter form's own fields. Page links are built by the ``page_url`` template helper."""
    return {f.name: request.args[f.name] for f in form if request.args.get(f.name)}


def get_or_404(model, object_id: int):
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


def today() -> date:
    return local_date(clock.now())


def locale() -> str:
    return str(get_locale())


def choose() -> SelectChoice:
    return SelectChoice("", _("— Chọn —"))


def labels() -> dict:
    return {
        "role_labels": forms.ROLE_LABELS,
        "kind_labels": UNIT_KIND_LABELS,
        "level_labels": forms.LEVEL_LABELS,
    }


def unit_choices(
    blank: SelectChoice | None,
    *,
    in_force_only: bool = False,
    keep_id: int | None = None,
    exclude_below: int | None = None,
) -> list[SelectChoice]:
    """Units in tree order, indented. ``in_force_only`` leaves out ended units except
    ``keep_id`` (the value already saved); ``exclude_below`` leaves out a unit and everything
    under it (a unit's possible parents)."""
    on, language = today(), locale()
    choices = [blank] if blank is not None else []
    skip_depth = None
    for row in queries.unit_tree():
        unit = row.unit
        if skip_depth is not None and row.depth > skip_depth:
            continue
        skip_depth = None
        if unit.id == exclude_below:
            skip_depth = row.depth
            continue
        in_force = unit.is_active_on(on)
        if in_force_only and not in_force and unit.id != keep_id:
            continue
        label = _INDENT * row.depth + unit.display_name(language)
        if not in_force:
            label += " " + _("(không còn hoạt động)")
        choices.append(SelectChoice(str(unit.id), label))
    return choices


def field_choices(blank: SelectChoice) -> list[SelectChoice]:
    language = locale()
    return [blank] + [
        SelectChoice(
            str(f.id),
            f.display_name(language) + ("" if f.is_active else " " + _("(ngừng sử dụng)")),
        )
        for f in queries.fields()
    ]


def procedure_choices(blank: SelectChoice) -> list[SelectChoice]:
    rows = db.session.execute(
        sa.select(
            Procedure.id, Procedure.national_code, Procedure.name, Procedure.is_active
        ).order_by(Procedure.is_active.desc(), Procedure.national_code)
    )
    return [blank] + [
        SelectChoice(str(pid), f"{code} — {name}" + ("" if active else " " + _("(ngừng áp dụng)")))
        for pid, code, name, active in rows
    ]
