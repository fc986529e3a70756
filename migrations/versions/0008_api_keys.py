"""Keys for other systems (client apps and officers' personal tokens), and the channel "app"
for the items that client apps send, each naming the key that sent it.

Reviewed by hand. The channel's CHECK constraints are rebuilt on the four tables that hold a
channel. On SQLite that recreates ``cases``, which drops its triggers: the search index's
triggers (0007_search) are created again, copied here so that this revision never changes.

Revision ID: 0008_api_keys
Revises: 0007_secauth
Create Date: 2026-12-01 16:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008_api_keys"
down_revision = "0007_secauth"
branch_labels = None
depends_on = None

_OLD = ("web", "national_portal", "email", "phone", "paper", "counter", "questionnaire")
_NEW = _OLD + ("app",)
# (table, enum name): the CHECK constraint is named ck_<table>_<enum name>.
_CHANNEL_COLUMNS = [
    ("cases", "channel"),
    ("report_entries", "report_channel"),
    ("received_rollups", "received_rollup_channel"),
    ("backlog_snapshots", "snapshot_channel"),
]
_SEARCH_TRIGGERS = {
    "cases_fts": ("search_title", "search_text"),
    "published_fts": ("published_search_title", "published_search_text"),
}


def _search_triggers():
    for t, (a, b) in _SEARCH_TRIGGERS.items():
        yield (
            f"CREATE TRIGGER IF NOT EXISTS {t}_insert AFTER INSERT ON cases BEGIN"
            f" INSERT INTO {t}(rowid, {a}, {b}) VALUES (new.id, new.{a}, new.{b}); END"
        )
        yield (
            f"CREATE TRIGGER IF NOT EXISTS {t}_delete AFTER DELETE ON cases BEGIN"
            f" INSERT INTO {t}({t}, rowid, {a}, {b}) VALUES ('delete', old.id, old.{a},"
            f" old.{b}); END"
        )
        yield (
            f"CREATE TRIGGER IF NOT EXISTS {t}_update AFTER UPDATE OF {a}, {b} ON cases"
            f" BEGIN INSERT INTO {t}({t}, rowid, {a}, {b}) VALUES ('delete', old.id,"
            f" old.{a}, old.{b}); INSERT INTO {t}(rowid, {a}, {b}) VALUES (new.id,"
            f" new.{a}, new.{b}); END"
        )


def _values(values):
    return ", ".join(f"'{v}'" for v in values)


def _set_channels(values, *, client_key: bool):
    for table, name in _CHANNEL_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"ck_{table}_{name}"), type_="check")
            batch_op.create_check_constraint(name, f"channel IN ({_values(values)})")
            if table == "cases" and client_key:
                batch_op.add_column(sa.Column("client_key_id", sa.Integer(), nullable=True))
                batch_op.create_foreign_key(
                    batch_op.f("fk_cases_client_key_id_api_keys"),
                    "api_keys",
                    ["client_key_id"],
                    ["id"],
                )
            elif table == "cases":
                batch_op.drop_constraint(
                    batch_op.f("fk_cases_client_key_id_api_keys"), type_="foreignkey"
                )
                batch_op.drop_column("client_key_id")
    if op.get_bind().dialect.name == "sqlite":
        for statement in _search_triggers():
            op.execute(statement)


def upgrade():
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "client",
                "personal",
                name="api_key_kind",
                native_enum=False,
                create_constraint=True,
                length=8,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("rate_limit", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(kind = 'personal') = (user_id IS NOT NULL)",
            name=op.f("ck_api_keys_personal_has_user"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_api_keys_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_keys_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("digest", name=op.f("uq_api_keys_digest")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_user_id"), ["user_id"], unique=False)
    _set_channels(_NEW, client_key=True)


def downgrade():
    op.execute("DELETE FROM report_entries WHERE channel = 'app'")
    op.execute("DELETE FROM received_rollups WHERE channel = 'app'")
    op.execute("DELETE FROM backlog_snapshots WHERE channel = 'app'")
    op.execute("UPDATE cases SET channel = 'web' WHERE channel = 'app'")
    _set_channels(_OLD, client_key=False)
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_user_id"))
    op.drop_table("api_keys")
