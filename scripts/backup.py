"""Back up and restore the service's data: the database and the uploaded files, together.

    python scripts/backup.py backup  --into DIR         # writes DIR/pakn-backup-<UTC time>/
    python scripts/backup.py verify  BACKUP             # checks a backup folder on its own
    python scripts/backup.py restore BACKUP [--force]   # into the configured, empty database

The database and the upload folder are the ones the application would use: the same
``INTAKE_*`` environment variables (``INTAKE_SQLALCHEMY_DATABASE_URI``, ``INTAKE_UPLOAD_DIR``,
``INTAKE_INSTANCE_PATH``) are read through ``create_app``. A backup folder holds

    database.dump      PostgreSQL: ``pg_dump --format=custom`` (read with ``pg_restore``)
    database.sqlite3   SQLite: a consistent copy made with SQLite's online backup API
    uploads.tar        the upload folder (its ``.staging`` folder of unfinished files left out)
    manifest.json      when, what database, the Alembic revision, row counts of every table,
                       and the size and sha256 of every file (the archive's and each upload's)
    SHA256SUMS         the same checksums for ``sha256sum -c SHA256SUMS``

On PostgreSQL the counts are read in the very snapshot that ``pg_dump`` dumps
(``pg_export_snapshot`` / ``pg_dump --snapshot``); on SQLite they are read from the copy. The
database is dumped before the upload folder is archived: a file is moved into place right after
its row commits, so every attachment in the dump has its file in the archive.

``restore`` checks the checksums, refuses a target database that has any table (or an upload
folder that has any file) unless ``--force`` is given, restores the dump (``pg_restore
--single-transaction --exit-on-error --no-owner --no-privileges``; ``--clean --if-exists`` when
forced) and the files, then checks that every table has the manifest's row count, that every
attachment's file is present with its sha256, and runs ``flask --app wsgi intake audit-verify``.
The exit status is 0 only when all of these pass.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import sqlalchemy as sa

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FORMAT = "pakn-backup/1"
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
UPLOADS_FILE = "uploads.tar"
#: Files waiting for their transaction (intake.cases.attachments.STAGING_FOLDER): never backed up.
STAGING_FOLDER = ".staging"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A refusal or a failure, reported as one line and exit status 1."""


# --- the configured database and upload folder -------------------------------------------


class Target:
    """The database URL and upload folder the application is configured with."""

    def __init__(self, url: sa.engine.URL, upload_dir: Path):
        self.url = url
        self.upload_dir = upload_dir

    @property
    def kind(self) -> str:
        name = self.url.get_backend_name()
        if name not in ("postgresql", "sqlite"):
            raise BackupError(f"unsupported database {name!r}: PostgreSQL or SQLite only")
        return name

    @property
    def sqlite_path(self) -> Path:
        if not self.url.database or self.url.database == ":memory:":
            raise BackupError("an in-memory SQLite database cannot be backed up or restored")
        return Path(self.url.database)

    def engine(self, **options) -> sa.Engine:
        return sa.create_engine(self.url, poolclass=sa.pool.NullPool, **options)

    def describe(self) -> str:
        """The URL as people write it, without the password."""
        plain = self.url.set(drivername=self.url.get_backend_name())
        return plain.render_as_string(hide_password=True)


def configured_target() -> Target:
    """Ask the application itself, so that defaults (the instance folder, relative SQLite
    paths resolved by Flask-SQLAlchemy) are exactly the ones it uses."""
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    from intake import create_app
    from intake.extensions import db

    app = create_app()
    with app.app_context():
        url = db.engine.url
        db.engine.dispose()
    return Target(url, Path(app.config["UPLOAD_DIR"]).absolute())


