"""What the application corrects in SQLite (the demo, development and the tests; production
refuses it), set on the engine when the app is built.

- WAL mode for a database file: readers no longer wait for a writer, and a commit writes the log
  without waiting for the disk twice.
- A savepoint opens the transaction it belongs to. Python's sqlite3 driver, in the mode
  SQLAlchemy uses, sends ``BEGIN`` only before its first INSERT, UPDATE or DELETE, never before
  a ``SAVEPOINT``. A savepoint taken before any write (``submit_case`` inserts a new item in one)
  then started the transaction itself, and SQLite commits a transaction started that way when
  the savepoint is released: a failure after that point (a refused attachment) could no longer
  roll the item back. PostgreSQL begins every transaction at its first statement; with an
  explicit ``BEGIN`` before such a savepoint, SQLite now keeps the same promise.
"""

from __future__ import annotations

import sqlalchemy as sa


def tune(engine: sa.Engine) -> None:
    """Install both corrections on ``engine`` when it is SQLite; nothing otherwise."""
    if engine.dialect.name != "sqlite":
        return
    if not sa.event.contains(engine, "savepoint", _begin_before_first_savepoint):
        sa.event.listen(engine, "savepoint", _begin_before_first_savepoint)
    if engine.url.database not in (None, "", ":memory:") and not sa.event.contains(
        engine, "connect", _write_ahead_log
    ):
        sa.event.listen(engine, "connect", _write_ahead_log)


def _write_ahead_log(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_before_first_savepoint(connection: sa.Connection, _name) -> None:
    """Sent just before SQLAlchemy's ``SAVEPOINT``. ``BEGIN`` (deferred, as the driver's own)
    takes no lock: SQLite locks at the first read and the first write, as it would have for the
    savepoint. A connection in autocommit mode (``isolation_level=None``) is left as it is."""
    raw = connection.connection.dbapi_connection
    if raw.isolation_level is not None and not raw.in_transaction:
        raw.execute("BEGIN")
