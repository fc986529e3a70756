"""Open data: the published answers and the public statistics as CSV and JSON downloads, under
a stated licence (CC BY 4.0).

The published answers are exactly what ``/published`` shows (the same query, the redacted
public texts, never a person); the statistics are the figures of ``/stats``, for every
reporting year. A download is streamed: its rows are read in batches of :data:`BATCH_ROWS` by
keyset pagination (``id > last ORDER BY id LIMIT n``), each batch on a connection taken from the
pool and given back at once, so memory stays flat at any number of items, a slow client holds no
connection between batches, and SQLite and PostgreSQL behave alike. The page cache never sees a
download (its views are not ``shared_page``s).

A stream outlives its request: the view reads what the whole file needs from the request
(parameters, names, the locale's labels) and each chunk is then made inside an application
context of its own (:func:`each_in_app_context`), whose teardown removes the database session
whatever happened, the client gone half-way included. Flask's ``stream_with_context`` would
instead keep the request's contexts pushed while the stream waits between chunks, which breaks
the context stack of whoever iterates two responses in one thread (the test client does, on
every response it does not read to the end).

Files are the same for every visitor: machine-readable column names, names of fields and units
in Vietnamese and English side by side, times in ISO 8601 with the Viet Nam offset.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import Flask, Response, current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from intake import clock
from intake.cases.labels import KIND_LABELS
from intake.cases.models import Case
from intake.core.calendar import LOCAL_TZ, end_of_local_day, start_of_local_day
from intake.core.states import ANSWERED_STATES
from intake.extensions import db
from intake.org.models import Field, Unit
from intake.public.blueprint import bp
from intake.public.stats import stats_years, year_figures
from intake.reports.exports import guard

LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_URL_VI = "https://creativecommons.org/licenses/by/4.0/deed.vi"
#: Rows read per SELECT (and written per chunk of the response).
BATCH_ROWS = 1000
#: Caches (browsers, proxies) may keep a download this long (seconds).
MAX_AGE_SECONDS = 300
#: The dates a filter may name: far enough either way for any item, near enough to compute.
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2099, 12, 31)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CODE = re.compile(r"[A-Za-z0-9._-]{1,40}")
FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "string", "date-time", "date", "integer", "number"
    description: object  # a lazy string


PUBLISHED_COLUMNS: tuple[Column, ...] = (
    Column("code", "string", _l("Mã số phản ánh, kiến nghị (như trên trang Kết quả đã công khai)")),
    Column("url", "string", _l("Địa chỉ trang công khai của kết quả")),
    Column("kind", "string", _l("Loại: phan_anh (phản ánh) hoặc kien_nghi (kiến nghị)")),
    Column("kind_name", "string", _l("Tên loại, tiếng Việt")),
    Column("field_code", "string", _l("Mã lĩnh vực (trống khi chưa phân loại)")),
    Column("field_name", "string", _l("Tên lĩnh vực, tiếng Việt")),
    Column("field_name_en", "string", _l("Tên lĩnh vực, tiếng Anh")),
    Column("unit_code", "string", _l("Mã đơn vị chủ trì trả lời")),
    Column("unit_name", "string", _l("Tên đơn vị chủ trì trả lời, tiếng Việt")),
    Column("unit_name_en", "string", _l("Tên đơn vị chủ trì trả lời, tiếng Anh")),
    Column("received_at", "date-time", _l("Thời điểm tiếp nhận (ISO 8601, giờ Việt Nam +07:00)")),
    Column("answered_at", "date-time", _l("Thời điểm trả lời và công khai (ISO 8601, +07:00)")),
    Column("title", "string", _l("Tiêu đề được công khai")),
    Column(
        "content",
        "string",
        _l("Nội dung được công khai, đã ẩn thông tin cá nhân; trống khi người gửi không đồng ý"),
    ),
    Column("answer", "string", _l("Kết quả trả lời được công khai")),
)

STATS_COLUMNS: tuple[Column, ...] = (
    Column("year", "integer", _l("Năm báo cáo")),
    Column("period_start", "date", _l("Ngày đầu kỳ báo cáo (15/12 năm trước)")),
    Column("period_end", "date", _l("Ngày cuối kỳ báo cáo (14/12)")),
    Column("as_of", "date", _l("Số liệu tính đến ngày (hôm nay khi năm chưa kết thúc)")),
    Column("breakdown", "string", _l("Dòng số liệu: province (toàn tỉnh), unit (đơn vị), field")),
    Column("code", "string", _l("Mã đơn vị hoặc lĩnh vực (trống với dòng toàn tỉnh)")),
    Column("name", "string", _l("Tên, tiếng Việt")),
    Column("name_en", "string", _l("Tên, tiếng Anh")),
    Column("received", "integer", _l("Đã tiếp nhận (chỉ dòng toàn tỉnh)")),
    Column("assigned", "integer", _l("Lượt được chuyển xử lý (dòng đơn vị, lĩnh vực)")),
    Column("answered", "integer", _l("Đã trả lời")),
    Column("answered_on_time", "integer", _l("Trả lời đúng hạn (chỉ dòng toàn tỉnh)")),
    Column(
        "on_time_rate",
        "number",
        _l("Tỷ lệ trả lời đúng hạn (%); trống khi chưa đủ số câu trả lời để tính"),
    ),
    Column("rank", "integer", _l("Hạng theo tỷ lệ đúng hạn (trống khi chưa đủ số liệu)")),
    Column("open", "integer", _l("Đang xử lý cuối kỳ, hoặc hôm nay (chỉ dòng toàn tỉnh)")),
    Column("overdue", "integer", _l("Trong đó quá hạn (chỉ dòng toàn tỉnh)")),
    Column("handling_median_days", "number", _l("Thời gian trả lời, trung vị (ngày làm việc)")),
    Column("ratings", "integer", _l("Số lượt đánh giá của người gửi (chỉ dòng toàn tỉnh)")),
    Column("satisfied_rate", "number", _l("Tỷ lệ người gửi hài lòng (%) (chỉ dòng toàn tỉnh)")),
)


@dataclass(frozen=True)
class Dataset:
    name: str
    title: object
    description: object
    columns: tuple[Column, ...]
    filters: tuple[tuple[str, object], ...]
    frequency: object


DATASETS = (
    Dataset(
        "published",
        _l("Kết quả trả lời phản ánh, kiến nghị đã công khai"),
        _l(
            "Mỗi dòng là một phản ánh, kiến nghị đã được trả lời và công khai, đúng như trên "
            "trang Kết quả đã công khai: nội dung đã ẩn thông tin cá nhân, không có tên, địa "
            "chỉ, số điện thoại, thư điện tử của người gửi. Kết quả bị thu hồi hoặc đang xem "
            "xét lại không có trong tệp."
        ),
        PUBLISHED_COLUMNS,
        (
            ("from", _l("Ngày trả lời từ (YYYY-MM-DD, giờ Việt Nam)")),
            ("to", _l("Ngày trả lời đến hết ngày (YYYY-MM-DD)")),
            ("field", _l("Mã lĩnh vực (field_code)")),
            ("unit", _l("Mã đơn vị chủ trì (unit_code)")),
        ),
        _l("Liên tục: mỗi kết quả có trong tệp ngay khi được công khai"),
    ),
    Dataset(
        "stats",
        _l("Thống kê tiếp nhận, xử lý phản ánh, kiến nghị"),
        _l(
            "Số liệu tổng hợp như trên trang Thống kê, cho từng năm báo cáo: một dòng toàn tỉnh, "
            "một dòng cho mỗi đơn vị và mỗi lĩnh vực. Chỉ có số liệu tổng hợp."
        ),
        STATS_COLUMNS,
        (
            ("year", _l("Năm báo cáo (mặc định: mọi năm có số liệu)")),
            ("breakdown", _l("province, unit hoặc field")),
        ),
        _l("Hằng ngày; năm đang diễn ra có số liệu đến hôm nay"),
    ),
)


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


# --- the published answers --------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedFilters:
    answered_from: date | None = None
    answered_to: date | None = None
    field_id: int | None = None
    unit_id: int | None = None
    given: tuple[tuple[str, str], ...] = ()  # as the request named them, for the JSON

    def apply(self, query: sa.Select) -> sa.Select:
        if self.answered_from is not None:
            query = query.where(Case.published_at >= start_of_local_day(self.answered_from))
        if self.answered_to is not None:
            query = query.where(Case.published_at < end_of_local_day(self.answered_to))
        if self.field_id is not None:
            query = query.where(Case.field_id == self.field_id)
        if self.unit_id is not None:
            query = query.where(Case.lead_unit_id == self.unit_id)
        return query


_PUBLISHED_READ = (
    Case.id,
    Case.reference_code,
    Case.kind,
    Case.field_id,
    Case.lead_unit_id,
    Case.received_at,
    Case.published_at,
    Case.published_title,
    Case.published_content,
    Case.published_answer,
)


def published_query(filters: PublishedFilters) -> sa.Select:
    """What /published lists (``queries.published_cases``: published, in an answered state),
    only the public columns, in id order for keyset pages."""
    query = sa.select(*_PUBLISHED_READ).where(
        Case.published_at.is_not(None), Case.state.in_(ANSWERED_STATES)
    )
    return filters.apply(query).order_by(Case.id)


def batches(query: sa.Select, key, size: int) -> Iterator[list]:
    """The query's rows, ``size`` at a time: one SELECT per batch (``key > last``), each on a
    connection given back to the pool before the batch is used."""
    last = None
    while True:
        page = query if last is None else query.where(key > last)
        with db.engine.connect() as connection:
            rows = connection.execute(page.limit(size)).all()
        if rows:
            yield rows
        if len(rows) < size:
            return
        last = rows[-1][0]


@dataclass
class Names:
    """Codes and names of the units and fields (a few hundred rows, read once)."""

    units: dict[int, tuple[str, str, str]]
    fields: dict[int, tuple[str, str, str]]

    @classmethod
    def load(cls) -> Names:
        def read(connection, model):
            query = sa.select(model.id, model.code, model.name, model.name_en)
            rows = connection.execute(query)
            return {i: (code, name, name_en or "") for i, code, name, name_en in rows}

        with db.engine.connect() as connection:
            return cls(units=read(connection, Unit), fields=read(connection, Field))


_NO_NAME = ("", "", "")


def _iso(at: datetime | None) -> str | None:
    return at.astimezone(LOCAL_TZ).isoformat(timespec="seconds") if at is not None else None


def published_records(
    filters: PublishedFilters, size: int, names: Names, kind_names: dict, url_of
) -> Iterator[list[dict]]:
    """Batches of items as dicts in :data:`PUBLISHED_COLUMNS` order."""
    for rows in batches(published_query(filters), Case.id, size):
        records = []
        for row in rows:
            field = names.fields.get(row.field_id, _NO_NAME)
            unit = names.units.get(row.lead_unit_id, _NO_NAME)
            records.append(
                {
                    "code": row.reference_code,
                    "url": url_of(row.reference_code),
                    "kind": str(row.kind),
                    "kind_name": kind_names.get(row.kind, ""),
                    "field_code": field[0] or None,
                    "field_name": field[1] or None,
                    "field_name_en": field[2] or None,
                    "unit_code": unit[0] or None,
                    "unit_name": unit[1] or None,
                    "unit_name_en": unit[2] or None,
                    "received_at": _iso(row.received_at),
                    "answered_at": _iso(row.published_at),
                    "title": row.published_title,
                    "content": row.published_content,
                    "answer": row.published_answer,
                }
            )
        yield records


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
        figures = year_figures(year, now, min_sample)
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
                code, name, name_en = known.get(key, _NO_NAME)
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
        years = stats_years(clock.now())
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


# --- the files --------------------------------------------------------------------------------


class _Echo:
    """A file for ``csv.writer`` that hands each line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_chunks(batches_of: Iterable[list[dict]], columns: tuple[Column, ...]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (Excel reads Vietnamese right), RFC 4180: CRLF line ends,
    fields with a comma, quote or line break quoted, quotes doubled, a header row. Text that a
    spreadsheet would run as a formula starts with an apostrophe (``exports.guard``)."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    names = [c.name for c in columns]
    yield ("\ufeff" + writer.writerow(names)).encode("utf-8")
    for records in batches_of:
        lines = [
            writer.writerow(["" if r[n] is None else guard(r[n]) for n in names]) for r in records
        ]
        yield "".join(lines).encode("utf-8")


def json_chunks(
    batches_of: Iterable[list[dict]],
    dataset: str,
    columns: tuple[Column, ...],
    given: tuple[tuple[str, str], ...],
    source: str,
    generated_at: str,
) -> Iterator[bytes]:
    """One JSON object, written as it goes: the licence and the description first, then
    ``items``, an array of objects, one per row."""
    head = {
        "dataset": dataset,
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "source": source,
        "generated_at": generated_at,
        "filters": dict(given),
        "fields": [{"name": c.name, "type": c.type} for c in columns],
    }
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "items": ['
    yield opening.encode("utf-8")
    separator = "\n"
    for records in batches_of:
        parts = []
        for record in records:
            parts.append(separator + json.dumps(record, ensure_ascii=False))
            separator = ",\n"
        yield "".join(parts).encode("utf-8")
    yield b"\n]}\n"


def _download(records, fmt: str, name: str, dataset: str, columns, given) -> Response:
    if fmt == "csv":
        body, mimetype = csv_chunks(records, columns), "text/csv"
    else:
        source = _public_url(url_for("public.open_data"))
        generated_at = _iso(clock.now())
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


def each_in_app_context(app: Flask, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks, each made inside an application context of its own: pushed for one chunk
    and popped before it is sent, so nothing is left pushed while the client reads, and the
    teardown gives the session's connection back after every chunk and when the client
    leaves (``close()``)."""
    try:
        while True:
            with app.app_context():
                try:
                    chunk = next(chunks)
                except StopIteration:
                    return
            yield chunk
    finally:
        with app.app_context():
            chunks.close()


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
