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

import json
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.dialects import postgresql

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
CANDIDATES = 500
#: PostgreSQL: the newest this many items are read one by one, newest first, before the index
#: is asked (see ``_postgresql_newest``).
RECENT_ROWS = 25_000
#: SQLite: when the caller's filters leave at most this many items, the full-text matches are
#: checked against their ids rather than their rows (see ``_sqlite_newest``).
FEW_ROWS = 5_000


def ranked(
    query: sa.Select,
    text: str | list[str],
    scope: Scope,
    *,
    order_by: list,
    any_words: bool = False,
    candidates: int | None = None,
) -> sa.Select:
    """``query`` (a select of Case, with the caller's filters) narrowed to the items matching
    ``text`` in ``scope``, the best match first and ``order_by`` among equals; without a query,
    simply in ``order_by``. The one query function of the queues, /published and similar
    items. A queue's tab counts (:func:`candidate_count`) are the number of rows it lists."""
    terms = words(text) if isinstance(text, str) else list(text)
    if not terms:
        return query.order_by(*order_by)
    found = _newest_matches(query, terms, scope, any_words, candidates or CANDIDATES)
    if _dialect() == "postgresql":
        result = sa.select(Case).where(_one_of(list(found)))
        best = sa.func.ts_rank(_stored_vector(scope), _tsquery(terms, any_words)).desc()
    else:
        # The scores found, as one JSON parameter joined by id: a CASE of hundreds of
        # branches would be evaluated for every row. bm25: lower is better.
        scores = sa.func.json_each(json.dumps(found)).table_valued("key", "value")
        result = sa.select(Case).join(scores, Case.id == sa.cast(scores.c.key, sa.Integer))
        best = scores.c.value
    return result.order_by(best, *order_by)


def candidate_count(query: sa.Select, text: str, scope: Scope) -> int:
    """How many items :func:`ranked` lists for ``query`` and ``text``: the matches, at most
    :data:`CANDIDATES`."""
    terms = words(text)
    if not terms:
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    return len(_newest_matches(query, terms, scope, False, CANDIDATES, scored=False))


def more_may_match(text: str, total: int) -> bool:
    """Whether a page of ``total`` results for ``text`` may leave matches out: a search ranks
    the newest :data:`CANDIDATES` matches only, so at that many the page says so."""
    return bool(words(text)) and total >= CANDIDATES


def _one_of(ids: list[int]) -> sa.ColumnElement[bool]:
    if not ids:
        return sa.false()
    if _dialect() != "postgresql":
        return Case.id.in_(ids)
    # One array parameter rather than hundreds: the statement stays the same for every search.
    return Case.id == sa.any_(sa.bindparam("candidate_ids", ids,
                                           type_=postgresql.ARRAY(sa.Integer)))  # fmt: skip


def _newest_matches(
    query: sa.Select,
    terms: list[str],
    scope: Scope,
    any_words: bool,
    limit: int,
    *,
    scored: bool = True,
) -> dict[int, float | None]:
    """The newest ``limit`` items of ``query`` that match, newest first: id -> score (SQLite's
    bm25; None on PostgreSQL, which ranks in the final select, and when not ``scored``).
    Found by running statements (up to two on SQLite, up to four on PostgreSQL), once per
    request: a queue page asks for its rows and for its tab's count within the same matches,
    and only the request's own reads come between.

    ``scored=False`` is for counting: SQLite's bm25 reads the whole list of every word of the
    query once per statement that finds anything, 60-160 ms at a million items, and a queue
    page counts six tabs but ranks one."""
    memo = g.setdefault("intake_search_newest", {}) if has_request_context() else {}
    compiled = query.compile(dialect=db.session.get_bind().dialect)
    key = (compiled.string, repr(sorted(compiled.params.items())), tuple(terms), scope.name,
           any_words, limit)  # fmt: skip

    def find(scored: bool) -> dict[int, float | None]:
        if _dialect() == "postgresql":
            return dict.fromkeys(_postgresql_newest(query, terms, scope, any_words, limit))
        return _sqlite_newest(query, terms, scope, any_words, limit, memo, scored)

    # PostgreSQL ranks in the final select: the ids it finds serve a count and a page alike.
    return _remembered(memo, key, scored or _dialect() == "postgresql", find)


def _remembered(memo: dict, key, scored: bool, find) -> dict[int, float | None]:
    """``find(scored)``, once per request for ``key``: matches found with their scores serve a
    count too; found without, they are found again when scores are wanted."""
    kept = memo.get(key)
    if kept is None or (scored and not kept[0]):
        kept = memo[key] = (scored, find(scored))
    return kept[1]


