"""The public pages and the intake queue under load, as a load test sees them: req/s, p95
latency and the ratio to a bare Flask endpoint measured in the same run.

usage: python bench/bench_http.py [--db sqlite|postgresql|both] [--duration S] [N ...]
       (default: both databases; 5000 100000 items; 5 s per page)
       python bench/bench_http.py --existing DATABASE_URL [--duration S]
       (a database made earlier, e.g. by `flask intake demo --items 1000000`, measured as it
       is: generating a million items takes the better part of an hour)

For each database and size (growing one database through the sizes): the demo province and
N generated items (`flask intake demo --items`), then the app under gunicorn (2 sync workers)
beside `bench/hello_app.py` (a bare Flask "hello") under the same settings, each page loaded
with Debian's `wrk` (2 threads, 16 connections). The bare endpoint is measured before the
first page and after each page; a page's ratio uses the two bare figures around it. Each GET
page first gets one second of load that is not counted (the workers' first render, the cache
filled).

- GET /submit, /track, /published, /stats: anonymous, no cookie.
- intake queue: `/officer/intake` with the Cookie header of a real sign-in (intake officer).
- POST /submit: a valid form, urlencoded, without files. Flask-WTF's CSRF token is bound to the
  session, not to one request, so one GET /submit gives a cookie and a token that every POST
  reuses, as a browser that submits twice would; each POST carries its own submission token
  (idempotency), so each one records a new item.

Rate limits are switched off for the app under test (INTAKE_RATELIMIT_ENABLED=false), and so are
/submit's limits per address and contact and its minimum fill time: from one address a load test
is exactly what they exist to stop. Everything else runs with its defaults
(request log on, sent to a file). Worker memory: the RSS of each gunicorn worker after the load.
Timings on a shared machine are noisy: read the ratios, which are measured side by side.

PostgreSQL: INTAKE_BENCH_HTTP_PG_URL, default database `intake_bench_http` on 127.0.0.1 (its
public schema is dropped and recreated). SQLite: a file under /tmp. Ports: BENCH_HTTP_PORT
(default 8100) for the app and the next one for the bare endpoint.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_URL = os.environ.get(
    "INTAKE_BENCH_HTTP_PG_URL", "postgresql://postgres@127.0.0.1:5432/intake_bench_http"
)
PORT = int(os.environ.get("BENCH_HTTP_PORT", "8100"))
HOST = "127.0.0.1"
AGENT = "intake-bench-http"
WORK = Path(tempfile.gettempdir()) / f"intake_bench_http_{PORT}"

#: Targets of the issue, SQLite at 5,000 items (ratio to the bare endpoint).
TARGETS = {
    "GET /submit": 0.40,
    "GET /track": 0.60,
    "GET /published": 0.40,
    "GET /stats": 0.60,
    "intake queue": 0.20,
    "POST /submit": 0.15,
}

REPORT_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95)))
end
"""

POST_LUA = """
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
init = function(args)
  math.randomseed(os.time() * 1000 + tid)
  counter = 0
end
request = function()
  counter = counter + 1
  local token = string.format("bench%02d%09d%08d", tid, math.random(0, 999999999), counter)
  local body = string.gsub(template, "@TOKEN@", token)
  return wrk.format("POST", "/submit", nil, body)
end
"""


def log(message: str) -> None:
    print(message, flush=True)


# --- the databases ---------------------------------------------------------------------------


def fresh_database(engine_name: str) -> str | None:
    if engine_name == "sqlite":
        path = WORK / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = sa.engine.make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            )
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
        admin.dispose()
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    except sa.exc.OperationalError as error:
        log(f"PostgreSQL unavailable, skipped: {error.orig}")
        return None
    return url.render_as_string(hide_password=False)


