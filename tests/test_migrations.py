"""The reviewed migrations build exactly the schema the models describe, on either database."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from intake.cases import search
from intake.extensions import db
from tests.conftest import TEST_DATABASE_URL


def test_migrations_match_the_models(app, tmp_path):
    if TEST_DATABASE_URL:
        url = sa.engine.make_url(TEST_DATABASE_URL)
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text("DROP DATABASE IF EXISTS intake_migration_check"))
            connection.execute(sa.text("CREATE DATABASE intake_migration_check"))
        admin.dispose()
        target = url.set(database="intake_migration_check").render_as_string(hide_password=False)
    else:
        target = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    from intake import create_app

    migrated = create_app({"SQLALCHEMY_DATABASE_URI": target, "TESTING": True})
    with migrated.app_context():
        upgrade()
        with db.engine.connect() as connection:
            # The options `flask db check` uses (the search index is left out: compared below).
            configured = migrated.extensions["migrate"].configure_args
            context = MigrationContext.configure(
                connection,
                opts={"compare_type": True, **configured},
            )
            differences = compare_metadata(context, db.metadata)
            migrated_index = search.index_definitions(connection)
            policies = connection.execute(sa.text("SELECT count(*) FROM deadline_policies"))
            assert policies.scalar() == 12
        db.engine.dispose()
    assert differences == []
    # The search index the migration builds is the one the application queries (and create_all
    # builds): the same FTS5 tables and triggers, or the same GIN expressions.
    with app.app_context(), db.engine.connect() as connection:
        assert migrated_index == search.index_definitions(connection) != []
