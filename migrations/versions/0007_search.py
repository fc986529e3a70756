"""Search: folded titles beside the folded texts, and each database's full-text index over them
(intake/cases/search.py).

- ``cases.search_title`` (code, national code, title) and ``cases.published_search_title``
  (code, published title), folded like ``search_text``: a title match ranks first;
- SQLite: FTS5 tables ``cases_fts`` and ``published_fts`` with external content (the columns
  of ``cases``), kept current by triggers on insert, update of the folded columns and delete;
- PostgreSQL: stored generated columns ``search_vector`` and ``published_search_vector`` (the
  weighted ``to_tsvector('simple', …)`` of the same columns; not mapped by the models) with GIN
  indexes (no extension needed). Adding them rewrites ``cases`` once.

The SQL is written out here (not imported) and must stay equal to what
``intake.cases.search`` builds (tests/test_migrations.py compares them).
A later SQLite batch migration that recreates ``cases`` drops the triggers: run
``flask --app wsgi intake search-rebuild`` after it (it recreates them and the FTS content).

Reviewed by hand. Follows 0006 (the worker heartbeats).

Revision ID: 0007_search
Revises: 0007_sms
Create Date: 2026-12-01 13:50:00.000000

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_search'
down_revision = '0007_sms'
branch_labels = None
depends_on = None


_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})


def _fold(text):
    # intake.core.text.fold as of this revision, copied so that the migration never changes.
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_D_MAP))
    stripped = "".join(
        ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(stripped.lower().split())


def _joined(*parts):
    return _fold(" ".join(p for p in parts if p))


_SQLITE = {
    'cases_fts': ('search_title', 'search_text'),
    'published_fts': ('published_search_title', 'published_search_text'),
}

_POSTGRESQL = [
    "ALTER TABLE cases ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (setweight("
    "to_tsvector('simple'::regconfig, coalesce(search_title, '')), 'A'::\"char\") || setweight("
    "to_tsvector('simple'::regconfig, coalesce(search_text, '')), 'B'::\"char\")) STORED",
    "CREATE INDEX ix_cases_search_officer ON cases USING gin (search_vector)",
    "ALTER TABLE cases ADD COLUMN published_search_vector tsvector GENERATED ALWAYS AS (setweight("
    "to_tsvector('simple'::regconfig, coalesce(published_search_title, '')), 'A'::\"char\") || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(published_search_text, '')), "
    "'B'::\"char\")) STORED",
    "CREATE INDEX ix_cases_search_public ON cases USING gin (published_search_vector)"
    " WHERE published_at IS NOT NULL",
]


def _sqlite_ddl():
    for t, (a, b) in _SQLITE.items():
        yield (f"CREATE VIRTUAL TABLE {t} USING fts5({a}, {b}, content='cases', "
               "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')")
        yield (f"CREATE TRIGGER {t}_insert AFTER INSERT ON cases BEGIN"
               f" INSERT INTO {t}(rowid, {a}, {b}) VALUES (new.id, new.{a}, new.{b}); END")
        yield (f"CREATE TRIGGER {t}_delete AFTER DELETE ON cases BEGIN"
               f" INSERT INTO {t}({t}, rowid, {a}, {b}) VALUES ('delete', old.id, old.{a},"
               f" old.{b}); END")
        yield (f"CREATE TRIGGER {t}_update AFTER UPDATE OF {a}, {b} ON cases BEGIN"
               f" INSERT INTO {t}({t}, rowid, {a}, {b}) VALUES ('delete', old.id, old.{a},"
               f" old.{b}); INSERT INTO {t}(rowid, {a}, {b}) VALUES (new.id, new.{a}, new.{b});"
               " END")
        yield f"INSERT INTO {t}({t}) VALUES ('rebuild')"


def _backfill(connection):
    cases = sa.table('cases', sa.column('id'), sa.column('reference_code'),
                     sa.column('national_code'), sa.column('title'),
                     sa.column('published_title'), sa.column('published_at'),
                     sa.column('search_title'), sa.column('published_search_title'))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(cases.c.id, cases.c.reference_code, cases.c.national_code, cases.c.title,
                      cases.c.published_title, cases.c.published_at)
            .where(cases.c.id > last).order_by(cases.c.id).limit(5000)
        ).all()
        if not rows:
            return
        connection.execute(
            sa.update(cases).where(cases.c.id == sa.bindparam('row_id')).values(
                search_title=sa.bindparam('title_value'),
                published_search_title=sa.bindparam('published_value')),
            [{'row_id': r.id,
              'title_value': _joined(r.reference_code, r.national_code, r.title),
              'published_value': (_joined(r.reference_code, r.published_title)
                                  if r.published_at is not None else None)} for r in rows],
        )
        last = rows[-1].id


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_title', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('published_search_title', sa.Text(), nullable=True))
    connection = op.get_bind()
    _backfill(connection)
    if connection.dialect.name == 'sqlite':
        for statement in _sqlite_ddl():
            op.execute(statement)
    elif connection.dialect.name == 'postgresql':
        for statement in _POSTGRESQL:
            op.execute(statement)


def downgrade():
    connection = op.get_bind()
    if connection.dialect.name == 'sqlite':
        for t in _SQLITE:
            for event in ('insert', 'delete', 'update'):
                op.execute(f"DROP TRIGGER IF EXISTS {t}_{event}")
            op.execute(f"DROP TABLE IF EXISTS {t}")
    elif connection.dialect.name == 'postgresql':
        op.execute("ALTER TABLE cases DROP COLUMN IF EXISTS search_vector")
        op.execute("ALTER TABLE cases DROP COLUMN IF EXISTS published_search_vector")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('published_search_title')
        batch_op.drop_column('search_title')
