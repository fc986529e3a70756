"""The administrator's pages: accounts, units, fields, procedures, routing rules, deadline
policies and the working calendar.

Thin views: load, validate the form, call one operation, commit, flash, redirect (303). A value
the operation refuses comes back next to its field with status 422. Only administrators get in;
for everyone else the whole blueprint does not exist (404).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from intake.accounts.models import Role, User
from intake.admin import forms, queries
from intake.admin import operations as ops
from intake.cases.labels import PRIORITY_LABELS, STEP_LABELS
from intake.core.calendar import local_date
from intake.core.deadlines import Priority, Step
from intake.extensions import db
from intake.org.choices import UNIT_KIND_LABELS
from intake.org.models import CalendarOverride, DeadlinePolicy, Field, Procedure, RoutingRule, Unit
from intake.web.params import id_param

bp = Blueprint("admin", __name__)

PER_PAGE = 25
_INDENT = "\u00a0\u00a0\u00a0"  # options cannot be styled: non-breaking spaces show the tree


@bp.before_request
@login_required
def _admins_only():
    # login_required lets OPTIONS through unauthenticated: an anonymous user has no role.
    if not current_user.is_authenticated or current_user.role is not Role.ADMIN:
        abort(404)


@bp.get("/")
def index():
    return render_template("admin/index.html", overview=queries.overview(_today()))


# --- users ------------------------------------------------------------------------------------


@bp.get("/users")
def users():
    form = forms.UserFilterForm(request.args)
    form.unit_id.choices = _unit_choices(forms.ANY)
    form.validate()  # bad values are ignored below, never an error page
    role = form.role.data if form.role.data in {r.value for r in Role} else None
    found = queries.users(
        q=(form.q.data or "")[:200] if not form.q.errors else "",
        unit_id=id_param(form.unit_id.data),
        role=Role(role) if role else None,
        enabled={"enabled": True, "disabled": False}.get(form.status.data),
    )
    filtered = any(request.args.get(k) for k in ("q", "unit_id", "role", "status"))
    return render_template(
        "admin/users.html", form=form, users=found, filtered=filtered, **_labels()
    )


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = forms.UserCreateForm()
    form.unit_id.choices = _unit_choices(_choose(), in_force_only=True)

    def run() -> User:
        return ops.create_user(
            email=form.email.data,
            full_name=form.full_name.data,
            role=form.role_value,
            unit_id=id_param(form.unit_id.data),
            password=form.password.data,
            today=_today(),
        )

    return _save(
        form, "admin/user_form.html", run,
        done=lambda u: _("Đã tạo tài khoản %(email)s.", email=u.email),
        target=lambda u: url_for("admin.users"),
        user=None,
    )  # fmt: skip


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = _get(User, user_id)
    form = forms.UserEditForm(
        full_name=user.full_name,
        role=user.role.value,
        unit_id=str(user.unit_id),
        is_enabled=user.is_enabled,
    )
    form.unit_id.choices = _unit_choices(_choose(), in_force_only=True, keep_id=user.unit_id)

    def run() -> User:
        ops.update_user(
            user,
            actor=current_user._get_current_object(),
            full_name=form.full_name.data,
            role=form.role_value,
            unit_id=id_param(form.unit_id.data),
            is_enabled=form.is_enabled.data,
            today=_today(),
        )
        return user

    return _save(
        form, "admin/user_form.html", run,
        done=lambda u: _("Đã lưu tài khoản %(email)s.", email=u.email),
        target=lambda u: url_for("admin.users"),
        user=user,
    )  # fmt: skip


@bp.route("/users/<id:user_id>/password", methods=["GET", "POST"])
def user_password(user_id: int):
    user = _get(User, user_id)
    form = forms.PasswordResetForm()

    def run() -> User:
        ops.reset_password(user, password=form.password.data)
        return user

    return _save(
        form, "admin/user_password.html", run,
        done=lambda u: _(
            "Đã đặt mật khẩu mới cho %(email)s. Hãy báo cho người dùng và đề nghị đổi mật khẩu "
            "sau khi đăng nhập.", email=u.email,
        ),
        target=lambda u: url_for("admin.user_edit", user_id=u.id),
        user=user,
    )  # fmt: skip


# --- units ------------------------------------------------------------------------------------


@bp.get("/units")
def units():
    return render_template(
        "admin/units.html",
        rows=queries.unit_tree(),
        users_per_unit=queries.users_per_unit(),
        today=_today(),
        **_labels(),
    )


@bp.route("/units/new", methods=["GET", "POST"])
def unit_new():
    form = forms.UnitForm()
    if request.method == "GET":
        form.parent_id.data = request.args.get("parent", "")
    return _unit_form(form, None)


@bp.route("/units/<id:unit_id>", methods=["GET", "POST"])
def unit_edit(unit_id: int):
    unit = _get(Unit, unit_id)
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
    form.parent_id.choices = _unit_choices(
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

    return _save(
        form, "admin/unit_form.html", run,
        done=lambda u: _("Đã lưu đơn vị %(name)s.", name=u.name),
        target=lambda u: url_for("admin.units") + f"#unit-{u.id}",
        unit=unit,
        children=sorted(unit.children, key=lambda c: c.name) if unit else [],
        users_count=queries.users_per_unit().get(unit.id, 0) if unit else 0,
        today=_today(),
        **_labels(),
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
    field = _get(Field, field_id)
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

    return _save(
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
    form.field_id.choices = _field_choices(forms.ANY)
    form.validate()
    query = queries.procedures(
        q=(form.q.data or "")[:200] if not form.q.errors else "",
        field_id=id_param(form.field_id.data),
    )
    page = db.paginate(query, per_page=PER_PAGE, error_out=False, max_per_page=100)
    filtered = any(request.args.get(k) for k in ("q", "field_id"))
    return render_template(
        "admin/procedures.html", form=form, page=page, filtered=filtered, **_labels()
    )


@bp.route("/procedures/new", methods=["GET", "POST"])
def procedure_new():
    form = forms.ProcedureForm()
    if request.method == "GET":
        form.is_active.data = True
    return _procedure_form(form, None)


@bp.route("/procedures/<id:procedure_id>", methods=["GET", "POST"])
def procedure_edit(procedure_id: int):
    procedure = _get(Procedure, procedure_id)
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
    form.field_id.choices = _field_choices(_choose())
    form.unit_id.choices = _unit_choices(
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

    return _save(
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


# --- routing rules ----------------------------------------------------------------------------


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
    rule = _get(RoutingRule, rule_id)
    form = forms.RoutingRuleForm(
        field_id=str(rule.field_id or ""),
        procedure_id=str(rule.procedure_id or ""),
        unit_id=str(rule.unit_id),
    )
    return _rule_form(form, rule)


def _rule_form(form: forms.RoutingRuleForm, rule: RoutingRule | None):
    form.field_id.choices = _field_choices(forms.NONE)
    form.procedure_id.choices = _procedure_choices(forms.NONE)
    form.unit_id.choices = _unit_choices(
        _choose(), in_force_only=True, keep_id=rule.unit_id if rule else None
    )

    def run() -> RoutingRule:
        return ops.save_routing_rule(
            rule,
            field_id=id_param(form.field_id.data),
            procedure_id=id_param(form.procedure_id.data),
            unit_id=id_param(form.unit_id.data),
            today=_today(),
        )

    return _save(
        form, "admin/rule_form.html", run,
        done=lambda r: _("Đã lưu quy tắc phân công."),
        target=lambda r: url_for("admin.rules"),
        rule=rule,
        delete_form=forms.DeleteForm() if rule else None,
    )  # fmt: skip


@bp.post("/rules/<id:rule_id>/delete")
def rule_delete(rule_id: int):
    rule = _get(RoutingRule, rule_id)
    if not forms.DeleteForm().validate_on_submit():
        abort(400)
    ops.delete_routing_rule(rule)
    db.session.commit()
    flash(_("Đã xóa quy tắc phân công."))
    return redirect(url_for("admin.rules"), code=303)


# --- deadline policies ------------------------------------------------------------------------


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
    values = {"normal_days": normal.working_days, "urgent_days": urgent.working_days}
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
            row.step, working_days=form.working_days(), extensions=form.extensions()
        )
        return row.step

    return _save(
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
    form.field_id.choices = _field_choices(_choose())

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

    return _save(
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
    ops.delete_policy_override(policy)
    db.session.commit()
    flash(_("Đã xóa thời hạn riêng; lĩnh vực này dùng lại thời hạn chung toàn tỉnh."))
    return redirect(url_for("admin.policies"), code=303)


def _override(policy_id: int) -> DeadlinePolicy:
    """A field's own policy; the province-wide rows are edited by step, never deleted."""
    policy = _get(DeadlinePolicy, policy_id)
    if policy.field_id is None:
        abort(404)
    return policy