def app_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "INTAKE_SQLALCHEMY_DATABASE_URI": url,
        "INTAKE_INSTANCE_PATH": str(WORK / "instance"),
        "INTAKE_RATELIMIT_ENABLED": "false",
        # /submit's abuse controls count per address and contact: one load generator with one
        # form is what they refuse. The honeypot and the signed opening stamp stay on.
        "INTAKE_SUBMIT_MIN_FILL_SECONDS": "0",
        "INTAKE_SUBMIT_ADDRESS_LIMIT": "1000000 per minute",
        "INTAKE_SUBMIT_CONTACT_LIMIT": "1000000 per minute",
        "XDG_RUNTIME_DIR": str(WORK / "run"),
    }


def flask(url: str, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 (our own command, no shell)
        [str(BIN / "flask"), "--app", "wsgi", *args],
        env=app_env(url),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def analyse(url: str) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text("ANALYZE" if url.startswith("sqlite") else "VACUUM ANALYZE"))
    engine.dispose()


# --- the servers ------------------------------------------------------------------------------


class Server:
    def __init__(self, name: str, target: str, port: int, env: dict[str, str]):
        self.name, self.port = name, port
        self.log_path = WORK / f"{name}.log"
        self.process = subprocess.Popen(  # noqa: S603 (our own command, no shell)
            [
                str(BIN / "gunicorn"), "--workers", "2", "--worker-class", "sync",
                "--bind", f"{HOST}:{port}", "--timeout", "60", "--graceful-timeout", "5",
                target,
            ],
            env=env,
            cwd=ROOT,
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{name} exited: see {self.log_path}")
            try:
                urllib.request.urlopen(f"http://{HOST}:{port}/", timeout=2).read()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"{name} did not answer on :{port}")

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            if re.search(rf"^PPid:\s+{self.process.pid}$", text, re.M):
                kb = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
                sizes.append(int(kb.group(1)) / 1024 if kb else 0.0)
        return sorted(sizes)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- HTTP set-up: a signed-in cookie and a submission form ------------------------------------


def browser():
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    opener.addheaders = [("User-Agent", AGENT)]
    return opener, jar


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def fetch(opener, path: str, data: dict | None = None) -> tuple[int, str, dict]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        response = opener.open(f"http://{HOST}:{PORT}{path}", body, timeout=30)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), dict(error.headers)
    return response.status, response.read().decode(errors="replace"), dict(response.headers)


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    return match.group(1) if match else ""


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    if not match:
        raise SystemExit("no csrf_token in the form")
    return match.group(1)


def cookie_header(jar) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def signed_in_cookie() -> str:
    from intake.demo import DEMO_PASSWORD

    opener, jar = browser()
    _, html, _ = fetch(opener, "/login")
    status, _, headers = fetch(
        opener,
        "/login",
        {"csrf_token": csrf_token(html), "email": "tiepnhan@soctrang.example.vn",
         "password": DEMO_PASSWORD},
    )  # fmt: skip
    if status not in (302, 303):
        raise SystemExit(f"sign-in failed: HTTP {status}")
    # The page signing in leads to, as a browser opens it: the cookie it sets carries the
    # session's CSRF token from then on (without it, each request would mint one).
    fetch(opener, "/officer/intake")
    return cookie_header(jar)


