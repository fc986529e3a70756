# ruff: noqa: E501
"""How search scales: the intake queue's and /published's search (and the similar answers of
/submit) at 100,000 and 1,000,000 items, on PostgreSQL and on SQLite.

usage: python bench/bench_search.py [--db postgresql|sqlite|both] [N ...]
       (default: both databases; 100000 1000000)
       python bench/bench_search.py --existing DATABASE_URL
       (only the timings, on a database already filled, e.g. by an earlier run)

Items are inserted directly (`light_items`: the rows of `cases` only, no event history, which
search never reads): a demo title and body, a place, and 6-14 words drawn with a Zipf law from
the ~900 folded syllables of Vietnamese plus a number, so that some words are in every item,
some in a few percent and some in a handful; half are answered and published. Each query of the
mix below runs REPEAT times after two warm-ups through `intake.cases.queries` - the very
select the pages paginate - as the page does: the first 20 rows in order, then the total.
Reported: p50 and p95 in milliseconds of "page" (20 rows) and "page+count". "ho so" is in
every item: the hard case for ranking. Timings on a shared machine are noisy.
PostgreSQL: INTAKE_BENCH_SEARCH_PG_URL, else database `intake_bench_search` on 127.0.0.1
(dropped and created). SQLite: a file under /tmp.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

REPEAT = int(os.environ.get("INTAKE_BENCH_SEARCH_REPEAT", "20"))
PG_URL = os.environ.get(
    "INTAKE_BENCH_SEARCH_PG_URL",
    "postgresql+psycopg://postgres@127.0.0.1:5432/intake_bench_search",
)
SQLITE_PATH = Path(tempfile.gettempdir()) / "intake_bench_search.sqlite3"

QUERIES = {
    "common word": "ho so",
    "title phrase": "cap giay phep xay dung",
    "prefix": "chung thuc ban sa",
    "16 words": "phan anh yeu cau them giay to ngoai quy dinh khi lam thu tuc cap giay phep lai xe",
    "accented": "Đăng ký hộ kinh doanh",
    "no match": "khong co tu nay trong kho",
    "name": "nguyen van",
}


def fresh_database(engine_name: str) -> str | None:
    if engine_name == "sqlite":
        SQLITE_PATH.unlink(missing_ok=True)
        return f"sqlite:///{SQLITE_PATH}"
    url = sa.engine.make_url(PG_URL)
    try:
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
        admin.dispose()
    except sa.exc.OperationalError as error:
        print(f"PostgreSQL unavailable, skipped: {error.orig}")
        return None
    return url.render_as_string(hide_password=False)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def timed(run) -> tuple[float, float]:
    timings = []
    for attempt in range(REPEAT + 2):
        started = time.perf_counter()
        run()
        if attempt >= 2:
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), percentile(timings, 95)


def measure(label: str) -> None:
    from intake.accounts.models import User
    from intake.cases import queries, search
    from intake.cases.models import Case
    from intake.extensions import db

    items = db.session.scalar(sa.select(sa.func.count(Case.id)))
    officer = db.session.scalar(sa.select(User).where(User.email.like("tiepnhan@%")))

    # Each run builds the select anew, as each request does: on PostgreSQL, building it finds
    # the newest matches (``search._postgresql_newest``), a part of the cost.
    def page(build):
        def run():
            db.session.scalars(build().limit(20)).all()

        return run

    def page_and_count(build):
        def run():
            select = build()
            db.session.scalars(select.limit(20)).all()
            db.session.scalar(
                sa.select(sa.func.count()).select_from(select.order_by(None).subquery())
            )

        return run

    for scope in ("queue", "/published"):
        for name, q in QUERIES.items():
            if scope == "queue":

                def build(q=q):
                    return queries.queue(officer, "all", queries.QueueFilters(q=q))
            else:

                def build(q=q):
                    return queries.published_cases(q=q)

            p50, p95 = timed(page(build))
            c50, c95 = timed(page_and_count(build))
            print(f"{label:<10} {items:>9,} items  {scope:<10} {name:<13} page p50 {p50:7.1f} "
                  f"p95 {p95:7.1f}  page+count p50 {c50:7.1f} p95 {c95:7.1f} ms", flush=True)  # fmt: skip
    text = ("Tôi đã nộp hồ sơ đăng ký khai sinh cho con tại bộ phận một cửa nhưng quá hẹn "
            "chưa có kết quả")  # fmt: skip

    def similar():
        select = sa.select(Case).where(Case.published_at.is_not(None))
        return search.ranked(select, search.similar_words("Chậm khai sinh", text),
                             search.PUBLIC, order_by=[Case.id.desc()], any_words=True)  # fmt: skip

    p50, p95 = timed(page(similar))
    print(f"{label:<10} {items:>9,} items  similar answers (any words)  p50 {p50:7.1f} "
          f"p95 {p95:7.1f} ms", flush=True)  # fmt: skip


ONSETS = [
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "gh",
    "h",
    "k",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "nh",
    "p",
    "ph",
    "qu",
    "r",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
]
RHYMES = [
    "a",
    "ai",
    "am",
    "an",
    "ang",
    "anh",
    "ao",
    "at",
    "ac",
    "ach",
    "au",
    "ay",
    "e",
    "em",
    "en",
    "eo",
    "et",
    "ê",
    "êm",
    "ên",
    "ênh",
    "êt",
    "i",
    "im",
    "in",
    "inh",
    "it",
    "iêu",
    "o",
    "oi",
    "om",
    "on",
    "ong",
    "ot",
    "oc",
    "ô",
    "ôi",
    "ông",
    "ôt",
    "ơ",
    "ơi",
    "ơn",
    "u",
    "ui",
    "um",
    "un",
    "ung",
    "ut",
    "uc",
    "uy",
    "ưa",
    "ưng",
    "ươc",
    "ương",
]
TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]


def light_items(n: int, *, now: datetime, seed: int = 11) -> None:
    import random
    import unicodedata
    from datetime import timedelta

    from intake.cases.models import Case
    from intake.core.reference import ALPHABET, CODE_PREFIX
    from intake.core.text import fold
    from intake.demo.bulk import FAMILY, GIVEN, PLACES, PROCEDURE_WORDS, TOPICS
    from intake.extensions import db

    start = (db.session.scalar(sa.select(sa.func.max(Case.id))) or 0) + 1
    # A database grown in steps (100,000 then 1,000,000) gets new texts at each step, and
    # codes that cannot repeat: the id, spelt in the code's alphabet.
    rng = random.Random(seed * 1_000_003 + start)
    vocabulary = [unicodedata.normalize("NFC", o + r[0] + t + r[1:]) for o in ONSETS
                  for r in RHYMES for t in TONES[:2]]  # fmt: skip
    random.Random(seed).shuffle(vocabulary)  # the same ranks of the words at every step
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    rows = []
    for i in range(n):
        procedure = rng.choice(PROCEDURE_WORDS)
        extra = " ".join(rng.choices(vocabulary, weights, k=rng.randrange(6, 15)))
        title = f"{rng.choice(TOPICS).format(p=procedure)} {rng.choice(vocabulary)}"
        content = (f"Tôi đã nộp hồ sơ {procedure} tại {rng.choice(PLACES)}, {extra}, "
                   f"số {rng.randrange(1, 10**6)}.")  # fmt: skip
        body = _spelt(start + i, ALPHABET)
        code = f"{CODE_PREFIX}-2026-{body[:4]}-{body[4:]}"
        at = now - timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))
        answered = rng.random() < 0.55
        closed = answered and rng.random() < 0.3
        name = f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
        row = dict(id=start + i, reference_code=code, access_key_hash="x", channel="web",
                   kind="phan_anh", state="closed" if closed else "answered" if answered
                   else rng.choice(["received", "assigned", "in_progress"]),
                   priority="normal", language="vi", submitter_type="individual", full_name=name,
                   address="x", phone="09" + str(rng.randrange(10**7, 10**8)), title=title,
                   content=content, consent_to_publish=True, declared_truthful=True,
                   search_title=fold(f"{code} {title}"), search_text=fold(f"{code} {title} {content} {name}"),
                   bounce_count=0, reconsideration_count=0, received_at=at, created_at=at,
                   updated_at=at, version=1, closed_at=at if closed else None,
                   answered_at=at if answered else None, published_at=at if answered else None,
                   published_title=title if answered else None,
                   published_content=content if answered else None,
                   published_answer="Cơ quan đã kiểm tra, chỉ đạo giải quyết." if answered else None)  # fmt: skip
        if answered:
            row["published_search_title"] = fold(f"{code} {title}")
            row["published_search_text"] = fold(
                f"{code} {title} {content} {row['published_answer']}"
            )
        else:
            row["published_search_title"] = row["published_search_text"] = None
        rows.append(row)
        if len(rows) == 5000 or i == n - 1:
            db.session.execute(sa.insert(Case.__table__), rows)
            db.session.commit()
            rows = []
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text(
            "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"))  # fmt: skip
        db.session.commit()


def _spelt(number: int, alphabet: str, width: int = 8) -> str:
    letters = []
    for _ in range(width):
        number, digit = divmod(number, len(alphabet))
        letters.append(alphabet[digit])
    return "".join(reversed(letters))


def run_engine(engine_name: str, sizes: list[int]) -> None:
    url = fresh_database(engine_name)
    if url is None:
        return
    from flask_migrate import upgrade

    from intake import create_app
    from intake.demo import build_demo
    from intake.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        build_demo(now=datetime.now(UTC))
        db.session.commit()
        have = 0
        for size in sizes:
            started = time.perf_counter()
            light_items(size - have, now=datetime.now(UTC), seed=size)
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(sa.text("VACUUM ANALYZE" if engine_name != "sqlite" else "ANALYZE"))
            print(f"{engine_name:<10} {size:>9,} items  generated in "
                  f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
            have = size
            measure(engine_name)
        db.engine.dispose()


def main(argv: list[str]) -> None:
    if "--existing" in argv:
        from intake import create_app

        url = argv[argv.index("--existing") + 1]
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
        with app.app_context():
            measure(url.split("://")[0].split("+")[0])
        return
    engines = ["postgresql", "sqlite"]
    if "--db" in argv:
        at = argv.index("--db")
        choice = argv[at + 1]
        del argv[at : at + 2]
        engines = engines if choice == "both" else [choice]
    sizes = sorted(int(a) for a in argv) or [100_000, 1_000_000]
    print(f"each query {REPEAT} times after 2 warm-ups; times in milliseconds")
    for engine_name in engines:
        run_engine(engine_name, sizes)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main(sys.argv[1:])
