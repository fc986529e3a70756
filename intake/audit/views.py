"""The processing log, for administrators and supervisors: filter by who, what, which item or
account, and when. Read-only: the log is written by ``intake.audit.recording`` alone."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import DateField, SearchField, SelectChoice, SelectField
from wtforms.validators import Optional

from intake.accounts.models import Role
from intake.audit.models import AuditAction, AuditEntry
from intake.core.calendar import LOCAL_TZ
from intake.core.text import fold
from intake.extensions import db
from intake.forms import BaseForm, length
from intake.web.params import page_number

bp = Blueprint("audit", __name__)

PER_PAGE = 50
TARGET_LABELS = {
    "case": _l("Hồ sơ PAKN"),
    "user": _l("Người dùng"),
    "unit": _l("Đơn vị"),
    "field": _l("Lĩnh vực"),
    "procedure": _l("Thủ tục"),
    "routing_rule": _l("Quy tắc chuyển"),
    "deadline_policy": _l("Thời hạn xử lý"),
    "calendar_day": _l("Lịch làm việc"),
    "response_template": _l("Mẫu trả lời"),
    "api_key": _l("Khoá API"),
    "exchange_run": _l("Trao đổi với hệ thống PAKN quốc gia"),
}
ACTION_LABELS = {
    AuditAction.CREATE: _l("Thêm"),
    AuditAction.UPDATE: _l("Sửa"),
    AuditAction.DELETE: _l("Xóa"),
    AuditAction.VIEW: _l("Xem dữ liệu cá nhân"),
}
DETAIL_LABELS = {
    "case_page": _l("Trang hồ sơ"),
    "attachment": _l("Tệp đính kèm"),
    "letter": _l("Văn bản gửi người dân"),
}
ACTOR_LABELS = {"cli": _l("Dòng lệnh"), "system": _l("Hệ thống"), "anonymous": _l("Chưa đăng nhập")}
_ANY = SelectChoice("", _l("Tất cả"))


@bp.before_request
@login_required
def _administrators_and_supervisors_only():
    allowed = {Role.ADMIN, Role.SUPERVISOR}
    if not current_user.is_authenticated or current_user.role not in allowed:
        abort(404)


class AuditFilterForm(BaseForm):
    """A GET form, bookmarkable: no CSRF token; bad values are ignored, never an error page."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Người thực hiện, mã hồ sơ, tài khoản hoặc đơn vị"),
        validators=[Optional(), length(max=200)],
    )
    action = SelectField(
        _l("Hành động"),
        choices=[_ANY, *(SelectChoice(a.value, label) for a, label in ACTION_LABELS.items())],
        validate_choice=False,
    )
    target_type = SelectField(
        _l("Đối tượng"),
        choices=[_ANY, *(SelectChoice(key, label) for key, label in TARGET_LABELS.items())],
        validate_choice=False,
    )
    date_from = DateField(_l("Từ ngày"), validators=[Optional()])
    date_to = DateField(_l("Đến ngày"), validators=[Optional()])


@bp.get("/")
def log():
    form = AuditFilterForm(request.args)
    form.validate()
    query = sa.select(AuditEntry)
    words = fold(form.q.data or "").split() if not form.q.errors else []
    for word in words[:20]:  # folded: letters and digits only, no LIKE wildcard survives
        query = query.where(AuditEntry.search_text.like(f"%{word}%"))
    if form.action.data in {a.value for a in AuditAction}:
        query = query.where(AuditEntry.action == AuditAction(form.action.data))
    if form.target_type.data in TARGET_LABELS:
        query = query.where(AuditEntry.target_type == form.target_type.data)
    if form.date_from.data and not form.date_from.errors:
        start = datetime.combine(form.date_from.data, time(), LOCAL_TZ)
        query = query.where(AuditEntry.at >= start)
    if form.date_to.data and not form.date_to.errors:
        end = datetime.combine(form.date_to.data + timedelta(days=1), time(), LOCAL_TZ)
        query = query.where(AuditEntry.at < end)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    filtered = any(request.args.get(f.name) for f in form)
    return render_template(
        "audit/log.html",
        form=form,
        page=page,
        filtered=filtered,
        target_labels=TARGET_LABELS,
        action_labels=ACTION_LABELS,
        detail_labels=DETAIL_LABELS,
        actor_labels=ACTOR_LABELS,
    )