def libpq_url(url: sa.engine.URL) -> tuple[str, dict[str, str]]:
    """A ``postgresql://`` URL for pg_dump/pg_restore, the password passed in the environment
    (PGPASSWORD) rather than on the command line, where every local user could read it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client (postgresql-client)")
    return path


def run_tool(command: list[str], env: dict[str, str] | None = None) -> str:
    result = subprocess.run(  # noqa: S603 (our own argument list, no shell)
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip()}"
        )
    return result.stdout


# --- what a database holds ----------------------------------------------------------------


def table_counts(connection: sa.Connection) -> dict[str, int]:
    names = sorted(sa.inspect(connection).get_table_names())
    return {
        name: connection.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
        for name in names
    }


def alembic_revision(connection: sa.Connection, tables) -> str | None:
    if "alembic_version" not in tables:
        return None  # a schema made by create_all, not by the migrations
    heads = connection.scalars(sa.text("SELECT version_num FROM alembic_version")).all()
    return ",".join(sorted(heads)) or None


def attachment_rows(connection: sa.Connection, tables) -> list[tuple[str, str, int]]:
    if "attachments" not in tables:
        return []
    query = sa.text("SELECT storage_key, sha256, size_bytes FROM attachments ORDER BY id")
    return [tuple(row) for row in connection.execute(query)]


def describe_database(connection: sa.Connection) -> dict:
    counts = table_counts(connection)
    return {
        "counts": counts,
        "alembic_revision": alembic_revision(connection, counts),
        "attachments": attachment_rows(connection, counts),
    }


def postgresql_relations(connection: sa.Connection) -> list[str]:
    """Tables, sequences and views outside the system schemas: an empty database has none."""
    query = sa.text(
        "SELECT n.nspname || '.' || c.relname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
        "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' "
        "ORDER BY 1"
    )
    return list(connection.scalars(query))


# --- files ---------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def upload_files(upload_dir: Path) -> list[Path]:
    """Regular files under the upload folder, staging left out, in a stable order."""
    if not upload_dir.is_dir():
        return []
    found = []
    for path in upload_dir.rglob("*"):
        relative = path.relative_to(upload_dir)
        if relative.parts[0] == STAGING_FOLDER or path.is_symlink() or not path.is_file():
            continue
        found.append(relative)
    return sorted(found, key=lambda p: p.as_posix())


def archive_uploads(upload_dir: Path, archive: Path) -> dict[str, dict]:
    """Write uploads.tar (paths relative to the upload folder); return each file's size and
    sha256 by its storage key."""
    files = {}
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tar:
        for relative in upload_files(upload_dir):
            path = upload_dir / relative
            key = relative.as_posix()
            files[key] = {"size": path.stat().st_size, "sha256": sha256_of(path)}
            tar.add(path, arcname=key, recursive=False)
    return files


def safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Only regular files and folders at relative paths inside the archive's root."""
    members = []
    for member in tar.getmembers():
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"{UPLOADS_FILE}: refusing the member {member.name!r}")
        members.append(member)
    return members


def extract_uploads(archive: Path, upload_dir: Path) -> int:
    upload_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r") as tar:
        members = safe_members(tar)
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
            tar.extractall(upload_dir, members=members, filter="data")
        else:  # pragma: no cover - the members were checked above
            tar.extractall(upload_dir, members=members)  # noqa: S202 (members checked)
    return sum(1 for m in members if m.isfile())


def check_attachments(attachments, upload_dir: Path) -> list[str]:
    """Every attachment row's file, present with the size and sha256 the row records."""
    problems = []
    for key, sha256, size in attachments:
        path = upload_dir / key
        if not path.is_file():
            problems.append(f"attachment file missing from the upload folder: {key}")
        elif path.stat().st_size != size or sha256_of(path) != sha256:
            problems.append(f"attachment file differs from its row: {key}")
    return problems


def check_archived(attachments, archived: dict[str, dict]) -> list[str]:
    """Every attachment row's file in the archive just written, with the row's sha256."""
    problems = []
    for key, sha256, size in attachments:
        found = archived.get(key)
        if found is None:
            problems.append(f"attachment file missing from the upload folder: {key}")
        elif (found["sha256"], found["size"]) != (sha256, size):
            problems.append(f"attachment file differs from its row: {key}")
    return problems


# --- backup ----------------------------------------------------------------------------------


def dump_postgresql(target: Target, destination: Path) -> tuple[dict, dict]:
    """pg_dump in custom format, with the counts read in the same snapshot."""
    pg_dump = pg_tool("pg_dump")
    url, env = libpq_url(target.url)
    engine = target.engine(isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(postgresql_readonly=True)
            snapshot = connection.scalar(sa.text("SELECT pg_export_snapshot()"))
            described = describe_database(connection)
            server = connection.scalar(sa.text("SHOW server_version"))
            # The transaction stays open until pg_dump has finished: it dumps this snapshot.
            run_tool(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}",
                 f"--file={destination}", f"--dbname={url}"],
                env,
            )  # fmt: skip
            connection.rollback()
    finally:
        engine.dispose()
    tool = run_tool([pg_dump, "--version"]).strip()
    return described, {"server_version": server, "pg_dump": tool}


