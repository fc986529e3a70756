"""Two app nodes, two workers, PostgreSQL and Redis on one machine (`make two-nodes`).

Starts, on loopback only: a fresh PostgreSQL database (migrated, with the sample organisation
and one supervisor account), an SMTP sink, two gunicorn nodes (two processes each) sharing the
secret key and the rate-limit counters in Redis, and two `flask intake worker` processes. Then,
with plain HTTP alternating between the nodes, it checks that

* citizens' submissions work whichever node serves the form and whichever receives it (sessions
  and CSRF tokens are signed with the shared key), and a form re-sent to the other node creates
  no second item;
* the per-item limit on failed tracking attempts and the per-address limit on failed logins
  hold across the nodes: the first refusal (429) comes right after the configured number of
  failures counted on both nodes together, not per node or per process;
* every receipt e-mail goes out exactly once, whichever worker sends it;
* the reports count every item (the reports code after a tick, and /stats on both nodes).

Prints a summary; exits 1 on any failure. Processes, the database and the Redis keys of the
run are removed in every case. Bounded: at most --items submissions and a few dozen other
requests, a deadline for every wait.

Settings (environment): TWO_NODES_POSTGRES_URL (a database to connect to for CREATE/DROP
DATABASE, default postgresql://postgres@127.0.0.1:5432/postgres) and TWO_NODES_REDIS_URL
(default redis://127.0.0.1:6379/15). Both must point at 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOOPBACK = "127.0.0.1"
# Random, and nothing like the account's name or e-mail: the password policy refuses those.
PASSWORD = secrets.token_urlsafe(18)
SUPERVISOR = "giamsat.two-nodes@soctrang.example.vn"
DEADLINE_SECONDS = 240  # the whole run, whatever happens


class CheckFailed(Exception):
    pass


STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[two-nodes {time.monotonic() - STARTED:5.1f}s] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def require_loopback(url: str) -> None:
    host = urlsplit(url).hostname
    if host not in (LOOPBACK, "localhost"):
        raise CheckFailed(f"{url}: this check only talks to 127.0.0.1")


# --- the SMTP sink -------------------------------------------------------------------------


@dataclass
class Received:
    message_id: str
    recipient: str
    subject: str
    body: str


class Sink:
    """aiosmtpd on loopback, keeping every message in memory."""

    def __init__(self):
        self.messages: list[Received] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        text = message.get_body(preferencelist=("plain",))
        with self._lock:
            self.messages.append(
                Received(
                    message_id=str(message["Message-ID"] or ""),
                    recipient=",".join(envelope.rcpt_tos),
                    subject=str(message["Subject"] or ""),
                    body=text.get_content() if text else "",
                )
            )
        return "250 Message accepted"

    def count(self) -> int:
        with self._lock:
            return len(self.messages)


# --- a small HTTP client with its own cookie jar --------------------------------------------


class FormParser(HTMLParser):
    """The hidden fields of each form on a page, and the text of elements with an id."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.ids: dict[str, str] = {}
        self._id: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append((a.get("action") or "", {}))
        elif tag == "input" and a.get("type") == "hidden" and self.forms and a.get("name"):
            self.forms[-1][1].setdefault(a["name"], a.get("value") or "")
        if a.get("id"):
            self._id = a["id"]
            self.ids[self._id] = ""

    def handle_endtag(self, tag):
        self._id = None

    def handle_data(self, data):
        if self._id:
            self.ids[self._id] += data.strip()


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str


