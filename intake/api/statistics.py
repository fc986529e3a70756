"""``GET /api/v1/statistics``: the public figures of ``/stats`` for a reporting year
(``intake.reports.public``): received, answered, on time, by unit and by field. Aggregate
figures only; no key is needed."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from intake import clock
from intake.api.problems import ProblemError, ProblemSchema
from intake.reports.public import available_years, public_statistics

blp = Blueprint(
    "api_statistics",
    __name__,
    url_prefix="/statistics",
    description="Số liệu thống kê công khai. The public statistics (aggregate figures only).",
)


class StatisticsQuerySchema(Schema):
    year = fields.Integer(
        load_default=None,
        validate=validate.Range(min=2000, max=2100),
        metadata={"description": "Năm báo cáo (15/12 năm trước đến 14/12). The reporting "
                  "year, 15 December to 14 December; the current one by default."},
    )  # fmt: skip


class FiguresSchema(Schema):
    received = fields.Integer(required=True)
    assigned = fields.Integer(required=True, metadata={"description": "Routed to a unit."})
    answered = fields.Integer(required=True)
    answered_on_time = fields.Integer(required=True)
    on_time_rate = fields.Float(allow_none=True, metadata={"description": "0 to 1."})
    open_at_end = fields.Integer(allow_none=True, metadata={"description": "Open now if live."})
    overdue_at_end = fields.Integer(allow_none=True)
    handling_median_days = fields.Float(allow_none=True, metadata={"description": "Working days."})
    ratings = fields.Integer(required=True)
    satisfied_share = fields.Float(allow_none=True, metadata={"description": "Ratings of 4–5."})


class RankedRowSchema(Schema):
    name = fields.String(required=True)
    rank = fields.Integer(
        allow_none=True, metadata={"description": "None below min_sample answers."}
    )
    assigned = fields.Integer(required=True)
    answered = fields.Integer(required=True)
    on_time_rate = fields.Float(allow_none=True)


class StatisticsSchema(Schema):
    year = fields.Integer(required=True)
    first_day = fields.Date(required=True)
    last_day = fields.Date(required=True)
    live = fields.Boolean(required=True, metadata={"description": "The year is not over yet."})
    years = fields.List(fields.Integer(), required=True, metadata={"description": "With figures."})
    min_sample = fields.Integer(required=True)
    total = fields.Nested(FiguresSchema, required=True)
    units = fields.List(fields.Nested(RankedRowSchema), required=True)
    fields_ = fields.List(fields.Nested(RankedRowSchema), required=True, data_key="fields")


@blp.route("", methods=["GET"])
@blp.arguments(StatisticsQuerySchema, location="query")
@blp.response(200, StatisticsSchema)
@blp.alt_response(404, schema=ProblemSchema, content_type="application/problem+json")
@blp.alt_response(422, schema=ProblemSchema, content_type="application/problem+json")
@blp.alt_response(429, schema=ProblemSchema, content_type="application/problem+json")
def statistics(query: dict):
    """Thống kê tiếp nhận, xử lý trong một năm. The public figures of a reporting year.

    Như trang /stats: tổng số và theo đơn vị, lĩnh vực; đơn vị có ít hơn ``min_sample`` câu
    trả lời không được xếp hạng. As /stats: totals, and by unit and by field; a row with fewer
    than ``min_sample`` answers gets no rank. 404 for a year without figures."""
    from flask_babel import gettext as _

    now = clock.now()
    years = available_years(now)
    year = query["year"] or years[0]
    if year not in years:
        raise ProblemError(404, _("Không có số liệu cho năm này."))
    figures = public_statistics(
        year, now=now, locale=str(get_locale()), min_sample=current_app.config["REPORT_MIN_SAMPLE"]
    )
    total = figures.total
    return {
        "year": year,
        "first_day": figures.period.first_day,
        "last_day": figures.period.last_day,
        "live": figures.running,
        "years": years,
        "min_sample": figures.min_sample,
        "total": {
            "received": total.received,
            "assigned": total.assigned,
            "answered": total.answered,
            "answered_on_time": total.answered_on_time,
            "on_time_rate": total.on_time_rate,
            "open_at_end": total.open_at_end,
            "overdue_at_end": total.overdue_at_end,
            "handling_median_days": total.handling_median,
            "ratings": total.ratings_count,
            "satisfied_share": total.satisfied_share,
        },
        "units": [_row(*row) for row in figures.units],
        "fields_": [_row(*row) for row in figures.fields],
    }


def _row(name, figures, rank) -> dict:
    return {
        "name": str(name),
        "rank": rank,
        "assigned": figures.assigned,
        "answered": figures.answered,
        "on_time_rate": figures.on_time_rate if rank else None,
    }
