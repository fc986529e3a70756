"""Reading and writing the open data files, streamed: rows read in keyset batches, each batch
written as one chunk of CSV or JSON, each chunk made inside an application context of its own.

A stream outlives its request: the view reads what the whole file needs from the request
(parameters, names, the locale's labels) and each chunk is then made inside an application
context of its own (:func:`each_in_app_context`), whose teardown removes the database session
whatever happened, the client gone half-way included. Flask's ``stream_with_context`` would
instead keep the request's contexts pushed while the stream waits between chunks, which breaks
the context stack of whoever iterates two responses in one thread (the test client does, on
every response it does not read to the end).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

from intake.cases.models import Case
from intake.core.calendar import LOCAL_TZ, end_of_local_day, start_of_local_day
from intake.core.states import ANSWERED_STATES
from intake.extensions import db
from intake.opendata.catalogue import LICENCE_NAME, LICENCE_URL, Column
from intake.org.models import Field, Unit
from intake.reports.exports import guard


@dataclass(frozen=True)
class PublishedFilters:
    answered_from: date | None = None
    answered_to: date | None = None
    field_id: int | None = None
    unit_id: int | None = None
    given: tuple[tuple[str, str], ...] = ()  # as the request named them, for the JSON

    def apply(self, query: sa.Select) -> sa.Select:
        published_at = unindexed(Case.published_at)
        if self.answered_from is not None:
            query = query.where(published_at >= start_of_local_day(self.answered_from))
        if self.answered_to is not None:
            query = query.where(published_at < end_of_local_day(self.answered_to))
        if self.field_id is not None:
            query = query.where(unindexed(Case.field_id) == self.field_id)
        if self.unit_id is not None:
            query = query.where(unindexed(Case.lead_unit_id) == self.unit_id)
        return query


class unindexed(ColumnElement):  # noqa: N801 — used like a function, as sa.func's are
    """A column's value that SQLite's planner cannot serve from an index (``+column``, a no-op
    that hides the index); the plain column elsewhere.

    A keyset page (``id > last ORDER BY id LIMIT n``) must walk the primary key from the last
    id on. SQLite without ANALYZE statistics (the application runs none) would rather take the
    index on the state, the date, the field … and sort every remaining match for each page: a
    cost in the square of the items (a date range over all time would take hours at a million).
    With these conditions unindexed, the whole download reads the table once, whatever the
    filters. PostgreSQL's planner, with the statistics autovacuum keeps, chooses well alone."""

    inherit_cache = True

    def __init__(self, column):
        self.column = column
        self.type = column.type


@compiles(unindexed)
def _unindexed(element, compiler, **kw):
    return compiler.process(element.column, **kw)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element, compiler, **kw):
    return "+" + compiler.process(element.column, **kw)


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
    only the public columns, in id order for keyset pages (see :class:`unindexed`)."""
    query = sa.select(*_PUBLISHED_READ).where(
        unindexed(Case.published_at).is_not(None), unindexed(Case.state).in_(ANSWERED_STATES)
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


NO_NAME = ("", "", "")


def iso(at: datetime | None) -> str | None:
    return at.astimezone(LOCAL_TZ).isoformat(timespec="seconds") if at is not None else None


def published_records(
    filters: PublishedFilters, size: int, names: Names, kind_names: dict, url_of
) -> Iterator[list[dict]]:
    """Batches of items as dicts in :data:`PUBLISHED_COLUMNS` order."""
    for rows in batches(published_query(filters), Case.id, size):
        records = []
        for row in rows:
            field = names.fields.get(row.field_id, NO_NAME)
            unit = names.units.get(row.lead_unit_id, NO_NAME)
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
                    "received_at": iso(row.received_at),
                    "answered_at": iso(row.published_at),
                    "title": row.published_title,
                    "content": row.published_content,
                    "answer": row.published_answer,
                }
            )
        yield records


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