def _sqlite_newest(
    query: sa.Select,
    terms: list[str],
    scope: Scope,
    any_words: bool,
    limit: int,
    memo: dict,
    scored: bool,
) -> dict[int, float | None]:
    """The newest ``limit`` items of ``query`` that match, newest first: id -> bm25 (None when
    not ``scored``).

    FTS5 yields the matches newest first, and each must then pass the caller's filters.
    Checked on the rows, that is one read of a large row per match until ``limit`` pass: when
    the filters leave few items (a tab of a rare state: "needs information", the items sent
    back), a word found in every item read every row, 1.2 s at a million items. So the ids
    that pass the filters are read first, up to :data:`FEW_ROWS`; when there are no more, the
    matches are checked against those ids alone, no row read (0.13 s), and none at all when
    there are none. Otherwise the filters let many items through and the matches checked on
    their rows soon make ``limit``."""
    ids = query.with_only_columns(Case.id).limit(FEW_ROWS + 1)  # all of them, or too many
    few = list(db.session.scalars(ids))
    if not few:
        return {}
    if len(few) > FEW_ROWS:
        matched, hits = _sqlite(query, terms, scope, any_words, scored)
        newest = matched.with_only_columns(hits.c.case_id, hits.c.score)
        rows = db.session.execute(newest.order_by(hits.c.case_id.desc()).limit(limit))
        return {case_id: value for case_id, value in rows}
    # Another tab of the same page may hold the same items.
    key = ("among", frozenset(few), tuple(terms), scope.name, any_words, limit)
    return _remembered(
        memo, key, scored, lambda scored: _sqlite_among(few, terms, scope, any_words, limit, scored)
    )


def _sqlite_among(
    ids: list[int], terms: list[str], scope: Scope, any_words: bool, limit: int, scored: bool
) -> dict[int, float | None]:
    """The newest ``limit`` of ``ids`` that match, newest first, without reading their rows."""
    fts, match, score = _fts_match(terms, scope, any_words)
    among = sa.func.json_each(json.dumps(ids)).table_valued("value")
    # "+rowid": an expression, not the column, so that FTS5 is not asked for each id in turn
    # (one full-text query per id: seconds) but checks its matches against the list.
    plus_rowid = sa.literal_column(f"+{scope.fts_table}.rowid")
    # The rowid itself bounds the matches FTS5 walks through: a tab of a few items (one item
    # asked for information, at the start of the ids) then reads the part of each word's
    # list that could hold them, not all of it (125 ms to 1 ms at a million items).
    newest = (
        sa.select(fts.c.rowid, score if scored else sa.null())
        .select_from(fts)
        .where(match, fts.c.rowid.between(min(ids), max(ids)))
        .where(plus_rowid.in_(sa.select(among.c.value)))
        .order_by(fts.c.rowid.desc())
        .limit(limit)
    )
    return {case_id: value for case_id, value in db.session.execute(newest)}


def _postgresql_newest(
    query: sa.Select, terms: list[str], scope: Scope, any_words: bool, limit: int
) -> list[int]:
    """The ids of the newest ``limit`` items of ``query`` that match, newest first.

    A GIN index knows which items have a word, not which are the newest. For a word found in
    a few items (a code, a phone number, a rare name) it is the way: few rows to fetch. For a
    query of common syllables (most Vietnamese ones are) it reads long lists and fetches the
    row of every match, seconds at a million items, while reading the newest items one by one
    finds enough matches in a few thousand rows. And the planner's guess of how many items
    match words that go together ("giấy phép xây dựng") is often a hundred times too low, so
    left to itself it picks the index exactly when it should not. Hence each step here has
    one plan: when a word of the query is rare (not one of the most common words that
    PostgreSQL's own statistics list), the index; otherwise the newest :data:`RECENT_ROWS`
    items one by one (through the primary key: the function ``ts_match_vq`` is ``@@``
    without the operator the index serves), twice as many more when they hold a third of
    ``limit`` matches, and only when that is still too few, the index for the older ones."""
    vector, tsquery = _stored_vector(scope), _tsquery(terms, any_words)

    def newest(*conditions, limit: int) -> list[int]:
        select = query.where(*conditions).with_only_columns(Case.id)
        return list(db.session.scalars(select.order_by(Case.id.desc()).limit(limit)))

    if _has_a_rare_word(terms, scope, any_words):
        return newest(vector.op("@@")(tsquery), limit=limit)
    newest_id = db.session.scalar(sa.select(sa.func.max(Case.id)))
    if newest_id is None:
        return []
    one_by_one = sa.func.ts_match_vq(vector, tsquery)
    floor = newest_id - RECENT_ROWS
    found = newest(Case.id > floor, one_by_one, limit=limit)
    if floor >= 1 and len(found) * 3 >= limit > len(found):
        # A third of them already: the rest is expected within twice as many rows again,
        # still cheaper read one by one than fetched through the index.
        further = floor - 2 * RECENT_ROWS
        found += newest(Case.id <= floor, Case.id > further, one_by_one,
                        limit=limit - len(found))  # fmt: skip
        floor = further
    if len(found) >= limit or floor < 1:
        return found
    return found + newest(Case.id <= floor, vector.op("@@")(tsquery), limit=limit - len(found))


