"""Open data: the published answers and the public statistics as CSV and JSON downloads, under
a stated licence (CC BY 4.0).

The published answers are exactly what ``/published`` shows (the same query, the redacted
public texts, never a person); the statistics are the figures of ``/stats``, for every
reporting year. A download is streamed: its rows are read in batches of :data:`BATCH_ROWS` by
keyset pagination (``id > last ORDER BY id LIMIT n``), each batch on a connection taken from the
pool and given back at once, so memory stays flat at any number of items, a slow client holds no
connection between batches, and SQLite and PostgreSQL behave alike. The page cache never sees a
download (its views are not ``shared_page``s).

How a stream reads and lives past its request: ``intake.opendata.files``.

Files are the same for every visitor: machine-readable column names, names of fields and units
in Vietnamese and English side by side, times in ISO 8601 with the Viet Nam offset.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date

import sqlalchemy as sa
from flask import Response, current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from intake import clock
from intake.cases.labels import KIND_LABELS
from intake.core.calendar import LOCAL_TZ
from intake.extensions import db
from intake.opendata.catalogue import (
    DATASETS,
    LICENCE_NAME,
    LICENCE_URL,
    LICENCE_URL_VI,
    PUBLISHED_COLUMNS,
    STATS_COLUMNS,
)
from intake.opendata.files import (
    NO_NAME,
    Names,
    PublishedFilters,
    csv_chunks,
    each_in_app_context,
    iso,
    json_chunks,
    published_records,
)
from intake.org.models import Field, Unit
from intake.public.blueprint import bp
from intake.reports.public import available_years, year_figures

#: Rows read per SELECT (and written per chunk of the response).
BATCH_ROWS = 1000
#: Caches (browsers, proxies) may keep a download this long (seconds).
MAX_AGE_SECONDS = 300
#: The dates a filter may name: far enough either way for any item, near enough to compute.
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2099, 12, 31)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CODE = re.compile(r"[A-Za-z0-9._-]{1,40}")
FORMATS = ("csv", "json")


class BadParameter(ValueError):
    """A query parameter a download cannot read: the message says which and why."""


# --- the page ---------------------------------------------------------------------------------


@bp.get("/open-data")
def open_data():
    return render_template(
        "public/open_data.html",
        datasets=DATASETS,
        formats=FORMATS,
        licence_name=LICENCE_NAME,
        licence_url=LICENCE_URL,
        licence_url_vi=LICENCE_URL_VI,
        batch_rows=BATCH_ROWS,
    )


@bp.get("/open-data/published.<any(csv, json):fmt>")
def open_data_published(fmt: str):
    try:
        filters = _published_filters()
    except BadParameter as error:
        return _bad(str(error), fmt)
    with force_locale("vi"):
        kind_names = {kind: str(label) for kind, label in KIND_LABELS.items()}
    detail = _public_url(url_for("public.published_detail", code="CODE"))
    records = published_records(
        filters, BATCH_ROWS, Names.load(), kind_names, lambda code: detail.replace("CODE", code)
    )
    name = "pakn-ket-qua-cong-khai"
    return _download(records, fmt, name, "published", PUBLISHED_COLUMNS, filters.given)


def _published_filters() -> PublishedFilters:
    args = _single_args({"from", "to", "field", "unit"})
    answered_from = _date(args, "from")
    answered_to = _date(args, "to")
    if answered_from and answered_to and answered_from > answered_to:
        raise BadParameter(_('Ngày "from" phải trước hoặc bằng ngày "to".'))
    return PublishedFilters(
        answered_from=answered_from,
        answered_to=answered_to,
        field_id=_code(args, "field", Field),
        unit_id=_code(args, "unit", Unit),
        given=tuple(sorted(args.items())),
    )


def _single_args(allowed: set[str]) -> dict[str, str]:
    """The query's parameters, each at most once and among ``allowed`` (``lang`` aside)."""
    args = {}
    for name in request.args:
        if name == "lang":
            continue
        if name not in allowed:
            raise BadParameter(
                _(
                    "Tham số không có: %(name)s. Các tham số: %(allowed)s.",
                    name=name[:40],
                    allowed=", ".join(sorted(allowed)),
                )
            )
        values = request.args.getlist(name)
        if len(values) != 1:
            raise BadParameter(_("Tham số %(name)s chỉ được có một lần.", name=name))
        if values[0] != "":
            args[name] = values[0]
    return args


def _date(args: dict[str, str], name: str) -> date | None:
    text = args.get(name)
    if text is None:
        return None
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise BadParameter(
            _("Tham số %(name)s phải là một ngày dạng YYYY-MM-DD, ví dụ 2026-03-31.", name=name)
        ) from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise BadParameter(
            _(
                "Tham số %(name)s phải là một ngày từ %(a)s đến %(b)s.",
                name=name,
                a=FIRST_DATE.isoformat(),
                b=LAST_DATE.isoformat(),
            )
        )
    return day


