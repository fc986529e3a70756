"""The deadline policies of DOMAIN.md §4: the province-wide working days of each step, edited
step by step, and the fields' own policies that override them."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _

from intake.admin import forms, queries
from intake.admin import operations as ops
from intake.admin.blueprint import bp
from intake.admin.common import choose, field_choices, get_or_404, perform_and_redirect, save_form
from intake.cases.labels import PRIORITY_LABELS, STEP_LABELS
from intake.core.deadlines import Priority, Step
from intake.extensions import db
from intake.org.models import DeadlinePolicy, Field
from intake.web.params import id_param


@bp.get("/policies")
def policies():
    table = queries.province_policies()
    return render_template(
        "admin/policies.html",
        table=table,
        province={(row.step, p): cell for row in table for p, cell in row.cells.items()},
        overrides=queries.policy_overrides(),
        **_policy_labels(),
    )


@bp.route("/policies/steps/<step>", methods=["GET", "POST"])
def policy_step(step: str):
    if step not in {s.value for s in Step}:
        abort(404)
    row = queries.province_step(Step(step))
    normal, urgent = row.cells[Priority.NORMAL], row.cells[Priority.URGENT]
    values = {
        "normal_days": normal.working_days,
        "urgent_days": urgent.working_days,
        "remind_half_percent": normal.reminders.half_percent,
        "remind_late_percent": normal.reminders.late_percent,
        "escalation_working_days": normal.reminders.escalation_working_days,
    }
    if row.step is Step.HANDLING:
        form = forms.HandlingPolicyForm(
            **values,
            normal_max_extensions=normal.max_extensions,
            normal_max_extension_working_days=normal.max_extension_working_days,
            urgent_max_extensions=urgent.max_extensions,
            urgent_max_extension_working_days=urgent.max_extension_working_days,
        )
    else:
        form = forms.StepPolicyForm(**values)

    def run() -> Step:
        ops.save_province_policies(
            row.step,
            working_days=form.working_days(),
            extensions=form.extensions(),
            reminders=form.reminders(),
        )
        return row.step

    return save_form(
        form, "admin/policy_step_form.html", run,
        done=lambda s: _("Đã lưu thời hạn chung của bước “%(step)s”.", step=STEP_LABELS[s]),
        target=lambda s: url_for("admin.policies") + f"#step-{s.value}",
        row=row,
        **_policy_labels(),
    )  # fmt: skip


@bp.route("/policies/new", methods=["GET", "POST"])
def policy_new():
    form = forms.PolicyOverrideForm()
    if request.method == "GET":
        handling = queries.province_step(Step.HANDLING).cells[Priority.NORMAL]
        form.field_id.data = request.args.get("field_id", "")
        form.max_extensions.data = handling.max_extensions
        form.max_extension_working_days.data = handling.max_extension_working_days
    return _policy_form(form, None)


@bp.route("/policies/<id:policy_id>", methods=["GET", "POST"])
def policy_edit(policy_id: int):
    policy = _override(policy_id)
    form = forms.PolicyOverrideForm(
        field_id=str(policy.field_id),
        step=policy.step.value,
        priority=policy.priority.value,
        working_days=policy.working_days,
        max_extensions=policy.max_extensions,
        max_extension_working_days=policy.max_extension_working_days,
    )
    return _policy_form(form, policy)


def _policy_form(form: forms.PolicyOverrideForm, policy: DeadlinePolicy | None):
    form.field_id.choices = field_choices(choose())

    def run() -> DeadlinePolicy:
        return ops.save_policy_override(
            policy,
            field_id=id_param(form.field_id.data),
            priority=form.priority_value,
            step=form.step_value,
            working_days=form.working_days.data,
            max_extensions=form.max_extensions.data,
            max_extension_working_days=form.max_extension_working_days.data,
        )

    return save_form(
        form, "admin/policy_form.html", run,
        done=lambda p: _("Đã lưu thời hạn riêng của lĩnh vực %(name)s.",
                         name=db.session.get(Field, p.field_id).name),
        target=lambda p: url_for("admin.policies") + f"#policy-{p.id}",
        policy=policy,
        table=queries.province_policies(),
        delete_form=forms.DeleteForm() if policy else None,
        **_policy_labels(),
    )  # fmt: skip


@bp.post("/policies/<id:policy_id>/delete")
def policy_delete(policy_id: int):
    policy = _override(policy_id)
    if not forms.DeleteForm().validate_on_submit():
        abort(400)
    return perform_and_redirect(
        lambda: ops.delete_policy_override(policy),
        done=lambda _deleted: _(
            "Đã xóa thời hạn riêng; lĩnh vực này dùng lại thời hạn chung toàn tỉnh."
        ),
        target=url_for("admin.policies"),
    )


def _override(policy_id: int) -> DeadlinePolicy:
    """A field's own policy; the province-wide rows are edited by step, never deleted."""
    policy = get_or_404(DeadlinePolicy, policy_id)
    if policy.field_id is None:
        abort(404)
    return policy


def _policy_labels() -> dict:
    return {"step_labels": STEP_LABELS, "priority_labels": PRIORITY_LABELS}
