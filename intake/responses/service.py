"""Who may manage which template, saving and deleting them (in the caller's transaction), and
the templates offered for an item's answer or a refusal."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from intake.accounts.models import Role, User
from intake.core.errors import InvalidInput, NotAllowed
from intake.core.text import nfc
from intake.extensions import db
from intake.org.models import Field
from intake.responses.models import Purpose, ResponseTemplate

MANAGER_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEAD})


def can_manage(user: User, template: ResponseTemplate | None = None) -> bool:
    """Administrators: every template. A unit lead: their own unit's answer templates."""
    if user.role is Role.ADMIN:
        return True
    if user.role is not Role.UNIT_LEAD:
        return False
    return template is None or (
        template.purpose == Purpose.ANSWER and template.unit_id == user.unit_id
    )


def managed_by(user: User) -> sa.Select:
    """The templates ``user`` may see in the management list."""
    query = sa.select(ResponseTemplate).order_by(
        ResponseTemplate.purpose, ResponseTemplate.reject_reason, ResponseTemplate.title
    )
    if user.role is not Role.ADMIN:
        query = query.where(
            ResponseTemplate.purpose == Purpose.ANSWER, ResponseTemplate.unit_id == user.unit_id
        )
    return query


def save_template(
    template: ResponseTemplate | None,
    *,
    actor: User,
    now: datetime,
    purpose: str,
    title: str,
    body: str,
    legal_basis: str,
    field_id: int | None,
    reject_reason: str | None,
    is_active: bool,
) -> ResponseTemplate:
    if not can_manage(actor, template):
        raise NotAllowed(_l("bạn không được sửa mẫu này"))
    if actor.role is not Role.ADMIN and purpose != Purpose.ANSWER:
        raise InvalidInput("purpose", _l("Lãnh đạo đơn vị chỉ quản lý mẫu trả lời của đơn vị."))
    title, body = nfc(title), nfc(body)
    if not title:
        raise InvalidInput("title", _l("Vui lòng nhập thông tin này."))
    if not body:
        raise InvalidInput("body", _l("Vui lòng nhập thông tin này."))
    if purpose == Purpose.REFUSAL:
        if not reject_reason:
            raise InvalidInput("reject_reason", _l("Chọn lý do không tiếp nhận."))
        field_id = None
    else:
        reject_reason = None
        if field_id is not None and db.session.get(Field, field_id) is None:
            raise InvalidInput("field_id", _l("Lĩnh vực không tồn tại."))
    if template is None:
        template = ResponseTemplate(unit_id=None if actor.role is Role.ADMIN else actor.unit_id)
        db.session.add(template)
    template.purpose, template.title, template.body = purpose, title, body
    template.legal_basis = nfc(legal_basis) or ""
    template.field_id, template.reject_reason = field_id, reject_reason
    template.is_active = is_active
    template.updated_at, template.updated_by_id = now, actor.id
    db.session.flush()
    return template


def delete_template(template: ResponseTemplate, *, actor: User) -> None:
    if not can_manage(actor, template):
        raise NotAllowed(_l("bạn không được xóa mẫu này"))
    db.session.delete(template)
    db.session.flush()


def answer_templates(field_id: int | None, unit_id: int | None) -> list[ResponseTemplate]:
    """Offered on an item's answer form: the province's and the lead unit's templates for the
    item's field, and those for any field."""
    field_match = ResponseTemplate.field_id.is_(None)
    if field_id is not None:
        field_match = sa.or_(field_match, ResponseTemplate.field_id == field_id)
    unit_match = ResponseTemplate.unit_id.is_(None)
    if unit_id is not None:
        unit_match = sa.or_(unit_match, ResponseTemplate.unit_id == unit_id)
    return list(
        db.session.scalars(
            sa.select(ResponseTemplate)
            .where(ResponseTemplate.purpose == Purpose.ANSWER, ResponseTemplate.is_active)
            .where(field_match, unit_match)
            .order_by(ResponseTemplate.field_id.is_(None), ResponseTemplate.title)
        )
    )


def refusal_templates() -> list[ResponseTemplate]:
    return list(
        db.session.scalars(
            sa.select(ResponseTemplate)
            .where(ResponseTemplate.purpose == Purpose.REFUSAL, ResponseTemplate.is_active)
            .order_by(ResponseTemplate.reject_reason, ResponseTemplate.title)
        )
    )
