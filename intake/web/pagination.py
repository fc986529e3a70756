"""A page of a long, sorted list: the ids of the page first, then their rows.

A queue's "all" tab sorts every item (open ones first, urgent, by deadline). Sorting whole
rows, title and content included, was most of that page's time at a million items (1.1-1.4 s
on SQLite); sorting only the id with the sort's own columns, which one covering index holds
(``ix_cases_queue_order``), took about 0.2 s. The 25 rows are then read by their ids and put
back in the page's order. The count is Flask-SQLAlchemy's own.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_sqlalchemy.pagination import SelectPagination

from intake.extensions import db


class IdsFirstPagination(SelectPagination):
    """``db.paginate``'s page of ``select`` (one entity with an ``id``), its rows loaded with
    ``options`` (eager loads, which the ids' query must not carry)."""

    def _query_items(self) -> list:
        select = self._query_args["select"]
        session = self._query_args["session"]
        entity = select.column_descriptions[0]["entity"]
        page_ids = select.with_only_columns(entity.id).limit(self.per_page)
        ids = list(session.execute(page_ids.offset(self._query_offset)).scalars())
        if not ids:
            return []
        rows = sa.select(entity).where(entity.id.in_(ids)).options(*self._query_args["options"])
        found = {row.id: row for row in session.execute(rows).unique().scalars()}
        return [found[i] for i in ids if i in found]  # gone in between: left out, not an error


def paginate_ids_first(select, *, options=(), **kwargs) -> IdsFirstPagination:
    return IdsFirstPagination(select=select, session=db.session(), options=options, **kwargs)
