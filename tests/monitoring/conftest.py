"""Helpers for the monitoring tests: a database stamped at the migrations' head, and a broken
app whose database cannot be reached (on loopback: nothing listens on the port)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from intake import create_app
from intake.extensions import db
from tests.conftest import free_port


def stamp(revision: str) -> None:
    """What `flask db stamp` writes, without running env.py (which reconfigures logging)."""
    from flask import current_app

    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    with db.engine.begin() as connection:
        MigrationContext.configure(connection).stamp(script, revision)


def drop_alembic_version() -> None:
    # On PostgreSQL the test database outlives the test, and create_all does not know this table.
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def migrated(app):
    """The test database as `flask db upgrade` would leave it: stamped at head."""
    stamp("heads")
    yield
    drop_alembic_version()


@pytest.fixture
def at(app, now):
    """Set the application's one clock to ``now + offset``; returns the setter."""

    def set_clock(offset: timedelta = timedelta(0)):
        moment = now + offset
        app.config["CLOCK"] = lambda: moment
        return moment

    set_clock()
    return set_clock


BROKEN_DATABASES = {
    "sqlite": "sqlite:////nonexistent-intake-dir/none.sqlite3",
    "postgresql": "postgresql://postgres@127.0.0.1:{port}/none?connect_timeout=2",
}


@pytest.fixture(params=sorted(BROKEN_DATABASES))
def broken_app(request, tmp_path):
    uri = BROKEN_DATABASES[request.param].format(port=free_port())
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri, "UPLOAD_DIR": str(tmp_path / "up")}
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def another_app(app):
    """A second app on the test database with some settings changed; its connections are
    closed afterwards (PostgreSQL would otherwise see them dropped while still open)."""
    made = []

    def make(**overrides):
        made.append(create_app({**app.config, **overrides}))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()