class Browser:
    """One visitor. Cookies are kept by hand, so that the production setting
    SESSION_COOKIE_SECURE=true works over plain HTTP on loopback."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None) -> Response:
        headers = {"Accept-Language": "vi"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value and not morsel["expires"].startswith("Thu, 01 Jan 1970"):
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Response(response.status, response.headers, text)

    def hidden_fields(self, port: int, path: str) -> dict[str, str]:
        page = self.request(port, "GET", path)
        if page.status != 200:
            raise CheckFailed(f"GET {path} on :{port} answered {page.status}")
        parser = FormParser()
        parser.feed(page.text)
        for action, fields in parser.forms:
            if urlsplit(action).path == path:
                return fields
        raise CheckFailed(f"no form posting to {path} on the page")


def enrol_two_factor(officer: Browser, port: int) -> int:
    """Production requires a second factor of supervisors: enrol one as the officer would,
    with the key the page shows for typing by hand, and a code computed from it."""
    import pyotp

    page = officer.request(port, "GET", "/account/two-factor")
    secret = element_text(page.text, "totp-secret").replace(" ", "")
    fields = officer.hidden_fields(port, "/account/two-factor")
    done = officer.request(
        port, "POST", "/account/two-factor", {**fields, "code": pyotp.TOTP(secret).now()}
    )
    return done.status


def page_errors(html: str) -> str:
    """The validation messages a page shows, for the failure message."""
    found = re.findall(r'<ul class="errors" id="([^"]+)-error">(.*?)</ul>', html, re.S)
    return "; ".join(f"{name}: {re.sub(r'<[^>]+>', ' ', text).strip()}" for name, text in found)


def element_text(html: str, element_id: str) -> str:
    parser = FormParser()
    parser.feed(html)
    return parser.ids.get(element_id, "")


# --- processes ------------------------------------------------------------------------------


@dataclass
class Processes:
    running: list[tuple[str, subprocess.Popen, Path]] = field(default_factory=list)

    def start(self, name: str, args: list[str], env: dict, logdir: Path) -> subprocess.Popen:
        logfile = logdir / f"{name}.log"
        with logfile.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 (our own commands, no shell)
                args,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped with its children
            )
        self.running.append((name, process, logfile))
        return process

    def check_alive(self) -> None:
        for name, process, logfile in self.running:
            if process.poll() is not None:
                raise CheckFailed(f"{name} exited with {process.returncode}:\n{tail(logfile)}")

    def stop(self) -> None:
        """SIGTERM to each process group we started, then SIGKILL to what is left."""
        for _, process, _ in self.running:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for name, process, _ in self.running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"{name} did not stop on SIGTERM: killing it")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        # A gunicorn master that exited leaves no worker behind, but make sure of it.
        for _, process, _ in self.running:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        self.running.clear()


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def flask(env: dict, *args: str, timeout: int = 180) -> str:
    result = subprocess.run(  # noqa: S603 (our own command, no shell)
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise CheckFailed(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout.strip()


def wait_until(predicate, seconds: float, what: str, processes: Processes) -> float:
    started = time.monotonic()
    while not predicate():
        processes.check_alive()
        if time.monotonic() - started > seconds:
            raise CheckFailed(f"timed out after {seconds:.0f} s waiting for {what}")
        time.sleep(0.2)
    return time.monotonic() - started


def node_ready(port: int) -> bool:
    try:
        return Browser().request(port, "GET", "/").status == 200
    except OSError:
        return False


# --- the checks -----------------------------------------------------------------------------


@dataclass
class Submitted:
    index: int
    email: str
    reference_code: str
    access_key: str
    form_node: int
    post_node: int


def submit(i: int, ports: list[int], run_id: str, resend: bool) -> Submitted:
    """GET the form from one node, POST it to the other, read the receipt from the first.
    With ``resend``, the same form goes again to the first node (a double click reaching
    both nodes): the same item must come back."""
    from intake.cases.models import CaseKind, SubmitterType

    browser = Browser()
    form_node, post_node = i % 2, (i + 1) % 2
    fields = browser.hidden_fields(ports[form_node], "/submit")
    email = f"citizen-{i:03d}.{run_id}@example.com"
    form = {
        **fields,
        "submitter_type": SubmitterType.INDIVIDUAL.value,
        "full_name": f"Nguyễn Văn Thử {i}",
        "address": f"{i} Trần Hưng Đạo, Phường 2, TP Sóc Trăng",
        "phone": "0912 345 678",
        "email": email,
        "kind": CaseKind.FEEDBACK.value,
        "title": f"Kiểm tra hai máy chủ số {i}",
        "content": "Nội dung phản ánh dùng để kiểm tra hai máy chủ ứng dụng chạy cùng lúc.",
        "declared_truthful": "y",
    }
    posted = browser.request(ports[post_node], "POST", "/submit", form)
    if posted.status != 303:
        raise CheckFailed(
            f"submission {i} to node {post_node + 1}: {posted.status} {page_errors(posted.text)}"
        )
    receipt = browser.request(ports[form_node], "GET", "/receipt")
    code = element_text(receipt.text, "reference-code")
    key = element_text(receipt.text, "access-key")
    if receipt.status != 200 or not code or not key:
        raise CheckFailed(f"submission {i}: no receipt on node {form_node + 1}")
    if resend:
        again = browser.request(ports[form_node], "POST", "/submit", form)
        if again.status != 303:
            raise CheckFailed(f"submission {i} re-sent to node {form_node + 1}: {again.status}")
        receipt = browser.request(ports[post_node], "GET", "/receipt")
        if element_text(receipt.text, "reference-code") != code:
            raise CheckFailed(f"submission {i} re-sent: a different item came back")
    return Submitted(i, email, code, key, form_node, post_node)


def smallest_limit(limit_string: str) -> int:
    """The count of the tightest window ("5 per 15 minutes;20 per day" → 5): a burst of
    requests meets it first."""
    from limits import parse_many

    return min(item.amount for item in parse_many(limit_string))


def alternate_failures(ports: list[int], path: str, make_form, limit: int) -> list[str]:
    """limit + 2 failed attempts, alternating nodes. Every attempt is a new visitor, so only
    the shared counters (per item, per address) can refuse it."""
    outcomes = []
    for attempt in range(limit + 2):
        node = attempt % 2
        browser = Browser()
        fields = browser.hidden_fields(ports[node], path)
        response = browser.request(ports[node], "POST", path, {**fields, **make_form()})
        outcomes.append(f"{node + 1}:{response.status}")
        expected = 422 if attempt < limit else 429
        if response.status != expected:
            raise CheckFailed(
                f"{path}: attempt {attempt + 1} on node {node + 1} answered {response.status}, "
                f"expected {expected} (limit {limit} counted across both nodes); "
                f"so far {' '.join(outcomes)}"
            )
    return outcomes


def run(args) -> dict:
    started = time.monotonic()
    postgres_url = os.environ.get(
        "TWO_NODES_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    redis_url = os.environ.get("TWO_NODES_REDIS_URL", "redis://127.0.0.1:6379/15")
    require_loopback(postgres_url)
    require_loopback(redis_url)

    import psycopg
    import redis

    run_id = f"{os.getpid()}{secrets.token_hex(3)}"
    database = f"pakn_two_nodes_{run_id}"
    key_prefix = f"pakn-two-nodes-{run_id}"
    try:
        admin = psycopg.connect(postgres_url, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        raise CheckFailed(f"PostgreSQL at {postgres_url} is not reachable: {exc}") from exc
    redis_client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        redis_client.ping()
    except redis.RedisError as exc:
        admin.close()
        raise CheckFailed(f"Redis at {redis_url} is not reachable: {exc}") from exc
    workdir = Path(tempfile.mkdtemp(prefix="pakn-two-nodes-"))
    processes = Processes()
    sink_controller = None
    created_database = False
    summary: dict = {}
    try:
        admin.execute(f'CREATE DATABASE "{database}"')
        created_database = True
        database_url = urlsplit(postgres_url)._replace(path=f"/{database}").geturl()

        from aiosmtpd.controller import Controller

        sink = Sink()
        mail_port = free_port()
        sink_controller = Controller(sink, hostname=LOOPBACK, port=mail_port)
        sink_controller.start()

        ports = [free_port(), free_port()]
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",  # the logs are read while the processes run
            "INTAKE_ENV_NAME": "production",
            "INTAKE_SECRET_KEY": secrets.token_urlsafe(48),
            "INTAKE_SQLALCHEMY_DATABASE_URI": database_url,
            "INTAKE_RATELIMIT_STORAGE_URI": args.limiter_storage or redis_url,
            "INTAKE_RATELIMIT_KEY_PREFIX": key_prefix,
            "INTAKE_SESSION_COOKIE_SECURE": "true",
            "INTAKE_MAIL_SERVER": LOOPBACK,
            "INTAKE_MAIL_PORT": str(mail_port),
            "INTAKE_MAIL_USE_TLS": "false",
            # This run counts e-mail at its SMTP sink; SMS have their own loopback tests.
            "INTAKE_SMS_ENABLED": "false",
            "INTAKE_PUBLIC_BASE_URL": f"http://{LOOPBACK}:{ports[0]}",
            "INTAKE_INSTANCE_PATH": str(workdir / "instance"),
            "INTAKE_UPLOAD_DIR": str(workdir / "uploads"),
            "INTAKE_WORKER_INTERVAL_SECONDS": "1",
            # Every submission comes from one address with one phone, at machine speed: the
            # citizens' abuse controls on /submit would rightly refuse most of them.
            "INTAKE_SUBMIT_MIN_FILL_SECONDS": "0",
            "INTAKE_SUBMIT_ADDRESS_LIMIT": "10000 per minute",
            "INTAKE_SUBMIT_CONTACT_LIMIT": "10000 per minute",
            # The workers tick once when they start; the check runs the final tick itself,
            # so that no reminder or digest appears while the mail is being counted.
            "INTAKE_TICK_INTERVAL_SECONDS": "3600",
        }
        os.environ.update({k: v for k, v in env.items() if k.startswith("INTAKE_")})
        (workdir / "instance").mkdir()

        log(f"database {database}, Redis {redis_url} (keys {key_prefix}*), mail sink :{mail_port}")
        flask(env, "db", "upgrade")
        log(flask(env, "intake", "import-org", "intake/demo/data"))
        log(
            flask(
                env, "intake", "create-user", "--email", SUPERVISOR, "--name", "Giám sát thử",
                "--role", "supervisor", "--unit", "vp-ubnd", "--password", PASSWORD,
            )
        )  # fmt: skip

        for n, port in enumerate(ports, 1):
            # Each node's gunicorn control socket (25.1+) in its own runtime directory, as
            # systemd's RuntimeDirectory= gives it: two nodes must not share ~/.gunicorn.
            runtime = workdir / f"run-node{n}"
            runtime.mkdir(mode=0o700)
            processes.start(
                f"node{n}",
                [
                    str(BIN / "gunicorn"), "--workers", "2", "--bind", f"{LOOPBACK}:{port}",
                    "--graceful-timeout", "5", "--timeout", "60", "wsgi:app",
                ],
                {**env, "XDG_RUNTIME_DIR": str(runtime)},
                workdir,
            )  # fmt: skip
        for n in (1, 2):
            processes.start(
                f"worker{n}",
                [str(BIN / "flask"), "--app", "wsgi", "intake", "worker"],
                env,
                workdir,
            )
        ready = wait_until(
            lambda: all(node_ready(p) for p in ports), 60, "the two nodes", processes
        )
        log(
            f"nodes on :{ports[0]} and :{ports[1]} (2 gunicorn processes each), ready in "
            f"{ready:.1f} s; 2 workers"
        )

        # 1. Submissions, four citizens at a time, each crossing the two nodes.
        t0 = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as pool:
            jobs = [pool.submit(submit, i, ports, run_id, i % 10 == 0) for i in range(args.items)]
            items = [job.result() for job in jobs]
        resent = sum(1 for i in range(args.items) if i % 10 == 0)
        codes = {item.reference_code for item in items}
        if len(codes) != args.items:
            raise CheckFailed(f"{args.items} submissions gave {len(codes)} distinct items")
        log(
            f"{args.items} submissions in {time.monotonic() - t0:.1f} s (form from one node, "
            f"POST to the other; {resent} re-sent to the other node too): {len(codes)} items"
        )

        # 2. Rate limits shared by the nodes.
        from intake import create_app

        app = create_app()
        track_limit = smallest_limit(app.config["TRACK_CODE_FAILURE_LIMIT"])
        login_limit = smallest_limit(app.config["LOGIN_FAILURE_LIMIT"])
        target = items[0]
        track = alternate_failures(
            ports,
            "/track",
            lambda: {"reference_code": target.reference_code, "access_key": "SAI-" + "0" * 8},
            track_limit,
        )
        other = items[1]
        browser = Browser()
        fields = browser.hidden_fields(ports[1], "/track")
        opened = browser.request(
            ports[1],
            "POST",
            "/track",
            {**fields, "reference_code": other.reference_code, "access_key": other.access_key},
        )
        if opened.status != 303:
            raise CheckFailed(f"another item with its right key: {opened.status}, expected 303")
        log(
            f"tracking one item with a wrong key ({app.config['TRACK_CODE_FAILURE_LIMIT']}): "
            f"{' '.join(track)}; another item with its key still opens (303)"
        )

        officer = Browser()
        fields = officer.hidden_fields(ports[0], "/login")
        signed_in = officer.request(
            ports[0], "POST", "/login", {**fields, "email": SUPERVISOR, "password": PASSWORD}
        )
        enrolled = enrol_two_factor(officer, ports[0])
        dashboard = officer.request(ports[1], "GET", "/supervision/")
        if signed_in.status != 303 or enrolled != 200 or dashboard.status != 200:
            raise CheckFailed(
                f"sign-in on node 1 ({signed_in.status}) then the dashboard on node 2 "
                f"({dashboard.status}): expected 303 then 200"
            )
        logins = alternate_failures(
            ports, "/login", lambda: {"email": SUPERVISOR, "password": "wrong-password"},
            login_limit,
        )  # fmt: skip
        log(
            f"signed in on node 1, dashboard on node 2: 200; failed logins "
            f"({app.config['LOGIN_FAILURE_LIMIT']}): {' '.join(logins)}"
        )

        # 3. Every receipt once.
        from intake.extensions import db
        from intake.notifications.models import OutboxMessage

        def outbox_counts() -> dict:
            with app.app_context():
                rows = db.session.execute(
                    db.select(OutboxMessage.status, db.func.count()).group_by(OutboxMessage.status)
                ).all()
                db.session.remove()
            return {str(status): n for status, n in rows}

        def drained() -> bool:
            counts = outbox_counts()
            pending = counts.get("pending", 0) + counts.get("sending", 0)
            return pending == 0 and sink.count() >= counts.get("sent", 0)

        waited = wait_until(drained, args.mail_timeout, "every e-mail at the sink", processes)
        log(f"all e-mail delivered {waited:.1f} s after the last request")

        tick = flask(env, "intake", "tick")
        wait_until(drained, args.mail_timeout, "the e-mail of the final tick", processes)
        time.sleep(1.5)  # a duplicate would arrive now
        counts = outbox_counts()
        mail = check_mail(sink, items, counts)

        # 4. The reports count every item.
        reports = check_reports(app, items, ports)

        # 5. Both workers did part of the work (reported, not required: timing decides).
        per_worker = {}
        for name, _, logfile in processes.running:
            if name.startswith("worker"):
                sent = re.findall(r"mail: sent (\d+)", logfile.read_text(errors="replace"))
                per_worker[name] = sum(int(n) for n in sent)

        summary = {
            "items": args.items,
            "resent": resent,
            "track": track,
            "track_limit": app.config["TRACK_CODE_FAILURE_LIMIT"],
            "logins": logins,
            "login_limit": app.config["LOGIN_FAILURE_LIMIT"],
            "mail": mail,
            "per_worker": per_worker,
            "tick": tick,
            "reports": reports,
        }
        processes.check_alive()
    except BaseException:
        for name, _, logfile in processes.running:
            log(f"--- last lines of {name}:\n{tail(logfile, 15)}")
        raise
    finally:
        signal.alarm(0)  # the clean-up runs to its end
        processes.stop()
        if sink_controller is not None:
            sink_controller.stop()
        if created_database:
            try:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            except psycopg.Error as exc:
                log(f"could not drop {database}: {exc}")
        admin.close()
        removed = 0
        with contextlib.suppress(redis.RedisError):
            for key in redis_client.scan_iter(match=f"*{key_prefix}*", count=500):
                removed += redis_client.delete(key)
        redis_client.close()
        if args.keep_logs:
            log(f"logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
        log(
            f"cleaned up: processes stopped, database {database} dropped, "
            f"{removed} Redis key(s) removed"
        )
    summary["seconds"] = time.monotonic() - started
    return summary


def check_mail(sink: Sink, items: list[Submitted], counts: dict) -> dict:
    messages = list(sink.messages)
    problems = []
    if set(counts) - {"sent"}:
        problems.append(f"outbox not all sent: {counts}")
    ids = [m.message_id for m in messages]
    duplicates = len(ids) - len(set(ids))
    if duplicates:
        problems.append(f"{duplicates} message(s) delivered more than once")
    if len(messages) != counts.get("sent", 0):
        problems.append(f"{len(messages)} at the sink, {counts.get('sent', 0)} sent by the outbox")
    receipts = 0
    for item in items:
        mine = [m for m in messages if item.reference_code in m.subject]
        to_citizen = [m for m in messages if m.recipient == item.email]
        if len(mine) != 1 or len(to_citizen) != 1 or mine != to_citizen:
            problems.append(
                f"{item.reference_code}: {len(mine)} receipt(s), {len(to_citizen)} to the citizen"
            )
        elif item.access_key not in mine[0].body:
            problems.append(f"{item.reference_code}: the receipt lacks the access key")
        else:
            receipts += 1
    if problems:
        raise CheckFailed("e-mail: " + "; ".join(problems[:10]))
    return {"delivered": len(messages), "receipts": receipts, "duplicates": duplicates}


def check_reports(app, items: list[Submitted], ports: list[int]) -> dict:
    from intake import clock
    from intake.cases.models import Case
    from intake.core.calendar import local_date
    from intake.core.periods import PeriodKind, report_period, reporting_year
    from intake.extensions import db
    from intake.reports.figures import build_report
    from intake.reports.models import Measure, ReportEntry

    with app.app_context():
        now = clock.now()
        year = reporting_year(local_date(now))
        report = build_report(report_period(PeriodKind.YEAR, year), now=now)
        cases = db.session.scalar(db.select(db.func.count(Case.id)))
        entries = db.session.scalar(
            db.select(db.func.count(ReportEntry.id)).where(ReportEntry.measure == Measure.RECEIVED)
        )
        pending = db.session.scalar(
            db.select(db.func.count(ReportEntry.id)).where(ReportEntry.rollup_batch.is_(None))
        )
        db.session.remove()
    figures = {
        "cases": cases,
        "received_entries": entries,
        "report_received": report.total.received,
        "open_now": report.total.open_at_end,
        "entries_not_rolled_up": pending,
        "year": year,
    }
    stats = []
    for port in ports:
        page = Browser().request(port, "GET", "/stats")
        found = re.search(r'class="kpi-value">\s*([\d.,\s]+?)\s*<', page.text)
        stats.append(int(re.sub(r"\D", "", found.group(1))) if found else None)
    figures["stats_pages"] = stats
    expected = len(items)
    wrong = {
        k: v
        for k, v in figures.items()
        if k in ("cases", "received_entries", "report_received", "open_now") and v != expected
    }
    if wrong or stats != [expected, expected]:
        raise CheckFailed(f"reports: expected {expected} items everywhere, got {figures}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=48, help="submissions (2-200, default 48)")
    parser.add_argument("--mail-timeout", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument(
        "--limiter-storage",
        metavar="URI",
        help="rate-limit storage instead of Redis: memory:// shows the failure the check catches",
    )
    parser.add_argument("--keep-logs", action="store_true", help="keep the processes' logs")
    args = parser.parse_args()
    if not 2 <= args.items <= 200:
        parser.error("--items must be between 2 and 200")

    def stop(signum, frame):
        raise KeyboardInterrupt

    def deadline(signum, frame):
        raise CheckFailed(f"the whole run took longer than {DEADLINE_SECONDS} s")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGALRM, deadline)
    signal.alarm(DEADLINE_SECONDS)
    try:
        summary = run(args)
    except CheckFailed as exc:
        log(f"FAILED: {exc}")
        return 1
    except KeyboardInterrupt:
        log("interrupted")
        return 1
    finally:
        signal.alarm(0)
    mail, reports = summary["mail"], summary["reports"]
    workers = ", ".join(f"{k} sent {v}" for k, v in sorted(summary["per_worker"].items()))
    print(
        f"""
== two nodes, two workers, one PostgreSQL, one Redis: all checks passed
submissions      {summary["items"]} over both nodes ({summary["resent"]} sent twice, to both): {reports["cases"]} items
tracking limit   {summary["track_limit"]} per item: {" ".join(summary["track"])} (node:status)
login limit      {summary["login_limit"]} per address: {" ".join(summary["logins"])}
e-mail           {mail["delivered"]} delivered, {mail["receipts"]} receipts for {summary["items"]} items, {mail["duplicates"]} duplicates ({workers})
final tick       {summary["tick"]}
reports          year {reports["year"]}: received {reports["report_received"]} (entries {reports["received_entries"]}, open now {reports["open_now"]}); /stats on node 1 and 2: {reports["stats_pages"][0]} and {reports["stats_pages"][1]}
took             {summary["seconds"]:.1f} s""",  # noqa: E501
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
