"""The organisation data of DOMAIN.md §8: the unit tree, the fields and the administrative
procedures. Nothing here is ever deleted: units end with ``valid_to``, fields and procedures
stop being used, so that past items and reports keep naming them."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from intake.admin import forms, queries
from intake.admin import operations as ops
from intake.admin.blueprint import bp
from intake.admin.common import (
    PER_PAGE,
    choose,
    field_choices,
    filter_args,
    get_or_404,
    labels,
    save_form,
    today,
    unit_choices,
)
from intake.extensions import db
from intake.org.models import Field, Procedure, RoutingRule, Unit
from intake.web.params import id_param, page_number

# --- units ------------------------------------------------------------------------------------


@bp.get("/units")
def units():
    return render_template(
        "admin/units.html",
        rows=queries.unit_tree(),
        users_per_unit=queries.users_per_unit(),
        without_email=queries.units_without_email(today()),
        today=today(),
        **labels(),
    )


@bp.route("/units/new", methods=["GET", "POST"])
def unit_new():
    form = forms.UnitForm()
    if request.method == "GET":
        form.parent_id.data = request.args.get("parent", "")
    return _unit_form(form, None)


@bp.route("/units/<id:unit_id>", methods=["GET", "POST"])
def unit_edit(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    form = forms.UnitForm(
        code=unit.code,
        name=unit.name,
        name_en=unit.name_en,
        kind=unit.kind.value,
        parent_id=str(unit.parent_id or ""),
        email=unit.email or "",
        receives_intake=unit.receives_intake,
        valid_from=unit.valid_from,
        valid_to=unit.valid_to,
    )
    return _unit_form(form, unit)


def _unit_form(form: forms.UnitForm, unit: Unit | None):
    form.parent_id.choices = unit_choices(
        SelectChoice("", _("— Không có (đơn vị cấp cao nhất) —")),
        exclude_below=unit.id if unit else None,
    )

    def run() -> Unit:
        return ops.save_unit(
            unit,
            code=form.code.data,
            name=form.name.data,
            name_en=form.name_en.data or "",
            kind=form.kind_value,
            parent_id=id_param(form.parent_id.data),
            email=form.email.data,
            receives_intake=form.receives_intake.data,
            valid_from=form.valid_from.data,
            valid_to=form.valid_to.data,
        )

    return save_form(
        form, "admin/unit_form.html", run,
        done=lambda u: _("Đã lưu đơn vị %(name)s.", name=u.name),
        target=lambda u: url_for("admin.units") + f"#unit-{u.id}",
        unit=unit,
        children=sorted(unit.children, key=lambda c: c.name) if unit else [],
        users_count=queries.users_per_unit().get(unit.id, 0) if unit else 0,
        today=today(),
        **labels(),
    )  # fmt: skip


# --- fields -----------------------------------------------------------------------------------


@bp.get("/fields")
def fields():
    return render_template(
        "admin/fields.html",
        fields=queries.fields(),
        lead_units=queries.field_lead_units(),
        procedure_counts=queries.procedures_per_field(),
    )


@bp.route("/fields/new", methods=["GET", "POST"])
def field_new():
    form = forms.FieldForm()
    if request.method == "GET":
        form.is_active.data = True
    return _field_form(form, None)


@bp.route("/fields/<id:field_id>", methods=["GET", "POST"])
def field_edit(field_id: int):
    field = get_or_404(Field, field_id)
    form = forms.FieldForm(
        code=field.code, name=field.name, name_en=field.name_en, is_active=field.is_active
    )
    return _field_form(form, field)


def _field_form(form: forms.FieldForm, field: Field | None):
    def run() -> Field:
        return ops.save_field(
            field,
            code=form.code.data,
            name=form.name.data,
            name_en=form.name_en.data or "",
            is_active=form.is_active.data,
        )

    return save_form(
        form, "admin/field_form.html", run,
        done=lambda f: _("Đã lưu lĩnh vực %(name)s.", name=f.name),
        target=lambda f: url_for("admin.fields"),
        field=field,
        rule=(
            db.session.scalar(sa.select(RoutingRule).where(RoutingRule.field_id == field.id))
            if field else None
        ),
    )  # fmt: skip


# --- procedures -------------------------------------------------------------------------------


@bp.get("/procedures")
def procedures():
    form = forms.ProcedureFilterForm(request.args)
    form.field_id.choices = field_choices(forms.ANY)
    form.validate()  # bad values are ignored below, never an error page
    query = queries.procedures(
        q=(form.q.data or "")[:200] if not form.q.errors else "",
        field_id=id_param(form.field_id.data),
    )
    page = db.paginate(
        query, page=page_number(), per_page=PER_PAGE, error_out=False, max_per_page=100
    )
    filters = filter_args(form)
    return render_template(
        "admin/procedures.html",
        form=form,
        page=page,
        filters=filters,
        filtered=bool(filters),
        **labels(),
    )


@bp.route("/procedures/new", methods=["GET", "POST"])
def procedure_new():
    form = forms.ProcedureForm()
    if request.method == "GET":
        form.is_active.data = True
    return _procedure_form(form, None)


@bp.route("/procedures/<id:procedure_id>", methods=["GET", "POST"])
def procedure_edit(procedure_id: int):
    procedure = get_or_404(Procedure, procedure_id)
    form = forms.ProcedureForm(
        national_code=procedure.national_code,
        name=procedure.name,
        field_id=str(procedure.field_id),
        level=procedure.level.value,
        unit_id=str(procedure.unit_id or ""),
        is_active=procedure.is_active,
    )
    return _procedure_form(form, procedure)


def _procedure_form(form: forms.ProcedureForm, procedure: Procedure | None):
    form.field_id.choices = field_choices(choose())
    form.unit_id.choices = unit_choices(
        forms.NONE, in_force_only=True, keep_id=procedure.unit_id if procedure else None
    )

    def run() -> Procedure:
        return ops.save_procedure(
            procedure,
            national_code=form.national_code.data,
            name=form.name.data,
            field_id=id_param(form.field_id.data),
            level=form.level_value,
            unit_id=id_param(form.unit_id.data),
            is_active=form.is_active.data,
        )

    return save_form(
        form, "admin/procedure_form.html", run,
        done=lambda p: _("Đã lưu thủ tục %(code)s.", code=p.national_code),
        target=lambda p: url_for("admin.procedures", q=p.national_code),
        procedure=procedure,
        rule=(
            db.session.scalar(
                sa.select(RoutingRule).where(RoutingRule.procedure_id == procedure.id)
            )
            if procedure else None
        ),
    )  # fmt: skip
