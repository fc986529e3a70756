"""The routing rules: which unit the intake office is advised to send an item of a field, or
of a procedure, to (the suggestion of ``intake.org.routing``)."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _

from intake.admin import forms, queries
from intake.admin import operations as ops
from intake.admin.blueprint import bp
from intake.admin.common import (
    choose,
    field_choices,
    get_or_404,
    perform_and_redirect,
    procedure_choices,
    save_form,
    today,
    unit_choices,
)
from intake.org.models import RoutingRule
from intake.web.params import id_param


@bp.get("/rules")
def rules():
    return render_template("admin/rules.html", rules=queries.routing_rules())


@bp.route("/rules/new", methods=["GET", "POST"])
def rule_new():
    form = forms.RoutingRuleForm()
    if request.method == "GET":
        form.field_id.data = request.args.get("field_id", "")
        form.procedure_id.data = request.args.get("procedure_id", "")
    return _rule_form(form, None)


@bp.route("/rules/<id:rule_id>", methods=["GET", "POST"])
def rule_edit(rule_id: int):
    rule = get_or_404(RoutingRule, rule_id)
    form = forms.RoutingRuleForm(
        field_id=str(rule.field_id or ""),
        procedure_id=str(rule.procedure_id or ""),
        unit_id=str(rule.unit_id),
    )
    return _rule_form(form, rule)


def _rule_form(form: forms.RoutingRuleForm, rule: RoutingRule | None):
    form.field_id.choices = field_choices(forms.NONE)
    form.procedure_id.choices = procedure_choices(forms.NONE)
    form.unit_id.choices = unit_choices(
        choose(), in_force_only=True, keep_id=rule.unit_id if rule else None
    )

    def run() -> RoutingRule:
        return ops.save_routing_rule(
            rule,
            field_id=id_param(form.field_id.data),
            procedure_id=id_param(form.procedure_id.data),
            unit_id=id_param(form.unit_id.data),
            today=today(),
        )

    return save_form(
        form, "admin/rule_form.html", run,
        done=lambda r: _("Đã lưu quy tắc phân công."),
        target=lambda r: url_for("admin.rules"),
        rule=rule,
        delete_form=forms.DeleteForm() if rule else None,
    )  # fmt: skip


@bp.post("/rules/<id:rule_id>/delete")
def rule_delete(rule_id: int):
    rule = get_or_404(RoutingRule, rule_id)
    if not forms.DeleteForm().validate_on_submit():
        abort(400)
    return perform_and_redirect(
        lambda: ops.delete_routing_rule(rule),
        done=lambda _deleted: _("Đã xóa quy tắc phân công."),
        target=url_for("admin.rules"),
    )
