"""Fixtures: an app with a fresh database per test, a CSRF-aware form helper, the sample
organisation, and a real SMTP server on loopback.

The database is SQLite unless INTAKE_TEST_DATABASE_URL names another (PostgreSQL in CI).
On SQLite each test gets a copy of a schema file made once; on PostgreSQL the schema is created
once and every table is truncated before each test. Either way the sample organisation is
imported once per run and copied in for the tests that ask for it. Under pytest-xdist each
worker has its own PostgreSQL database. Tests never reach beyond loopback.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import has_app_context
from flask.testing import FlaskClient

from intake import create_app
from intake.config import psycopg_url
from intake.extensions import db

TEST_DATABASE_URL = psycopg_url(os.environ.get("INTAKE_TEST_DATABASE_URL", "").strip())
DEMO_DATA = Path(__file__).resolve().parent.parent / "intake" / "demo" / "data"


def _compile_catalogues() -> None:
    """`make test` compiles the catalogues; this keeps a bare `pytest` run honest too."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (DEMO_DATA.parent.parent / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source))


_compile_catalogues()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ORG_COPY_SCHEMA = "org_fixture"


def _worker_database_url(worker_id: str) -> str:
    """The PostgreSQL database of this pytest-xdist worker, created when missing."""
    if worker_id == "master":
        return TEST_DATABASE_URL
    url = sa.engine.make_url(TEST_DATABASE_URL)
    name = f"{url.database}_{worker_id}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _import_sample_org() -> None:
    from intake.org.importer import import_org

    import_org(DEMO_DATA)
    db.session.commit()


@pytest.fixture(scope="session")
def _schema(tmp_path_factory, worker_id):
    """Create the schema once: template SQLite files, or the tables on PostgreSQL with a copy
    of the sample organisation's rows kept aside in their own schema."""
    if TEST_DATABASE_URL:
        url = _worker_database_url(worker_id)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context():
            db.session.execute(sa.text(f"DROP SCHEMA IF EXISTS {ORG_COPY_SCHEMA} CASCADE"))
            db.session.commit()
            db.drop_all()
            db.create_all()
            _import_sample_org()
            db.session.execute(sa.text(f"CREATE SCHEMA {ORG_COPY_SCHEMA}"))
            filled = []
            for table in db.metadata.sorted_tables:
                if db.session.scalar(sa.select(sa.func.count()).select_from(table)):
                    db.session.execute(
                        sa.text(
                            f"CREATE TABLE {ORG_COPY_SCHEMA}.{table.name} AS TABLE {table.name}"
                        )
                    )
                    filled.append(table.name)
            db.session.commit()
            db.engine.dispose()
        return {"url": url, "org_tables": filled}
    folder = tmp_path_factory.mktemp("schema")
    template = folder / "template.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{template}", "TESTING": True})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    # A second template with the sample organisation already imported: most tests need it,
    # and copying a file is much faster than importing the CSV files again for each test.
    with_org = folder / "with-org.sqlite3"
    shutil.copy(template, with_org)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{with_org}", "TESTING": True})
    with app.app_context():
        _import_sample_org()
        db.engine.dispose()
    return {"empty": template, "org": with_org}


@pytest.fixture
def database_url(_schema, tmp_path, request) -> str:
    if TEST_DATABASE_URL:
        return _schema["url"]
    path = tmp_path / "test.sqlite3"
    shutil.copy(_schema["org" if "org" in request.fixturenames else "empty"], path)
    return f"sqlite:///{path}"


def _reset_postgresql(with_org: bool, org_tables: list[str]) -> None:
    """Empty every table, then copy the sample organisation back in when the test wants it
    (a few INSERT … SELECT instead of parsing the CSV files again)."""
    tables = ", ".join(t.name for t in db.metadata.sorted_tables)
    db.session.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    if with_org:
        for name in org_tables:
            db.session.execute(
                sa.text(f"INSERT INTO {name} SELECT * FROM {ORG_COPY_SCHEMA}.{name}")
            )
            if "id" not in db.metadata.tables[name].c:
                continue  # no sequence (data_versions: named rows)
            db.session.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"
                )
            )
    db.session.commit()