def _code(args: dict[str, str], name: str, model) -> int | None:
    text = args.get(name)
    if text is None:
        return None
    found = None
    if _CODE.fullmatch(text):
        found = db.session.scalar(sa.select(model.id).where(model.code == text))
    if found is None:
        raise BadParameter(
            _("Không có mã %(code)s cho tham số %(name)s.", code=text[:40], name=name)
        )
    return found


# --- the statistics ---------------------------------------------------------------------------

BREAKDOWNS = ("province", "unit", "field")


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def stats_records(years: list[int], breakdowns: tuple[str, ...]) -> Iterator[list[dict]]:
    """One batch per reporting year: its province row, then its units' and fields' rows, ranked
    as on /stats (a rate and a rank only from the minimum number of answers up)."""
    now = clock.now()
    min_sample = current_app.config["REPORT_MIN_SAMPLE"]
    names = Names.load()
    for year in years:
        figures = year_figures(year, now=now, min_sample=min_sample)
        period = figures.period
        as_of = min(period.last_day, now.astimezone(LOCAL_TZ).date())
        common = {
            "year": year,
            "period_start": period.first_day.isoformat(),
            "period_end": period.last_day.isoformat(),
            "as_of": as_of.isoformat(),
        }
        rows = []
        if "province" in breakdowns:
            t = figures.total
            rows.append(
                {
                    **common, "breakdown": "province", "code": None,
                    "name": "Toàn tỉnh", "name_en": "Province",
                    "received": t.received, "assigned": None, "answered": t.answered,
                    "answered_on_time": t.answered_on_time, "on_time_rate": _pct(t.on_time_rate),
                    "rank": None, "open": t.open_at_end, "overdue": t.overdue_at_end,
                    "handling_median_days": _days(t.handling_median),
                    "ratings": t.ratings_count, "satisfied_rate": _pct(t.satisfied_share),
                }
            )  # fmt: skip
        for breakdown, ranked_rows, known in (
            ("unit", figures.units, names.units),
            ("field", figures.fields, names.fields),
        ):
            if breakdown not in breakdowns:
                continue
            for key, f, rank in ranked_rows:
                code, name, name_en = known.get(key, NO_NAME)
                rows.append(
                    {
                        **common, "breakdown": breakdown, "code": code or None,
                        "name": name or None, "name_en": name_en or None,
                        "received": None, "assigned": f.assigned, "answered": f.answered,
                        "answered_on_time": None,
                        "on_time_rate": _pct(f.on_time_rate) if rank else None,
                        "rank": rank, "open": None, "overdue": None,
                        "handling_median_days": None, "ratings": None, "satisfied_rate": None,
                    }
                )  # fmt: skip
        yield rows


@bp.get("/open-data/stats.<any(csv, json):fmt>")
def open_data_stats(fmt: str):
    try:
        args = _single_args({"year", "breakdown"})
        years = available_years(clock.now())
        year = args.get("year")
        if year is not None:
            if not (year.isascii() and year.isdigit() and len(year) <= 4 and int(year) in years):
                raise BadParameter(
                    _(
                        "Không có số liệu cho năm %(year)s. Các năm có số liệu: %(years)s.",
                        year=year[:10],
                        years=", ".join(str(y) for y in years),
                    )
                )
            years = [int(year)]
        breakdown = args.get("breakdown")
        if breakdown is not None and breakdown not in BREAKDOWNS:
            raise BadParameter(
                _("Tham số breakdown phải là một trong: %(b)s.", b=", ".join(BREAKDOWNS))
            )
    except BadParameter as error:
        return _bad(str(error), fmt)
    records = stats_records(years, (breakdown,) if breakdown else BREAKDOWNS)
    given = tuple(sorted(args.items()))
    return _download(records, fmt, "pakn-thong-ke", "stats", STATS_COLUMNS, given)


def _download(records, fmt: str, name: str, dataset: str, columns, given) -> Response:
    if fmt == "csv":
        body, mimetype = csv_chunks(records, columns), "text/csv"
    else:
        source = _public_url(url_for("public.open_data"))
        generated_at = iso(clock.now())
        body = json_chunks(records, dataset, columns, given, source, generated_at)
        mimetype = "application/json"
    suffix = "".join(f"-{v}" for _k, v in given if re.fullmatch(r"[A-Za-z0-9.-]{1,40}", v))
    return Response(
        each_in_app_context(current_app._get_current_object(), body),
        mimetype=mimetype,
        content_type=f"{mimetype}; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}{suffix}.{fmt}"',
            "Link": f'<{LICENCE_URL}>; rel="license"',
            "Cache-Control": f"public, max-age={MAX_AGE_SECONDS}",
        },
    )


def _public_url(path: str) -> str:
    """An absolute address on the public site (the same whatever Host the request named)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def _bad(message: str, fmt: str) -> Response:
    if fmt == "json":
        body = {"type": "about:blank", "title": "Bad Request", "status": 400, "detail": message}
        return Response(
            json.dumps(body, ensure_ascii=False),
            status=400,
            content_type="application/problem+json; charset=utf-8",
        )
    return Response(message + "\n", status=400, content_type="text/plain; charset=utf-8")