def copy_sqlite(target: Target, destination: Path) -> tuple[dict, dict]:
    """SQLite's online backup API: a consistent copy even while the application writes."""
    source = target.sqlite_path
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(destination)) as dst:
        src.backup(dst)
        check = dst.execute("PRAGMA quick_check").fetchone()[0]
        version = sqlite3.sqlite_version
    if check != "ok":
        raise BackupError(f"the copy of {source} does not pass PRAGMA quick_check: {check}")
    engine = sa.create_engine(f"sqlite:///{destination}", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            described = describe_database(connection)
    finally:
        engine.dispose()
    return described, {"sqlite_version": version}


def backup(target: Target, into: Path) -> tuple[Path, list[str]]:
    kind = target.kind
    started = datetime.now(UTC)
    name = f"pakn-backup-{started:%Y%m%dT%H%M%SZ}"
    final = into / name
    partial = into / f"{name}.partial"
    if final.exists() or partial.exists():
        raise BackupError(f"{final} already exists")
    into.mkdir(parents=True, exist_ok=True)
    partial.mkdir(mode=0o700)  # citizens' personal data: readable by the owner only
    try:
        database_file = PG_DUMP_FILE if kind == "postgresql" else SQLITE_FILE
        dump = dump_postgresql if kind == "postgresql" else copy_sqlite
        described, versions = dump(target, partial / database_file)
        uploads = archive_uploads(target.upload_dir, partial / UPLOADS_FILE)
        for path in partial.iterdir():
            path.chmod(0o600)
        problems = check_archived(described["attachments"], uploads)
        files = {
            file: {"size": (partial / file).stat().st_size, "sha256": sha256_of(partial / file)}
            for file in (database_file, UPLOADS_FILE)
        }
        counts = described["counts"]
        database = {"kind": kind, "source": target.describe(), "file": database_file}
        manifest = {
            "format": FORMAT,
            "created_at": started.isoformat(timespec="seconds"),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": database | versions,
            "alembic_revision": described["alembic_revision"],
            "counts": counts,
            "summary": {
                "cases": counts.get("cases", 0),
                "case_events": counts.get("case_events", 0),
                "attachments": counts.get("attachments", 0),
                "report_entries": counts.get("report_entries", 0),
            },
            "files": files,
            "uploads": {"source": str(target.upload_dir), "files": uploads},
            "problems": problems,
        }
        write_private(partial / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
        files[MANIFEST] = {"sha256": sha256_of(partial / MANIFEST)}
        sums = "".join(f"{f['sha256']}  {file}\n" for file, f in sorted(files.items()))
        write_private(partial / CHECKSUMS, sums)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    partial.rename(final)  # a folder without ".partial" is always a complete backup
    return final, problems


def write_private(path: Path, text: str) -> None:
    path.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
    path.chmod(0o600)


# --- verify and restore ----------------------------------------------------------------------


def load_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} is not a backup: no {MANIFEST}")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown format {manifest.get('format')!r}")
    return manifest


def verify_backup(folder: Path) -> dict:
    """The backup's own integrity: manifest, file checksums, and every upload in the archive
    with the sha256 the manifest lists (so a restore can only fail on the target's side)."""
    manifest = load_manifest(folder)
    if not (folder / CHECKSUMS).is_file():
        raise BackupError(f"{folder} is not a complete backup: no {CHECKSUMS}")
    listed = {}
    for line in (folder / CHECKSUMS).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    if listed.get(MANIFEST) != sha256_of(folder / MANIFEST):
        raise BackupError(f"{MANIFEST} does not match {CHECKSUMS}")
    for name, described in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from {folder}")
        if sha256_of(path) != described["sha256"] or listed.get(name) != described["sha256"]:
            raise BackupError(f"{name}: sha256 differs from the manifest (damaged or edited)")
    expected = manifest["uploads"]["files"]
    seen = {}
    with tarfile.open(folder / UPLOADS_FILE, "r") as tar:
        for member in safe_members(tar):
            if member.isfile():
                digest = hashlib.sha256()
                with tar.extractfile(member) as stream:
                    while chunk := stream.read(CHUNK):
                        digest.update(chunk)
                seen[member.name] = {"size": member.size, "sha256": digest.hexdigest()}
    if seen != expected:
        raise BackupError(f"{UPLOADS_FILE} does not hold the files the manifest lists")
    return manifest


