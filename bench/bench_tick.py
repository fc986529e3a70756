"""How `flask intake tick` scales: N open items, every clock past all its reminder instants,
so that one tick has the most work it can ever have. Reports seconds and peak memory.

usage: python bench/bench_tick.py [N ...]     (default: 10000 100000)
The tick's own peak memory is measured with tracemalloc (Python allocations during the tick
only); the process figure (ru_maxrss) includes building the items.
Database: INTAKE_BENCH_DATABASE_URL, else a PostgreSQL database `intake_bench` on 127.0.0.1
(created if missing), else SQLite under /tmp. Each size runs in a fresh child process, so the
peak memory figure (ru_maxrss) belongs to that size alone.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/intake_bench"


def database_url() -> str:
    url = os.environ.get("INTAKE_BENCH_DATABASE_URL")
    if url:
        return url
    try:
        admin = sa.create_engine(
            "postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = 'intake_bench'")
            )
            if not exists:
                connection.execute(sa.text("CREATE DATABASE intake_bench"))
        admin.dispose()
        return DEFAULT_PG
    except sa.exc.OperationalError:
        return "sqlite:////tmp/intake_bench.sqlite3"


def run_one(n: int, url: str) -> dict:
    """In a child process: build N open items with clocks in bulk, then time one tick."""
    from intake import create_app
    from intake.cases.models import Case, CaseClock
    from intake.core.calendar import WorkingCalendar
    from intake.core.clocks import ReminderLevel, clock_times
    from intake.extensions import db
    from intake.org.importer import import_org
    from intake.worker import run_tick

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DIGEST_HOUR": 25})
    with app.app_context():
        db.drop_all()
        db.create_all()
        import_org(os.path.join(os.path.dirname(__file__), "..", "intake", "demo", "data"))
        db.session.commit()
        unit_ids = [u for (u,) in db.session.execute(sa.text("SELECT id FROM units"))]
        started = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
        times = clock_times(WorkingCalendar(), started.date(), 10)
        build = time.perf_counter()
        batch = 10_000
        for first in range(0, n, batch):
            count = min(batch, n - first)
            db.session.execute(
                sa.insert(Case),
                [
                    {
                        "reference_code": f"PAKN-2026-B{first + i:08d}",
                        "access_key_hash": "x", "channel": "web", "kind": "phan_anh",
                        "state": "in_progress", "priority": "normal", "language": "vi",
                        "submitter_type": "individual", "full_name": "Người dân",
                        "address": "Sóc Trăng", "title": "Phản ánh", "content": "Nội dung",
                        "search_text": "", "received_at": started, "created_at": started,
                        "updated_at": started,
                        "lead_unit_id": unit_ids[(first + i) % len(unit_ids)],
                        "consent_to_publish": False, "declared_truthful": True,
                        "bounce_count": 0, "reconsideration_count": 0, "version": 1,
                    }
                    for i in range(count)
                ],
            )  # fmt: skip
            ids = db.session.scalars(sa.select(Case.id).order_by(Case.id.desc()).limit(count)).all()
            db.session.execute(
                sa.insert(CaseClock),
                [
                    {
                        "case_id": case_id, "step": "handling", "status": "running",
                        "unit_id": unit_ids[case_id % len(unit_ids)], "started_at": started,
                        "started_on": started.date(), "working_days": 10,
                        "paused_working_days": 0, "extension_working_days": 0,
                        "due_at": times.due_at,
                        "remind_half_at": times.reminders[ReminderLevel.HALF],
                        "remind_late_at": times.reminders[ReminderLevel.LATE],
                        "remind_due_at": times.reminders[ReminderLevel.DUE],
                        "escalate_at": times.reminders[ReminderLevel.ESCALATION],
                    }
                    for case_id in ids
                ],
            )  # fmt: skip
            db.session.commit()
        build_seconds = time.perf_counter() - build
        db.session.remove()
        start = time.perf_counter()
        report = run_tick(started + timedelta(days=60))
        seconds = time.perf_counter() - start
        again = time.perf_counter()
        second = run_tick(started + timedelta(days=60))
        second_seconds = time.perf_counter() - again
        # Memory, on a second full run (tracemalloc slows Python down, so not while timing).
        db.session.execute(sa.text("DELETE FROM clock_reminders"))
        db.session.execute(sa.text("DELETE FROM outbox_messages"))
        db.session.commit()
        db.session.remove()
        tracemalloc.start()
        run_tick(started + timedelta(days=60))
        _, tick_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {
            "items": n,
            "database": url.split(":")[0],
            "build_seconds": round(build_seconds, 1),
            "tick_seconds": round(seconds, 2),
            "reminders": dict(report.reminders),
            "emails": report.messages,
            "second_tick_seconds": round(second_seconds, 2),
            "second_tick_reminders": sum(second.reminders.values()),
            "tick_peak_mb": round(tick_peak / 2**20, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--child":
        print(json.dumps(run_one(int(argv[1]), argv[2])))
        return
    sizes = [int(a) for a in argv] or [10_000, 100_000]
    url = database_url()
    print(f"tick benchmark on {url.split('@')[-1]}")
    for n in sizes:
        out = subprocess.run(  # noqa: S603  (our own script, our own arguments)
            [sys.executable, __file__, "--child", str(n), url],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{result['items']:>9,} open items: tick {result['tick_seconds']:>6.2f} s "
            f"({sum(result['reminders'].values()):,} reminders in {result['emails']} e-mails), "
            f"again {result['second_tick_seconds']:.2f} s with "
            f"{result['second_tick_reminders']} new; tick's peak Python memory "
            f"{result['tick_peak_mb']} MB (process {result['peak_rss_mb']} MB incl. set-up); "
            f"set-up {result['build_seconds']} s"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
