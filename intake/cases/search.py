"""Full-text search over items: one query function for the officers' queues, /published and
the similar answers offered on /submit.

The application folds the searchable texts (``intake.core.text.fold``: NFC, diacritics and
đ/Đ folded, lower case, punctuation to spaces) into stored columns, two per scope: a title
(code and title, ranked higher) and the whole text. Each database indexes those columns with
its own machinery, kept current by the database itself within the writing transaction:

- SQLite: FTS5 tables with external content (``cases_fts``, ``published_fts``) over the
  ``cases`` columns, filled by triggers on insert, update of the folded columns and delete;
  ranked with ``bm25`` (title ten times the weight of the text);
- PostgreSQL: GIN indexes on ``setweight(to_tsvector('simple', title), 'A') ||
  setweight(to_tsvector('simple', text), 'B')``; ranked with ``ts_rank`` (no ``unaccent``
  extension needed: the text is already folded).

Every word of a query counts (AND); the last may be unfinished (prefix). ``any_words`` ranks
by how many words match instead (similar answers). Whatever is typed becomes words of letters
and digits only, so quotes, operators (NEAR, AND, OR, *, -, ^) or control characters are never
syntax for either engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from intake.cases.models import Case
from intake.core.text import fold
from intake.extensions import db

#: At most this many distinct words of a query are used (a 200-character query has fewer).
MAX_WORDS = 64
#: The similar-answers query keeps this many of the text's words, the longest first.
MAX_SIMILAR_WORDS = 24
#: Very common syllables that say nothing about what an item is about (for any-words search).
_STOP = (
    "va la cua cac co cho duoc khong nhung toi da dang tai trong ve voi de mot nay do thi se "
    "den tu nguoi khi da nhu tren hay hoac neu vi ma con rat cung ra vao lai theo chi nen "
    "bi boi nhieu it moi sau truoc ong ba anh chi em xin kinh gui de nghi"
)
STOP_WORDS = frozenset(_STOP.split())


@dataclass(frozen=True)
class Scope:
    """One searchable document per item: its folded title and whole-text columns."""

    name: str
    fts_table: str  # SQLite
    title: sa.Column
    text: sa.Column
    vector_column: str  # PostgreSQL: the stored (generated) tsvector of title and text


OFFICER = Scope(
    "officer",
    "cases_fts",
    Case.__table__.c.search_title,
    Case.__table__.c.search_text,
    "search_vector",
)
PUBLIC = Scope(
    "public",
    "published_fts",
    Case.__table__.c.published_search_title,
    Case.__table__.c.published_search_text,
    "published_search_vector",
)
SCOPES = (OFFICER, PUBLIC)


# --- the folded texts, written by the operations in the same transaction --------------------


def officer_text(case: Case) -> str:
    """What officers' search looks in: code, title, content, names, phone and e-mail."""
    parts = (case.reference_code, case.national_code, case.title, case.content, case.full_name,
             case.organisation_name, case.phone, case.email)  # fmt: skip
    return fold(" ".join(p for p in parts if p))


def officer_title(case: Case) -> str:
    return fold(" ".join(p for p in (case.reference_code, case.national_code, case.title) if p))


def public_title(case: Case) -> str:
    return fold(" ".join(p for p in (case.reference_code, case.published_title) if p))


def public_text(case: Case) -> str:
    parts = (case.reference_code, case.published_title, case.published_content,
             case.published_answer)  # fmt: skip
    return fold(" ".join(p for p in parts if p))


def words(text: str | None, limit: int = MAX_WORDS) -> list[str]:
    """The distinct folded words of a query, in order."""
    return list(dict.fromkeys(fold((text or "")[:4000]).split()))[:limit]


def similar_words(title: str | None, content: str | None = None) -> list[str]:
    """The words that say most about a text: distinct, not stop words; the title's first, then
    the content's longest."""

    def telling(text: str | None) -> list[str]:
        found = [w for w in words(text, 400) if w not in STOP_WORDS]
        return [w for w in found if len(w) > 1 or w.isdigit()]

    from_title = telling(title)
    from_content = sorted((w for w in telling(content) if w not in from_title), key=len,
                          reverse=True)  # fmt: skip
    return (from_title + from_content)[:MAX_SIMILAR_WORDS]


def overlap(wanted: list[str], folded_text: str | None) -> float:
    """The share of ``wanted`` words that ``folded_text`` (a stored folded text) has."""
    if not wanted:
        return 0.0
    have = set((folded_text or "").split())
    return sum(w in have for w in wanted) / len(wanted)


# --- the one query function -------------------------------------------------------------------

#: When more items match, the best first among the newest this many (after the caller's filters):
#: ranking every match of a word found in most items would take seconds at a million items.
CANDIDATES = 1000


