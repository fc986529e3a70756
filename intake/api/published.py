"""The published answers (Art. 19) for everyone, as ``/published`` shows them: the redacted
title, content and answer only, never a person. Searched like the page (every word,
accent-insensitive, best match first; ``intake.cases.search``), filtered by field, unit and
the days of publication, paginated. No key is needed; calls count per client address."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import joinedload

from intake.api.fields import LocalDateTime, NamedSchema, Text
from intake.api.problems import ProblemError, ProblemSchema
from intake.cases import queries
from intake.cases.models import Case
from intake.core.reference import normalise_reference_code
from intake.extensions import db

blp = Blueprint(
    "api_published",
    __name__,
    url_prefix="/published",
    description="Kết quả trả lời đã công khai (không có thông tin cá nhân). Published "
    "answers, redacted: never a person's name or contact.",
)

PROBLEM = {"schema": ProblemSchema, "content_type": "application/problem+json"}
#: Days outside these years are no search anyone means (and would overflow the calendar).
DAYS = validate.Range(min=date(2000, 1, 1), max=date(2100, 12, 31))


class PublishedQuerySchema(Schema):
    q = Text(
        load_default=None,
        validate=validate.Length(max=200),
        metadata={"description": "Mọi từ, không phân biệt dấu. Every word, accents ignored."},
    )
    field_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    unit_id = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "The unit that answered."},
    )
    published_from = fields.Date(
        data_key="from", load_default=None, validate=DAYS, metadata={"example": "2026-01-01"}
    )
    published_to = fields.Date(
        data_key="to", load_default=None, validate=DAYS, metadata={"example": "2026-12-31"}
    )


class PublishedItemSchema(Schema):
    reference_code = fields.String(required=True)
    title = fields.String(required=True, metadata={"description": "Redacted. Đã xoá tên người."})
    kind = fields.String(required=True, metadata={"enum": ["phan_anh", "kien_nghi"]})
    field = fields.Nested(NamedSchema, allow_none=True)
    unit = fields.Nested(NamedSchema, allow_none=True, metadata={"description": "Who answered."})
    received_at = LocalDateTime(required=True)
    published_at = LocalDateTime(required=True)
    content = fields.String(
        allow_none=True,
        metadata={"description": "None when the submitter did not consent to publication."},
    )
    answer = fields.String(required=True)


def published_item(case: Case) -> dict:
    locale = str(get_locale())

    def named(thing):
        return {"id": thing.id, "name": thing.display_name(locale)} if thing is not None else None

    return {
        "reference_code": case.reference_code,
        "title": case.published_title or "",
        "kind": str(case.kind),
        "field": named(case.field),
        "unit": named(case.lead_unit),
        "received_at": case.received_at,
        "published_at": case.published_at,
        "content": case.published_content or None,
        "answer": case.published_answer or "",
    }


@blp.route("", methods=["GET"])
@blp.arguments(PublishedQuerySchema, location="query")
@blp.response(200, PublishedItemSchema(many=True))
@blp.alt_response(422, **PROBLEM)
@blp.alt_response(429, **PROBLEM)
@blp.paginate()
def list_published(filters: dict, pagination_parameters):
    """Kết quả trả lời đã công khai. The published answers, searched and filtered.

    Với ``q``: kết quả khớp nhất trước, trong 500 kết quả khớp mới nhất; không có ``q``: mới
    nhất trước. With ``q`` the best match first among the 500 newest matches (every word must
    appear, accents ignored; add words to reach older items), else the newest first. The
    total is in the X-Pagination header: with ``q``, at most 500."""
    query = queries.published_cases(
        q=filters["q"] or "",
        field_id=filters["field_id"],
        unit_id=filters["unit_id"],
        published_from=filters["published_from"],
        published_to=filters["published_to"],
    )
    counted = sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    pagination_parameters.item_count = db.session.scalar(counted)
    page = (
        query.options(joinedload(Case.field), joinedload(Case.lead_unit))
        .offset(pagination_parameters.first_item)
        .limit(pagination_parameters.page_size)
    )
    return [published_item(case) for case in db.session.scalars(page).unique()]


@blp.route("/<code>", methods=["GET"])
@blp.response(200, PublishedItemSchema)
@blp.alt_response(404, **PROBLEM)
@blp.alt_response(429, **PROBLEM)
def show_published(code: str):
    """Một kết quả đã công khai. One published answer.

    Như trang /published/<mã>: chỉ tiêu đề, nội dung và câu trả lời đã xoá thông tin cá nhân.
    As /published/<code>: the redacted title, content and answer only. 404 when the code has
    no published answer."""
    code = normalise_reference_code(code)[:40]
    case = db.session.scalar(
        sa.select(Case).where(Case.reference_code == code, Case.published_at.is_not(None))
    )
    if case is None:
        raise ProblemError(404, _("Không có kết quả công khai với mã này."))
    return published_item(case)