def _has_a_rare_word(terms: list[str], scope: Scope, any_words: bool) -> bool:
    """Whether the query is sure to match few items: one of its words (all, when any word
    will do) is not among the most common of the scope's vectors. An unfinished last word
    may stand for many words: never rare."""
    unfinished = not any_words and len(terms[-1]) > 1
    whole = terms[:-1] if unfinished else terms
    rare = [w for w in whole if w not in _frequent_words(scope)]
    return len(rare) == len(terms) if any_words else bool(rare)


#: How long a process keeps the most common words of the statistics (seconds).
FREQUENT_WORDS_SECONDS = 600
_frequent: dict[str, tuple[float, frozenset[str]]] = {}


def _frequent_words(scope: Scope) -> frozenset[str]:
    """The words ``ANALYZE`` found most often in the scope's vectors (a few hundred; each
    word not listed is in fewer items than the least frequent listed, a few per thousand).
    Before the first ``ANALYZE`` there are none: every word counts as rare, which is right
    for the small table that has not been analysed yet."""
    now = time.monotonic()
    kept = _frequent.get(scope.vector_column)
    if kept is not None and now - kept[0] < FREQUENT_WORDS_SECONDS:
        return kept[1]
    listed = db.session.execute(
        sa.text(
            "SELECT most_common_elems::text::text[] FROM pg_stats WHERE tablename = 'cases'"
            " AND attname = :column AND schemaname = current_schema()"
        ),
        {"column": scope.vector_column},
    ).scalar()
    words = frozenset(listed or ())
    _frequent[scope.vector_column] = (now, words)
    return words


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _fts_match(
    terms, scope, any_words
) -> tuple[sa.TableClause, sa.ColumnElement[bool], sa.ColumnElement]:
    """The scope's FTS5 table, its condition for ``terms``, and the bm25 score of a match."""

    def term(word: str, last: bool) -> str:
        # Folded words hold letters and digits only; quoting makes them plain strings anyway.
        quoted = '"' + word.replace('"', '""') + '"'
        return quoted + "*" if last and len(word) > 1 and not any_words else quoted

    joiner = " OR " if any_words else " "
    expression = joiner.join(term(w, i == len(terms) - 1) for i, w in enumerate(terms))
    fts = sa.table(scope.fts_table, sa.column("rowid"))
    match = sa.literal_column(scope.fts_table).op("MATCH")(expression)
    return fts, match, sa.literal_column(f"bm25({scope.fts_table}, 10.0, 1.0)")


def _sqlite(query, terms, scope, any_words, scored: bool):
    """``query`` joined to its full-text matches, and the matches (``case_id``, ``score``:
    bm25, lower is better; null when not ``scored``)."""
    fts, match, score = _fts_match(terms, scope, any_words)
    hits = (
        sa.select(fts.c.rowid.label("case_id"), (score if scored else sa.null()).label("score"))
        .select_from(fts)
        .where(match)
        .subquery("hits")
    )
    return query.join(hits, hits.c.case_id == Case.id), hits


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
    # Not a mapped column: the database computes it (GENERATED ALWAYS ... STORED). Named in
    # SQL text, so that it brings no FROM of its own beside the query's ``cases``.
    return sa.literal_column(f"cases.{scope.vector_column}", type_=postgresql.TSVECTOR)


def _tsquery(terms: list[str], any_words: bool) -> sa.ColumnElement:
    def term(word: str, last: bool) -> str:
        quoted = "'" + word.replace("'", "''").replace("\\", "") + "'"
        return quoted + ":*" if last and len(word) > 1 and not any_words else quoted

    joiner = " | " if any_words else " & "
    expression = joiner.join(term(w, i == len(terms) - 1) for i, w in enumerate(terms))
    return sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), expression)


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
    dialect = postgresql.dialect()
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