def _policy_labels() -> dict:
    return {"step_labels": STEP_LABELS, "priority_labels": PRIORITY_LABELS}


# --- the working calendar ---------------------------------------------------------------------


@bp.route("/calendar", methods=["GET", "POST"])
def calendar():
    year_form = forms.CalendarYearForm(request.args)
    year = _year(year_form)
    form = forms.CalendarOverrideForm()
    if request.method == "GET":
        form.kind.data = forms.DAY_OFF

    def run() -> ops.CalendarChange:
        return ops.set_calendar_day(
            form.day.data,
            is_working_day=form.is_working_day,
            reason=form.reason.data,
            now=datetime.now(UTC),
            actor=current_user._get_current_object(),
        )

    return _save(
        form, "admin/calendar.html", run,
        done=_calendar_done,
        target=lambda c: url_for("admin.calendar", year=c.day.year) + f"#day-{c.day.isoformat()}",
        year=year,
        year_form=year_form,
        days=queries.calendar_year(year, _locale()),
        other_years={y: n for y, n in queries.override_years().items() if y != year},
        first_year=ops.CALENDAR_YEARS[0],
        last_year=ops.CALENDAR_YEARS[-1],
        delete_form=forms.DeleteForm(),
    )  # fmt: skip


@bp.post("/calendar/<day>/delete")
def calendar_delete(day: str):
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    exists = sa.select(CalendarOverride.id).where(CalendarOverride.day == when)
    if db.session.scalar(exists) is None:
        abort(404)
    if not forms.DeleteForm().validate_on_submit():
        abort(400)
    change = ops.remove_calendar_day(
        when, now=datetime.now(UTC), actor=current_user._get_current_object()
    )
    db.session.commit()
    flash(_calendar_done(change))
    return redirect(url_for("admin.calendar", year=when.year), code=303)


