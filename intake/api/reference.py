"""Reference lists a client needs to build its own form: the fields (lĩnh vực)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import get_locale
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from intake.extensions import db
from intake.org.models import Field

blp = Blueprint(
    "api_reference",
    __name__,
    url_prefix="/reference",
    description="Danh mục dùng khi gửi phản ánh, kiến nghị. Reference lists for submitting.",
)


class FieldSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "In the requested language."})


@blp.route("/fields")
@blp.response(200, FieldSchema(many=True))
def list_fields():
    """Lĩnh vực đang áp dụng. The fields in use, to classify an item when submitting.

    Dùng ``id`` làm ``field_id`` khi gửi phản ánh; tên theo Accept-Language. Give an ``id``
    as ``field_id`` when submitting; names in the language of Accept-Language. No key needed."""
    locale = str(get_locale())
    rows = db.session.scalars(
        sa.select(Field).where(Field.is_active.is_(True)).order_by(Field.name)
    )
    return [{"id": f.id, "code": f.code, "name": f.display_name(locale)} for f in rows]
