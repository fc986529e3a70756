"""Backup and restore (scripts/backup.py): a real dataset is backed up, restored into an empty
database and an empty upload folder, and comes back whole: the event log verifies, every table
has its rows, every attachment its file, and a report gives the same figures.

The source and target databases are this test's own: SQLite files under tmp_path, or, when
INTAKE_TEST_DATABASE_URL is set, two PostgreSQL databases with random names on that server.
The script runs as an operator runs it, in a subprocess configured by INTAKE_* variables."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from intake import create_app
from intake.cases import operations as ops
from intake.cases.attachments import Upload
from intake.cases.audit import verify_event_chains
from intake.cases.models import Attachment, CaseKind, SubmitterType
from intake.config import psycopg_url
from intake.core.periods import Period
from intake.core.states import State
from intake.extensions import db
from intake.org.importer import import_org
from intake.reports.figures import Breakdown, build_report
from intake.worker import run_tick
from scripts import backup as backup_script
from tests.cases.factories import CALENDAR, advance, make_staff
from tests.conftest import DEMO_DATA, TEST_DATABASE_URL

SCRIPT = Path(backup_script.__file__)
TABLES = ("cases", "case_events", "attachments", "report_entries", "report_rollups")
NOW = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)  # Tuesday 09:30 in Viet Nam
REPORT_PERIOD = Period(date(2026, 3, 1), date(2026, 3, 31))


def pdf(text: str) -> bytes:
    return f"%PDF-1.4\n% {text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()


# (state the item is moved to, the files the citizen attached)
ITEMS = [
    (State.RECEIVED, [("giay-hen.pdf", pdf("giấy hẹn")), ("bien-nhan.pdf", pdf("biên nhận"))]),
    (State.IN_PROGRESS, [("ho-so.pdf", pdf("hồ sơ đất đai"))]),
    (State.ANSWERED, [("don.pdf", pdf("đơn kiến nghị"))]),
    (State.REJECTED, []),
    (State.NEEDS_INFO, []),
]


@dataclass
class Place:
    """A database and an upload folder, as the INTAKE_* environment of a process names them."""

    url: str
    uploads: Path
    instance: Path

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "INTAKE_ENV_NAME": "development",
            # The operator restores with the service's own secret key: access keys and the
            # event log's anchors are sealed with it.
            "INTAKE_SECRET_KEY": SECRET_KEY,
            "INTAKE_SQLALCHEMY_DATABASE_URI": self.url,
            "INTAKE_UPLOAD_DIR": str(self.uploads),
            "INTAKE_INSTANCE_PATH": str(self.instance),
        }

    def app(self):
        return create_app(
            {
                "TESTING": True,
                "SECRET_KEY": SECRET_KEY,
                "SQLALCHEMY_DATABASE_URI": self.url,
                "UPLOAD_DIR": str(self.uploads),
            }
        )

    def target(self) -> backup_script.Target:
        return backup_script.Target(sa.engine.make_url(psycopg_url(self.url)), self.uploads)


SECRET_KEY = "test-secret-key"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def make_place(request, tmp_path_factory):
    """Make a place: an empty database (a new SQLite path, or a new PostgreSQL database with a
    random name) and an upload folder that does not exist yet. The databases are dropped at the
    end of the module."""
    kind, created = request.param, []
    if kind == "postgresql":
        if not TEST_DATABASE_URL:
            pytest.skip("PostgreSQL: set INTAKE_TEST_DATABASE_URL to run on it")
        for tool in ("pg_dump", "pg_restore"):
            if shutil.which(tool) is None:
                pytest.skip(f"{tool} is not installed (apt-get install postgresql-client)")
        server = sa.engine.make_url(TEST_DATABASE_URL)
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)

    def make(role: str) -> Place:
        folder = tmp_path_factory.mktemp(role)
        (folder / "instance").mkdir()
        if kind == "sqlite":
            url = f"sqlite:///{folder / 'instance' / 'intake.sqlite3'}"
        else:
            name = f"pakn_backup_{role}_{uuid.uuid4().hex[:12]}"
            with admin.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            created.append(name)
            url = server.set(database=name).render_as_string(hide_password=False)
        return Place(url, folder / "uploads", folder / "instance")

    yield make
    if created:
        with admin.connect() as connection:
            for name in created:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Facts:
    """What a database holds, read through the application."""

    counts: dict[str, int]
    files: dict[str, str]  # storage key -> sha256 recorded on the attachment row
    report: object
    received: int
    broken_links: list  # what `flask intake audit-verify` reports, read in this process


def read_facts(place: Place, now) -> Facts:
    app = place.app()
    with app.app_context():
        counts = {
            table: db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(table)))
            for table in TABLES
        }
        rows = db.session.execute(sa.select(Attachment.storage_key, Attachment.sha256))
        files = {key: sha256 for key, sha256 in rows}
        report = build_report(REPORT_PERIOD, now=now, breakdown=Breakdown.UNIT)
        broken = list(verify_event_chains())
        db.session.remove()
        db.engine.dispose()
    return Facts(counts, files, report, report.total.received, broken)


def submit_item(place: Place, i: int, files, moment):
    result = ops.submit_case(
        ops.CaseSubmission(
            submitter_type=SubmitterType.INDIVIDUAL,
            full_name=f"Nguyễn Văn An {i}",
            address="Ấp Phú Hữu, xã An Hiệp, huyện Châu Thành",
            phone="0912345678",
            email="an.nguyen@example.com",
            title=f"Chậm cấp giấy chứng nhận quyền sử dụng đất ({i})",
            content="Hồ sơ nộp từ tháng 6, đến nay quá hẹn 30 ngày.",
            kind=CaseKind.FEEDBACK,
            consent_to_publish=True,
            declared_truthful=True,
            uploads=[Upload(name, data) for name, data in files],
        ),
        actor="citizen",
        now=moment,
        calendar=CALENDAR,
        secret_key="test",
        upload_dir=str(place.uploads),
        max_attachment_bytes=10_000,
    )
    db.session.commit()  # the files move into place now
    return result.case


def build_dataset(place: Place, now) -> None:
    """The reviewed migrations, the sample organisation, staff, a few items with files moved
    through the workflow by the real operations, and one worker tick (the report counters)."""
    app = place.app()
    with app.app_context():
        upgrade()
        import_org(DEMO_DATA)
        db.session.commit()
        staff = make_staff()
        for i, (state, files) in enumerate(ITEMS):
            moment = now + timedelta(hours=i)
            advance(submit_item(place, i, files, moment), state, staff, moment)
            db.session.commit()
        run_tick(now + timedelta(hours=len(ITEMS)))
        db.session.remove()
        db.engine.dispose()


def script(place: Place, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=place.env(),
        cwd=place.instance.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def backed_up(make_place, tmp_path_factory):
    """A source with its dataset, its facts, and the folder `backup` wrote (shared by the
    module's tests, which must not change it)."""
    source = make_place("src")
    build_dataset(source, NOW)
    facts = read_facts(source, NOW)
    result = script(source, "backup", "--into", str(tmp_path_factory.mktemp("backups")))
    assert result.returncode == 0, result.stderr
    folder = Path(result.stdout.strip().splitlines()[-1])
    return source, facts, folder


def test_a_restore_into_an_empty_database_brings_everything_back(backed_up, make_place):
    source, before, folder = backed_up
    assert folder.name.startswith("pakn-backup-") and folder.is_dir()
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["manifest.json", "SHA256SUMS", "uploads.tar", backup_script.SQLITE_FILE]
        if source.url.startswith("sqlite")
        else ["manifest.json", "SHA256SUMS", "uploads.tar", backup_script.PG_DUMP_FILE]
    )
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["alembic_revision"]  # the migrations built the source
    assert manifest["problems"] == []
    assert {t: manifest["counts"][t] for t in TABLES} == before.counts
    assert before.counts["cases"] == len(ITEMS) and before.received == len(ITEMS)
    assert before.counts["attachments"] == sum(len(files) for _, files in ITEMS) == 4
    assert before.counts["report_rollups"] > 0  # the tick folded the entries
    assert set(manifest["uploads"]["files"]) == set(before.files)

    target = make_place("dst")
    result = script(target, "restore", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every chain is intact" in result.stdout and "restore verified" in result.stdout

    after = read_facts(target, NOW)
    assert after.counts == before.counts
    assert after.files == before.files
    for key, sha256 in after.files.items():
        restored = target.uploads / key
        assert hashlib.sha256(restored.read_bytes()).hexdigest() == sha256
        assert restored.read_bytes() == (source.uploads / key).read_bytes()
    assert after.report == before.report  # every figure, row by row
    assert after.received == len(ITEMS)
    assert after.broken_links == []


def test_a_target_that_is_not_empty_is_refused_unless_forced(
    backed_up, make_place, monkeypatch, capsys
):
    source, before, folder = backed_up
    for name, value in source.env().items():
        if name.startswith("INTAKE_"):
            monkeypatch.setenv(name, value)
    # An item recorded after the backup: the source is not what the backup holds any more.
    with source.app().app_context():
        submit_item(source, 99, [("sau.pdf", pdf("sau sao lưu"))], NOW + timedelta(days=1))
        db.session.remove()
        db.engine.dispose()
    assert read_facts(source, NOW).counts["cases"] == before.counts["cases"] + 1

    assert backup_script.main(["restore", str(folder)]) == 1
    refusal = capsys.readouterr().err
    assert "not empty" in refusal and "--force" in refusal
    assert read_facts(source, NOW).counts["cases"] == before.counts["cases"] + 1  # untouched

    # Forced, the restore puts the database back as it was backed up, and verifies it.
    assert backup_script.main(["restore", "--force", str(folder)]) == 0
    assert "restore verified" in capsys.readouterr().out
    after = read_facts(source, NOW)
    assert (after.counts, after.files, after.report) == (before.counts, before.files, before.report)

    # An empty database with an upload folder that holds a file is refused too.
    target = make_place("dst")
    stray = target.uploads / "2026" / "03" / "khac.pdf"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(pdf("khác"))
    with pytest.raises(backup_script.BackupError, match="not empty"):
        backup_script.restore(folder, target.target(), force=False)
    assert backup_script.target_is_empty(target.target()) == [str(stray)]


def test_a_damaged_backup_is_refused_before_anything_is_restored(backed_up, make_place, tmp_path):
    folder = shutil.copytree(backed_up[2], tmp_path / backed_up[2].name)
    assert backup_script.verify_backup(folder)["format"] == backup_script.FORMAT
    archive = folder / "uploads.tar"
    data = bytearray(archive.read_bytes())
    data[600] ^= 0xFF  # inside the first file's content
    archive.write_bytes(bytes(data))
    target = make_place("dst")
    with pytest.raises(backup_script.BackupError, match="uploads.tar: sha256 differs"):
        backup_script.restore(folder, target.target(), force=False)
    assert backup_script.target_is_empty(target.target()) == []


def test_a_backup_names_the_attachments_whose_file_is_missing(backed_up, tmp_path):
    source, before, _ = backed_up
    uploads = shutil.copytree(source.uploads, tmp_path / "uploads")
    missing = sorted(before.files)[0]
    (uploads / missing).unlink()
    target = backup_script.Target(source.target().url, uploads)
    folder, problems = backup_script.backup(target, tmp_path / "backups")
    assert problems == [f"attachment file missing from the upload folder: {missing}"]
    manifest = backup_script.verify_backup(folder)  # written whole all the same, and saying so
    assert manifest["problems"] == problems
    assert missing not in manifest["uploads"]["files"]