def _calendar_done(change: ops.CalendarChange) -> str:
    day = format_date(change.day, "dd/MM/yyyy")
    if change.is_working_day is None:
        what = _("Đã bỏ điều chỉnh ngày %(day)s; ngày này theo lịch quốc gia.", day=day)
    elif change.is_working_day:
        what = _("Đã ghi ngày %(day)s là ngày làm việc.", day=day)
    else:
        what = _("Đã ghi ngày %(day)s là ngày nghỉ.", day=day)
    return what + " " + _("Số thời hạn đang tính đã thay đổi: %(n)d.", n=change.moved)


def _year(form: forms.CalendarYearForm) -> int:
    form.validate()  # a bad year is ignored: the current year is shown
    year = form.year.data if not form.year.errors else None
    if year is None or year not in ops.CALENDAR_YEARS:
        year = _today().year
        form.year.data = year
    return year


# --- the shape every form shares ------------------------------------------------------------


def _save(form, template: str, run: Callable[[], object], *, done, target, **context):
    """Validate, operate, commit, flash, redirect; or re-render with the errors (422).

    A refusal from an operation is shown next to the field it names. A unique key broken at
    commit (someone saved the same code a moment earlier) is shown on the form, not as a 500."""
    if form.validate_on_submit():
        try:
            saved = run()
            db.session.commit()
        except ops.InvalidInput as exc:
            db.session.rollback()
            _field_error(form, exc)
        except sa.exc.IntegrityError:
            db.session.rollback()
            form.form_errors.append(
                _("Dữ liệu vừa được thay đổi ở nơi khác. Vui lòng kiểm tra lại rồi lưu lần nữa.")
            )
        else:
            flash(done(saved))
            return redirect(target(saved), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template(template, form=form, **context), status


def _field_error(form, exc: ops.InvalidInput) -> None:
    field = getattr(form, exc.field, None)
    if field is None:
        form.form_errors.append(str(exc.message))
    else:
        field.errors = [*field.errors, str(exc.message)]


def _get(model, object_id: int):
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


def _today() -> date:
    return local_date(datetime.now(UTC))


def _locale() -> str:
    return str(get_locale())


def _choose() -> SelectChoice:
    return SelectChoice("", _("— Chọn —"))


def _labels() -> dict:
    return {
        "role_labels": forms.ROLE_LABELS,
        "kind_labels": UNIT_KIND_LABELS,
        "level_labels": forms.LEVEL_LABELS,
    }


def _unit_choices(
    blank: SelectChoice | None,
    *,
    in_force_only: bool = False,
    keep_id: int | None = None,
    exclude_below: int | None = None,
) -> list[SelectChoice]:
    """Units in tree order, indented. ``in_force_only`` leaves out ended units except
    ``keep_id`` (the value already saved); ``exclude_below`` leaves out a unit and everything
    under it (a unit's possible parents)."""
    today, locale = _today(), _locale()
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
        in_force = unit.is_active_on(today)
        if in_force_only and not in_force and unit.id != keep_id:
            continue
        label = _INDENT * row.depth + unit.display_name(locale)
        if not in_force:
            label += " " + _("(không còn hoạt động)")
        choices.append(SelectChoice(str(unit.id), label))
    return choices


def _field_choices(blank: SelectChoice) -> list[SelectChoice]:
    locale = _locale()
    return [blank] + [
        SelectChoice(
            str(f.id),
            f.display_name(locale) + ("" if f.is_active else " " + _("(ngừng sử dụng)")),
        )
        for f in queries.fields()
    ]


def _procedure_choices(blank: SelectChoice) -> list[SelectChoice]:
    rows = db.session.execute(
        sa.select(
            Procedure.id, Procedure.national_code, Procedure.name, Procedure.is_active
        ).order_by(Procedure.is_active.desc(), Procedure.national_code)
    )
    return [blank] + [
        SelectChoice(str(pid), f"{code} — {name}" + ("" if active else " " + _("(ngừng áp dụng)")))
        for pid, code, name, active in rows
    ]
