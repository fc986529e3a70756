"""What the kept pages save: each page rendered with the cache off, in process, on a database
the HTTP benchmark built (`bench/bench_http.py` leaves it in /tmp/intake_bench_http_<port>/).

usage: python bench/bench_renders.py [DATABASE_URL]
       (default: the HTTP benchmark's SQLite database)

These are the requests that fill a kept page: once per page and key, per worker and minute,
and for the intake queue after every change to an item. p50 and p95 of 15 requests after one
warm-up, wall time (run it on a quiet machine); the queue is opened as the demo's intake
officer (`flask intake demo`, password `demo-pakn-2026`).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = (
    Path(tempfile.gettempdir()) / f"intake_bench_http_{os.environ.get('BENCH_HTTP_PORT', '8100')}"
)
PUBLIC = ["/submit", "/track", "/published", "/published?page=200", "/stats"]
QUEUE = ["/officer/intake", "/officer/intake?tab=all", "/officer/intake?tab=all&q=ho+so"]


def timed(client, path: str, n: int = 15) -> tuple[float, float]:
    client.get(path)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"GET {path}: HTTP {response.status_code}")
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.95) - 1]


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{WORK}/bench.sqlite3"
    os.environ.update({
        "INTAKE_SQLALCHEMY_DATABASE_URI": url, "INTAKE_INSTANCE_PATH": str(WORK / "instance"),
        "INTAKE_RATELIMIT_ENABLED": "false", "INTAKE_REQUIRE_2FA": "false",
        "INTAKE_CACHE_STORAGE_URI": "null://", "INTAKE_REQUEST_LOG": "false",
    })  # fmt: skip
    sys.path.insert(0, str(ROOT))
    logging.disable(logging.INFO)
    from intake import create_app

    app = create_app()
    anonymous = app.test_client(use_cookies=False)
    for path in PUBLIC:
        p50, p95 = timed(anonymous, path)
        print(f"{path:<34} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms", flush=True)
    officer = app.test_client()
    page = officer.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    officer.post("/login", data={"csrf_token": token, "password": "demo-pakn-2026",
                                 "email": "tiepnhan@soctrang.example.vn"})  # fmt: skip
    for path in QUEUE:
        p50, p95 = timed(officer, path)
        print(f"{path:<34} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms", flush=True)


if __name__ == "__main__":
    main()