def ranked(
    query: sa.Select,
    text: str | list[str],
    scope: Scope,
    *,
    order_by: list,
    any_words: bool = False,
    candidates: int = CANDIDATES,
) -> sa.Select:
    """``query`` (a select of Case, with the caller's filters) narrowed to the items matching
    ``text`` in ``scope``, the best match first and ``order_by`` among equals; without a query,
    simply in ``order_by``. The one query function of the queues, /published and similar
    items."""
    terms = words(text) if isinstance(text, str) else list(text)
    if not terms:
        return query.order_by(*order_by)
    matched, best_first = matching(query, terms, scope, any_words=any_words)
    if _dialect() == "postgresql":
        newest = matched.with_only_columns(Case.id).order_by(Case.id.desc()).limit(candidates)
        return (
            sa.select(Case)
            .where(Case.id.in_(newest.scalar_subquery()))
            .order_by(*best_first, *order_by)
        )
    (score,) = best_first
    hits = score.table
    newest = (
        matched.with_only_columns(hits.c.case_id, score)
        .order_by(hits.c.case_id.desc())
        .limit(candidates)
        .subquery("candidates")
    )
    return (
        sa.select(Case)
        .join(newest, newest.c.case_id == Case.id)
        .order_by(newest.c.score, *order_by)
    )


def matching(
    query: sa.Select, text: str | list[str], scope: Scope, *, any_words: bool = False
) -> tuple[sa.Select, list[sa.ColumnElement]]:
    """``query`` (a select of Case) narrowed to the items matching ``text`` in ``scope``, and
    the ORDER BY terms that put the best match first (to go before the caller's own order).
    An empty query changes nothing."""
    terms = words(text) if isinstance(text, str) else list(text)
    if not terms:
        return query, []
    if _dialect() == "postgresql":
        return _postgresql(query, terms, scope, any_words)
    return _sqlite(query, terms, scope, any_words)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _sqlite(query, terms, scope, any_words):
    def term(word: str, last: bool) -> str:
        # Folded words hold letters and digits only; quoting makes them plain strings anyway.
        quoted = '"' + word.replace('"', '""') + '"'
        return quoted + "*" if last and len(word) > 1 and not any_words else quoted

    joiner = " OR " if any_words else " "
    expression = joiner.join(term(w, i == len(terms) - 1) for i, w in enumerate(terms))
    fts = sa.table(scope.fts_table, sa.column("rowid"))
    hits = (
        sa.select(
            fts.c.rowid.label("case_id"),
            sa.literal_column(f"bm25({scope.fts_table}, 10.0, 1.0)").label("score"),
        )
        .select_from(fts)
        .where(sa.literal_column(scope.fts_table).op("MATCH")(expression))
        .subquery("hits")
    )
    query = query.join(hits, hits.c.case_id == Case.id)
    return query, [hits.c.score]  # bm25: lower is better


def postgresql_vector(scope: Scope) -> sa.ColumnElement:
    """The indexed expression (the migration creates the GIN index on exactly this)."""
    return sa.func.setweight(
        sa.func.to_tsvector(
            sa.literal_column("'simple'::regconfig"), sa.func.coalesce(scope.title, "")
        ),
        sa.literal_column("'A'::\"char\""),
    ).op("||")(
        sa.func.setweight(
            sa.func.to_tsvector(
                sa.literal_column("'simple'::regconfig"), sa.func.coalesce(scope.text, "")
            ),
            sa.literal_column("'B'::\"char\""),
        )
    )


def _stored_vector(scope: Scope) -> sa.ColumnElement:
    # Not a mapped column: the database computes it (GENERATED ALWAYS ... STORED).
    return sa.table("cases", sa.column(scope.vector_column)).c[scope.vector_column]


def _postgresql(query, terms, scope, any_words):
    def term(word: str, last: bool) -> str:
        quoted = "'" + word.replace("'", "''").replace("\\", "") + "'"
        return quoted + ":*" if last and len(word) > 1 and not any_words else quoted

    joiner = " | " if any_words else " & "
    expression = joiner.join(term(w, i == len(terms) - 1) for i, w in enumerate(terms))
    tsquery = sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), expression)
    vector = _stored_vector(scope)
    query = query.where(vector.op("@@")(tsquery))
    score = sa.func.ts_rank(vector, tsquery)
    return query, [score.desc()]


# --- the index: DDL for create_all and the migration, and a rebuild ---------------------------


def sqlite_ddl() -> list[str]:
    """The FTS5 tables and their triggers (names are constants of this module, never input)."""
    statements = []
    for scope in SCOPES:
        t, a, b = scope.fts_table, scope.title.name, scope.text.name
        statements += [
            f"CREATE VIRTUAL TABLE {t} USING fts5({a}, {b}, content='cases', content_rowid='id',"
            " tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
            f"CREATE TRIGGER {t}_insert AFTER INSERT ON cases BEGIN"  # noqa: S608
            f" INSERT INTO {t}(rowid, {a}, {b}) VALUES (new.id, new.{a}, new.{b}); END",
            f"CREATE TRIGGER {t}_delete AFTER DELETE ON cases BEGIN"  # noqa: S608
            f" INSERT INTO {t}({t}, rowid, {a}, {b}) VALUES ('delete', old.id, old.{a}, old.{b});"
            " END",
            f"CREATE TRIGGER {t}_update AFTER UPDATE OF {a}, {b} ON cases BEGIN"  # noqa: S608
            f" INSERT INTO {t}({t}, rowid, {a}, {b}) VALUES ('delete', old.id, old.{a}, old.{b});"
            f" INSERT INTO {t}(rowid, {a}, {b}) VALUES (new.id, new.{a}, new.{b}); END",
        ]
    return statements