@pytest.fixture
def app(database_url, tmp_path, request, _schema):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": free_port(),  # nothing listens unless a test starts the SMTP server
            "MAIL_TIMEOUT_SECONDS": 5,
            "PUBLIC_BASE_URL": "http://pakn.test",
            "OUTBOX_RETRY_BASE_SECONDS": 60,
            # Tests post the form right after fetching it, many times from one client with the
            # same contact; tests/public/test_submit_abuse.py sets the real values and checks them.
            "SUBMIT_MIN_FILL_SECONDS": 0,
            "SUBMIT_ADDRESS_LIMIT": "1000 per minute",
            "SUBMIT_CONTACT_LIMIT": "1000 per minute",
            "PUBLIC_SEARCH_LIMIT": "100000 per minute",  # the fuzzers search many times
            # Most tests sign in as supervisors and administrators with a password alone;
            # tests/accounts/test_two_factor.py turns the requirement on.
            "REQUIRE_2FA": False,
            # scrypt's 0.1 s per hash, on every account a test makes and every sign-in, was a
            # large part of the suite's time; tests/accounts/test_login.py checks the default.
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
            # Off unless a test turns it on (tests/notifications/test_sms.py): the e-mail
            # tests count the outbox. Nothing listens on this port unless a test starts it.
            "SMS_ENABLED": False,
            "SMS_HTTP_URL": f"http://127.0.0.1:{free_port()}/sms",
            "SMS_TIMEOUT_SECONDS": 2,
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        if TEST_DATABASE_URL:
            _reset_postgresql("org" in request.fixturenames, _schema["org_tables"])
        yield app
        db.session.remove()
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    Flask reuses an app context that is already pushed (the test's own, for db access), which
    would share ``g`` and the database session between requests and between clients: CSRF
    tokens would leak from one browser to another. Afterwards the test's session forgets what
    it had loaded, as it would if another process had changed the rows."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # Werkzeug spools a request body over 500 KB to a temporary file and leaves it open:
        # close it here, or a ResourceWarning surfaces in whichever test runs at the next
        # garbage collection.
        body = getattr(response, "request", None) and response.request.environ.get("wsgi.input")
        if body is not None and hasattr(body, "close"):
            body.close()
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def org(app):
    """The sample organisation (units, fields, procedures), imported as a province would.
    It is imported once per run and copied in by ``database_url`` / ``app``; the import here
    only serves a test that emptied the tables itself."""
    from intake.org.importer import import_org
    from intake.org.models import Unit

    if not db.session.scalar(sa.select(sa.func.count(Unit.id))):
        import_org(DEMO_DATA)
        db.session.commit()
    return DEMO_DATA


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 3, 10, 2, 30, tzinfo=UTC)  # Tuesday 09:30 in Viet Nam


_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')


def hidden_inputs(html: str) -> dict[str, str]:
    """The hidden fields of a page (csrf_token, submission_token) as a browser would send them."""
    values = {}
    for tag in _HIDDEN.findall(html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            values[name.group(1)] = value.group(1) if value else ""
    return values


def valid_submission(**overrides) -> dict[str, str]:
    data = {
        "submitter_type": "individual",
        "full_name": "Nguyễn Văn An",
        "address": "Ấp Phú Hữu, xã An Hiệp, huyện Châu Thành",
        "phone": "0912 345 678",
        "email": "an.nguyen@example.com",
        "kind": "phan_anh",
        "title": "Chậm cấp giấy chứng nhận quyền sử dụng đất",
        "content": (
            "Tôi nộp hồ sơ từ tháng 6 nhưng đến nay đã quá hẹn hơn 30 ngày vẫn chưa có kết quả."
        ),
        "declared_truthful": "y",
    }
    data.update(overrides)
    return data


@pytest.fixture
def submit_form(client):
    """POST the submission form the way a browser does: GET it first for its hidden fields."""

    def submit(data=None, files=None, follow=False, **overrides):
        page = client.get("/submit")
        form = {**hidden_inputs(page.get_data(as_text=True)), **(data or valid_submission())}
        form.update(overrides)
        if files:
            form["attachments"] = files
        return client.post(
            "/submit", data=form, content_type="multipart/form-data", follow_redirects=follow
        )

    return submit


@dataclass
class SmtpSink:
    """Messages received by the loopback SMTP server, as (envelope recipients, parsed message)."""

    port: int
    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        from email import message_from_bytes, policy

        self.messages.append(
            (list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"


def start_smtp(port: int) -> tuple[Controller, SmtpSink]:
    sink = SmtpSink(port)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, sink


@pytest.fixture
def smtp(app):
    """A real SMTP server on the port the app is configured to send to."""
    controller, sink = start_smtp(app.config["MAIL_PORT"])
    yield sink
    controller.stop()


def body_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