def submission() -> tuple[str, str]:
    """A cookie and a urlencoded body with ``@TOKEN@`` where each request's submission token
    goes; checked once by posting it."""
    opener, jar = browser()
    _, html, _ = fetch(opener, "/submit")
    form = {
        "csrf_token": csrf_token(html),
        "submission_token": "@TOKEN@",
        "started": hidden_value(html, "started"),
        "submitter_type": "individual",
        "full_name": "Nguyễn Văn Thử",
        "address": "Số 1 đường Trần Hưng Đạo, Phường 2, TP Sóc Trăng",
        "phone": "0912345678",
        "email": "thu.nghiem@example.com",
        "kind": "phan_anh",
        "title": "Thời gian giải quyết thủ tục đăng ký hộ kinh doanh",
        "content": "Hồ sơ đăng ký hộ kinh doanh nộp đã quá hạn nhưng chưa nhận được kết quả.",
        "field_id": "",
        "concerned_unit_id": "",
        "procedure": "",
        "declared_truthful": "y",
    }
    body = urllib.parse.urlencode(form).replace("%40TOKEN%40", "@TOKEN@")
    cookie = cookie_header(jar)
    opener, _ = browser()
    opener.addheaders.append(("Cookie", cookie))
    request = urllib.request.Request(
        f"http://{HOST}:{PORT}/submit",
        body.replace("@TOKEN@", "benchcheck" + str(time.time_ns())).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    page = ""
    try:
        status = opener.open(request, timeout=30).status
    except urllib.error.HTTPError as error:
        status, page = error.code, error.read().decode(errors="replace")
    if status != 303:
        problems = re.findall(
            r'id="field-([a-z_]+)"[^>]*>.*?<ul class="errors"[^>]*>(.*?)</ul>', page or "", re.S
        )
        raise SystemExit(f"POST /submit with the benchmark's form: HTTP {status}: {problems}")
    return cookie, body


# --- wrk --------------------------------------------------------------------------------------


def wrk(url: str, duration: int, script: str, headers: list[str]) -> dict:
    script_path = WORK / "script.lua"
    script_path.write_text(script + REPORT_LUA)
    command = ["wrk", "-t2", "-c16", f"-d{duration}s", "--timeout", "10s", "-s", str(script_path)]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(  # noqa: S603 (our own command, no shell)
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", output, re.M)
    if not match:
        raise SystemExit(f"wrk said:\n{output}")
    requests, micros, bad_status, socket_errors, p50, p95 = map(int, match.groups())
    return {
        "rps": requests / (micros / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "errors": bad_status + socket_errors,
        "requests": requests,
    }


def drain(port: int) -> None:
    """Wait until the server has finished the requests wrk left in flight when it stopped (a
    slow page leaves up to 16 queued, which would otherwise eat into the next measurement):
    until /healthz answers quickly three times in a row."""
    quick, deadline = 0, time.monotonic() + 120
    while quick < 3 and time.monotonic() < deadline:
        started = time.monotonic()
        urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=120).read()
        quick = quick + 1 if time.monotonic() - started < 0.05 else 0


def pages(cookie: str, form_cookie: str, body: str) -> list[tuple[str, str, str, list[str]]]:
    """(name, path, Lua script, headers) of each page under load."""
    post = 'template = "' + body.replace("\\", "\\\\").replace('"', '\\"') + '"\n' + POST_LUA
    return [
        ("GET /submit", "/submit", "", []),
        ("GET /track", "/track", "", []),
        ("GET /published", "/published", "", []),
        ("GET /stats", "/stats", "", []),
        ("intake queue", "/officer/intake", "", [f"Cookie: {cookie}", f"User-Agent: {AGENT}"]),
        ("POST /submit", "/submit", post, [
            f"Cookie: {form_cookie}", f"User-Agent: {AGENT}",
            "Content-Type: application/x-www-form-urlencoded",
        ]),
    ]  # fmt: skip


def check_page(path: str, headers: list[str]) -> None:
    """Each GET answers 200 with the page itself (the queue: not the login form)."""
    request = urllib.request.Request(f"http://{HOST}:{PORT}{path}")
    for header in headers:
        name, value = header.split(": ", 1)
        request.add_header(name, value)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:
        raise SystemExit(f"GET {path}: HTTP {error.code}") from None
    if response.status != 200:
        raise SystemExit(f"GET {path}: HTTP {response.status}")


def measure(engine_name: str, size: int, duration: int, hello_port: int) -> list[dict]:
    rows = []
    cookie = signed_in_cookie()
    form_cookie, body = submission()
    # The bare endpoint is measured between every two pages: each page's ratio uses the bare
    # figures just before and just after it, so that the machine's drift during a run (other
    # processes, the disk's cache) moves both sides of a ratio alike.
    bare = [wrk(f"http://{HOST}:{hello_port}/", duration, "", [])]
    for name, path, script, headers in pages(cookie, form_cookie, body):
        if not script:
            check_page(path, headers)
            # Warm-up, not counted: both workers' first render (and cache fill) of the page.
            wrk(f"http://{HOST}:{PORT}{path}", 1, script, headers)
            drain(PORT)
        result = wrk(f"http://{HOST}:{PORT}{path}", duration, script, headers)
        drain(PORT)
        rows.append({"db": engine_name, "size": size, "page": name, **result})
        bare.append(wrk(f"http://{HOST}:{hello_port}/", duration, "", []))
    for i, row in enumerate(rows):
        row["ratio"] = row["rps"] / ((bare[i]["rps"] + bare[i + 1]["rps"]) / 2)
    bare_rps = sorted(b["rps"] for b in bare)[len(bare) // 2]
    log(
        f"{engine_name:<10} {size:>9,} items  bare Flask {bare_rps:7.0f} req/s (median of "
        f"{len(bare)}, from {min(b['rps'] for b in bare):.0f} to "
        f"{max(b['rps'] for b in bare):.0f}), p95 {max(b['p95'] for b in bare):.1f} ms"
    )
    for row in rows:
        target = TARGETS.get(row["page"]) if engine_name == "sqlite" and size == 5000 else None
        verdict = ""
        if target is not None:
            verdict = f"  target ≥ {target:.2f} {'ok' if row['ratio'] >= target else 'MISSED'}"
        errors = f"  {row['errors']} errors" if row["errors"] else ""
        log(
            f"{engine_name:<10} {size:>9,} items  {row['page']:<15} {row['rps']:7.0f} req/s  "
            f"p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms  "
            f"ratio {row['ratio']:.3f}{verdict}{errors}"
        )
    return rows


def serve_and_measure(engine_name: str, url: str, size: int, duration: int, hello_port: int):
    """The app under gunicorn on ``url``, every page measured, then its workers' memory."""
    server = Server(f"app-{engine_name}", "wsgi:app", PORT, app_env(url))
    try:
        measure(engine_name, size, duration, hello_port)
        rss = ", ".join(f"{mb:.0f}" for mb in server.worker_rss_mb())
        log(f"{engine_name:<10} {size:>9,} items  worker RSS after the load: {rss} MB")
    finally:
        server.stop()


def run_engine(engine_name: str, sizes: list[int], duration: int, hello_port: int) -> None:
    url = fresh_database(engine_name)
    if url is None:
        return
    flask(url, "db", "upgrade")
    have = 0
    for size in sizes:
        started = time.monotonic()
        flask(url, "intake", "demo", "--items", str(size - have))
        analyse(url)
        have = size
        log(f"{engine_name:<10} {size:>9,} items  generated in {time.monotonic() - started:.0f} s")
        serve_and_measure(engine_name, url, size, duration, hello_port)


def measure_existing(url: str, duration: int, hello_port: int) -> None:
    engine_name = "sqlite" if url.startswith("sqlite") else "postgresql"
    if engine_name == "postgresql":
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        size = connection.scalar(sa.text("SELECT count(*) FROM cases"))
    engine.dispose()
    analyse(url)
    serve_and_measure(engine_name, url, size, duration, hello_port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per page")
    parser.add_argument("sizes", nargs="*", type=int, default=[5000, 100000])
    parser.add_argument("--existing", metavar="DATABASE_URL", help="measure this database as it is")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "run").mkdir(parents=True, mode=0o700)
    (WORK / "run-hello").mkdir(mode=0o700)
    sys.path.insert(0, str(ROOT))
    engines = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    log(f"wrk -t2 -c16, {args.duration} s per page; gunicorn 2 sync workers on {HOST}")
    hello = Server("hello", "bench.hello_app:app", PORT + 1, {**os.environ,
                   "XDG_RUNTIME_DIR": str(WORK / "run-hello")})  # fmt: skip
    try:
        if args.existing:
            measure_existing(args.existing, args.duration, PORT + 1)
        for engine_name in engines if not args.existing else []:
            run_engine(engine_name, sorted(args.sizes), args.duration, PORT + 1)
    finally:
        hello.stop()


if __name__ == "__main__":
    main()
