"""The open data downloads at size: time and peak memory of reading the whole published
answers file (CSV, and JSON) and the statistics, at 5,000 and 100,000 items.

usage: python bench/bench_opendata.py [--db sqlite|postgresql|both] [--formats csv,json] [N ...]
       (default: SQLite; 5000 100000 items)

For each database and size (growing one database through the sizes, as bench/bench_http.py
does): the demo province and N generated items (`flask intake demo --items`), then, for each
download, a fresh Python process that builds the app, makes one small download first (imports,
the first request's costs), notes its peak RSS, then reads the whole file through the WSGI app
chunk by chunk as a server would send it (the test client, unbuffered: nothing kept), and
reports the seconds, the bytes and rows, the peak RSS, and how much it grew over the first
small download. A file built in memory would grow with the number of items; a streamed one
stays flat.

PostgreSQL: INTAKE_BENCH_OPENDATA_PG_URL, default database `intake_bench_opendata` on 127.0.0.1
(its public schema is dropped and recreated). SQLite: a file under /tmp.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_http as helpers  # noqa: E402 — the database helpers of the HTTP benchmark

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.gettempdir()) / "intake_bench_opendata"
helpers.WORK = WORK
helpers.PG_URL = os.environ.get(
    "INTAKE_BENCH_OPENDATA_PG_URL",
    "postgresql://postgres@127.0.0.1:5432/intake_bench_opendata",
)
log = helpers.log

WARM_UP = "/open-data/published.csv?from=2099-12-31"  # the header alone


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def child(url: str, path: str) -> None:
    """In a process of its own: the numbers for one download, as one JSON line."""
    sys.path.insert(0, str(ROOT))
    from intake import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REQUEST_LOG": False})
    client = app.test_client()
    for chunk in client.get(WARM_UP, buffered=False).response:
        assert chunk
    before = _peak_mb()
    started = time.perf_counter()
    response = client.get(path, buffered=False)
    size = lines = chunks = 0
    for chunk in response.response:  # as a WSGI server sends it: one chunk at a time
        size += len(chunk)
        lines += chunk.count(b"\n")
        chunks += 1
    response.close()
    seconds = time.perf_counter() - started
    print(json.dumps({
        "status": response.status_code, "seconds": seconds, "bytes": size, "lines": lines,
        "chunks": chunks, "peak_mb": _peak_mb(), "baseline_mb": before,
    }))  # fmt: skip


def measure(url: str, path: str) -> dict:
    result = subprocess.run(  # noqa: S603 (our own script, no shell)
        [sys.executable, __file__, "--child", url, path],
        env=helpers.app_env(url),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"{path} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_engine(engine_name: str, sizes: list[int], paths: list[str]) -> None:
    url = helpers.fresh_database(engine_name)
    if url is None:
        return
    helpers.flask(url, "db", "upgrade")
    have = 0
    for size in sizes:
        started = time.monotonic()
        helpers.flask(url, "intake", "demo", "--items", str(size - have))
        helpers.analyse(url)
        have = size
        log(f"{engine_name:<10} {size:>9,} items  generated in {time.monotonic() - started:.0f} s")
        for path in paths:
            r = measure(url, path)
            log(
                f"{engine_name:<10} {size:>9,} items  {path:<28} {r['status']}  "
                f"{r['seconds']:6.2f} s  {r['bytes'] / 1e6:7.1f} MB  {r['lines']:>8,} lines  "
                f"{r['bytes'] / 1e6 / r['seconds']:5.1f} MB/s  peak RSS {r['peak_mb']:5.0f} MB "
                f"(+{r['peak_mb'] - r['baseline_mb']:.0f} MB over a header-only download)"
            )


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--formats", default="csv,json", help="of the published answers")
    parser.add_argument("sizes", nargs="*", type=int, default=[5000, 100000])
    args = parser.parse_args()
    (WORK / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    paths = [f"/open-data/published.{f}" for f in args.formats.split(",")]
    paths.append("/open-data/stats.csv")
    engines = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    for engine_name in engines:
        run_engine(engine_name, sorted(args.sizes), paths)


if __name__ == "__main__":
    main()