def target_is_empty(target: Target) -> list[str]:
    """What the target already holds: tables (and sequences) in the database, files in the
    upload folder. Empty lists for a fresh target."""
    held = []
    if target.kind == "postgresql":
        engine = target.engine()
        try:
            with engine.connect() as connection:
                held += postgresql_relations(connection)
        finally:
            engine.dispose()
    elif target.sqlite_path.is_file() and target.sqlite_path.stat().st_size:
        with closing(sqlite3.connect(target.sqlite_path)) as connection:
            tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            held += [name for (name,) in tables]
    held += [f"{target.upload_dir}/{p.as_posix()}" for p in upload_files(target.upload_dir)]
    return held


def restore_database(manifest: dict, folder: Path, target: Target, force: bool) -> None:
    dump = folder / manifest["database"]["file"]
    if target.kind == "postgresql":
        url, env = libpq_url(target.url)
        command = [pg_tool("pg_restore"), "--single-transaction", "--exit-on-error",
                   "--no-owner", "--no-privileges", f"--dbname={url}"]  # fmt: skip
        if force:
            command += ["--clean", "--if-exists"]
        run_tool([*command, str(dump)], env)
        engine = target.engine(isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")  # pg_restore leaves no planner statistics
        finally:
            engine.dispose()
        return
    path = target.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(dump)) as src, closing(sqlite3.connect(path)) as dst:
        src.backup(dst)  # replaces the whole target database, in one step


def verify_restored(manifest: dict, target: Target) -> list[str]:
    """Row counts against the manifest, attachment files against their rows, then the event
    log's hash chains through the application's own command."""
    problems = []
    engine = target.engine()
    try:
        with engine.connect() as connection:
            described = describe_database(connection)
    finally:
        engine.dispose()
    expected, found = manifest["counts"], described["counts"]
    for table in sorted(set(expected) | set(found)):
        if expected.get(table) != found.get(table):
            problems.append(
                f"table {table}: {found.get(table)} rows, the backup had {expected.get(table)}"
            )
    if described["alembic_revision"] != manifest["alembic_revision"]:
        problems.append(f"alembic revision {described['alembic_revision']} differs")
    problems += check_attachments(described["attachments"], target.upload_dir)
    audit = subprocess.run(  # noqa: S603 (our own argument list, no shell)
        [sys.executable, "-m", "flask", "--app", str(PROJECT_ROOT / "wsgi.py"),
         "intake", "audit-verify"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    output = (audit.stdout + audit.stderr).strip()
    print(f"audit-verify: {output}")
    if audit.returncode != 0:
        problems.append(f"flask intake audit-verify failed ({audit.returncode})")
    return problems


def restore(folder: Path, target: Target, force: bool) -> list[str]:
    manifest = verify_backup(folder)
    kind = manifest["database"]["kind"]
    if kind != target.kind:
        raise BackupError(f"the backup is of a {kind} database, the target is {target.kind}")
    held = target_is_empty(target)
    if held and not force:
        shown = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5 else "")
        raise BackupError(
            f"the target is not empty ({shown}); restore into an empty database and upload "
            "folder, or give --force to restore over it"
        )
    restore_database(manifest, folder, target, force)
    restored = extract_uploads(folder / UPLOADS_FILE, target.upload_dir)
    print(f"restored {target.describe()} and {restored} file(s) into {target.upload_dir}")
    return verify_restored(manifest, target)


# --- command line ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Back up or restore the database and the upload folder together.",
        epilog="The database and upload folder are those of the INTAKE_* environment.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="write one timestamped backup folder")
    make.add_argument(
        "--into", type=Path, required=True, help="the folder to create the backup folder in"
    )
    check = commands.add_parser("verify", help="check a backup folder's checksums")
    check.add_argument("backup", type=Path)
    put = commands.add_parser("restore", help="restore a backup into the configured database")
    put.add_argument("backup", type=Path)
    put.add_argument(
        "--force", action="store_true", help="restore over a database or folder that is not empty"
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "verify":
            manifest = verify_backup(args.backup)
            summary = ", ".join(f"{n} {k}" for k, n in manifest["summary"].items())
            print(f"backup {args.backup} is intact: {summary}")
            return 0
        target = configured_target()
        if args.command == "backup":
            folder, problems = backup(target, args.into)
            print(folder)
        else:
            problems = restore(args.backup, target, args.force)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"PROBLEM {problem}", file=sys.stderr)
    if problems:
        return 1
    if args.command == "restore":
        print("restore verified: row counts, attachment files and the event log match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