def sqlite_drop_ddl() -> list[str]:
    statements = []
    for scope in SCOPES:
        t = scope.fts_table
        statements += [f"DROP TRIGGER IF EXISTS {t}_{e}" for e in ("insert", "delete", "update")]
        statements.append(f"DROP TABLE IF EXISTS {t}")
    return statements


POSTGRESQL_INDEXES = {"officer": "ix_cases_search_officer", "public": "ix_cases_search_public"}


def postgresql_ddl() -> list[str]:
    """The stored tsvector columns and their GIN indexes, as SQL text (the migration writes
    out the same). Stored, so that ranking reads the vector instead of recomputing it."""
    dialect = sa.dialects.postgresql.dialect()
    statements = []
    for scope in SCOPES:
        vector = postgresql_vector(scope)
        compiled = vector.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        compiled = str(compiled).replace("cases.", "")
        where = " WHERE published_at IS NOT NULL" if scope is PUBLIC else ""
        statements += [
            f"ALTER TABLE cases ADD COLUMN {scope.vector_column} tsvector"
            f" GENERATED ALWAYS AS ({compiled}) STORED",
            f"CREATE INDEX {POSTGRESQL_INDEXES[scope.name]} ON cases"
            f" USING gin ({scope.vector_column}){where}",
        ]
    return statements


def create_index(connection) -> None:
    """Create the search index on a connection whose ``cases`` table exists."""
    name = connection.dialect.name
    statements = (
        sqlite_ddl() if name == "sqlite" else postgresql_ddl() if name == "postgresql" else []
    )
    for statement in statements:
        connection.exec_driver_sql(statement)


def is_index_object(name: str | None, type_: str) -> bool:
    """SQLite's FTS5 tables (and their shadow tables) or PostgreSQL's GIN indexes of the search
    index: not models, so autogenerate comparisons leave them out."""
    if type_ == "index":
        return name in POSTGRESQL_INDEXES.values()
    if type_ == "column":
        return name in {s.vector_column for s in SCOPES}
    return type_ == "table" and any(
        name == s.fts_table or (name or "").startswith(s.fts_table + "_") for s in SCOPES
    )


def index_definitions(connection) -> list[str]:
    """The search index as the database describes it (to compare a migrated database)."""
    if connection.dialect.name == "sqlite":
        rows = connection.execute(
            sa.text(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger'"
                " OR (type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%') ORDER BY name"
            )
        )
    else:
        rows = connection.execute(
            sa.text(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'cases'"
                " AND indexname LIKE 'ix_cases_search_%' ORDER BY indexname"
            )
        )
    return [" ".join(r[0].split()) for r in rows]


def _after_create(target, connection, **kw) -> None:
    create_index(connection)


def _before_drop(target, connection, **kw) -> None:
    if connection.dialect.name == "sqlite":
        for statement in sqlite_drop_ddl():
            connection.exec_driver_sql(statement)


sa.event.listen(Case.__table__, "after_create", _after_create)
sa.event.listen(Case.__table__, "before_drop", _before_drop)


def rebuild(batch_size: int = 2000, progress=None) -> int:
    """Recompute every item's folded texts from its source texts (after a change of the
    folding rules, or for rows written behind the application's back), then rebuild the
    SQLite FTS tables from them. Runs in the caller's transaction; returns the items seen."""
    seen, last_id = 0, 0
    while True:
        batch = db.session.scalars(
            sa.select(Case).where(Case.id > last_id).order_by(Case.id).limit(batch_size)
        ).all()
        if not batch:
            break
        for case in batch:
            values = {
                "search_title": officer_title(case),
                "search_text": officer_text(case),
                "published_search_title": public_title(case) if case.published_at else None,
                "published_search_text": public_text(case) if case.published_at else None,
            }
            changed = {k: v for k, v in values.items() if getattr(case, k) != v}
            if changed:
                db.session.execute(
                    sa.update(Case.__table__).where(Case.__table__.c.id == case.id).values(changed)
                )
        seen += len(batch)
        last_id = batch[-1].id
        db.session.expunge_all()
        if progress:
            progress(seen)
    if _dialect() == "sqlite":
        # Recreated from scratch: a batch migration that rebuilt ``cases`` drops the triggers.
        connection = db.session.connection()
        for statement in sqlite_drop_ddl():
            connection.exec_driver_sql(statement)
        create_index(connection)
        for scope in SCOPES:
            t = scope.fts_table
            connection.exec_driver_sql(f"INSERT INTO {t}({t}) VALUES ('rebuild')")  # noqa: S608
    return seen
