"""Response templates (mẫu trả lời): administrators manage every template, a unit lead their
own unit's answer templates (the blueprint's gate lets unit leads through to these pages only)."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from intake import clock
from intake.accounts.models import Role
from intake.admin.blueprint import bp, me
from intake.admin.common import field_choices, get_or_404, perform_and_redirect, save_form
from intake.admin.forms import REQUIRED, DeleteForm
from intake.cases.labels import REJECT_REASON_LABELS
from intake.extensions import db
from intake.forms import BaseForm, length
from intake.responses import service
from intake.responses.models import Purpose, ResponseTemplate
from intake.web.params import id_param

PURPOSE_LABELS = {
    Purpose.ANSWER: _l("Trả lời (theo lĩnh vực)"),
    Purpose.REFUSAL: _l("Không tiếp nhận (theo lý do)"),
}


class ResponseTemplateForm(BaseForm):
    purpose = SelectField(
        _l("Dùng cho"), choices=[SelectChoice(str(k), v) for k, v in PURPOSE_LABELS.items()]
    )
    title = StringField(_l("Tên mẫu"), validators=[DataRequired(REQUIRED), length(max=200)])
    field_id = SelectField(_l("Lĩnh vực (mẫu trả lời)"), validators=[Optional()])
    reject_reason = SelectField(_l("Lý do không tiếp nhận (mẫu từ chối)"), validators=[Optional()])
    body = TextAreaField(_l("Nội dung mẫu"), validators=[DataRequired(REQUIRED), length(max=20000)])
    legal_basis = TextAreaField(_l("Căn cứ pháp lý"), validators=[length(max=1000)])
    is_active = BooleanField(_l("Đang dùng"), default=True)


def _gate(template: ResponseTemplate | None = None) -> None:
    if not service.can_manage(current_user, template):
        abort(404)


@bp.get("/templates")
def response_templates():
    _gate()
    templates = db.session.scalars(service.managed_by(current_user)).all()
    return render_template(
        "admin/response_templates.html",
        templates=templates,
        purpose_labels=PURPOSE_LABELS,
        reason_labels={str(k): v for k, v in REJECT_REASON_LABELS.items()},
    )


@bp.route("/templates/new", methods=["GET", "POST"])
def response_template_new():
    _gate()
    return _template_form(ResponseTemplateForm(), None)


@bp.route("/templates/<id:template_id>", methods=["GET", "POST"])
def response_template_edit(template_id: int):
    template = get_or_404(ResponseTemplate, template_id)
    _gate(template)
    form = ResponseTemplateForm(
        purpose=template.purpose,
        title=template.title,
        field_id=str(template.field_id or ""),
        reject_reason=template.reject_reason or "",
        body=template.body,
        legal_basis=template.legal_basis,
        is_active=template.is_active,
    )
    return _template_form(form, template)


def _template_form(form: ResponseTemplateForm, template: ResponseTemplate | None):
    if current_user.role is not Role.ADMIN:  # a unit lead writes answer templates only
        form.purpose.choices = [SelectChoice(str(Purpose.ANSWER), PURPOSE_LABELS[Purpose.ANSWER])]
    form.field_id.choices = field_choices(SelectChoice("", _("— Mọi lĩnh vực —")))
    form.reject_reason.choices = [SelectChoice("", _("— Chọn —"))] + [
        SelectChoice(str(k), v) for k, v in REJECT_REASON_LABELS.items()
    ]

    def run() -> ResponseTemplate:
        return service.save_template(
            template,
            actor=me(),
            now=clock.now(),
            purpose=form.purpose.data,
            title=form.title.data,
            body=form.body.data,
            legal_basis=form.legal_basis.data or "",
            field_id=id_param(form.field_id.data),
            reject_reason=form.reject_reason.data or None,
            is_active=bool(form.is_active.data),
        )

    return save_form(
        form, "admin/response_template_form.html", run,
        done=lambda t: _("Đã lưu mẫu trả lời."),
        target=lambda t: url_for("admin.response_templates"),
        item=template,
        delete_form=DeleteForm() if template else None,
    )  # fmt: skip


@bp.post("/templates/<id:template_id>/delete")
def response_template_delete(template_id: int):
    template = get_or_404(ResponseTemplate, template_id)
    _gate(template)
    if not DeleteForm().validate_on_submit():
        abort(400)
    return perform_and_redirect(
        lambda: service.delete_template(template, actor=me()),
        done=lambda _deleted: _("Đã xóa mẫu trả lời."),
        target=url_for("admin.response_templates"),
    )
