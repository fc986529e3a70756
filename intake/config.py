"""Settings: defaults in code, overridden by ``INTAKE_*`` environment variables.

Every Flask config key can be set as ``INTAKE_<KEY>`` (Flask's ``from_prefixed_env``), values
parsed as JSON where they parse, so ``INTAKE_MAIL_PORT=2525`` arrives as an int.
"""

from __future__ import annotations

import os
from pathlib import Path

# The development key is public (it is in this file), so production refuses to run with it.
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Defaults:
    """Values that let `make run` work on a fresh machine with nothing else installed."""

    ENV_NAME = "development"  # "production" turns on the start-up checks below
    SECRET_KEY = DEV_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = None  # filled in from the instance path (SQLite) at load time
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Sessions and cookies: the receipt and tracking pages keep a case id in the session.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # production sets True (served over HTTPS)
    PREFERRED_URL_SCHEME = "http"
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"  # used in e-mails, written outside any request

    # Who runs the service, as shown in the header and e-mails (data, not code: set per province).
    # The sample province after the 2025 reform: Sóc Trăng merged into Cần Thơ city (01/07/2025).
    SITE_AUTHORITY = "Ủy ban nhân dân thành phố Cần Thơ"
    SITE_AUTHORITY_EN = "Can Tho City People's Committee"
    SITE_HOTLINE = "0292 3 820 000"
    # The office that signs the periodic reports, and the place name of their date line.
    REPORT_ISSUER = "Văn phòng Ủy ban nhân dân thành phố"
    REPORT_ISSUER_EN = "Office of the City People's Committee"
    REPORT_PLACE = "Cần Thơ"
    # The issuer's code in a report's number, "Số: Q1-2026/BC-VPUBND" (intake/reports/printed.py).
    REPORT_ISSUER_CODE = "VPUBND"
    SITE_CONTACT_ADDRESS = "Số 2 Hòa Bình, phường Ninh Kiều, thành phố Cần Thơ"
    # Official letters (intake/letters): the place of their date line (default REPORT_PLACE),
    # unit code → abbreviation in "Số: 05/TB-VPUBND", role → the signer's printed position.
    LETTER_PLACE = None
    LETTER_UNIT_SYMBOLS: dict[str, str] = {}
    LETTER_SIGNER_TITLES: dict[str, str] = {}
    DEMO_BANNER = False  # `make run` turns it on: the data are samples, not real items

    # Languages: Vietnamese first; English on request.
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ["vi", "en"]

    # Uploads: 5 files of 10 MB; the request limit leaves room for the form fields.
    MAX_ATTACHMENTS = 5
    MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
    MAX_CONTENT_LENGTH = 5 * 10 * 1024 * 1024 + 1024 * 1024
    UPLOAD_DIR = None  # default: <instance>/uploads, outside the web root
    # Retention (DOMAIN §6): personal data of items that ended this many years ago is
    # anonymised by the worker and their attachments deleted.
    RETENTION_YEARS = 5

    # Mail: written to the outbox, delivered by `flask intake send-mail` / `worker`.
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 8025
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "Tiếp nhận PAKN <pakn@soctrang.example.vn>"
    MAIL_TIMEOUT_SECONDS = 10
    # Flask-Mail silently drops mail when TESTING is on; tests here use a real loopback server,
    # and a message marked sent must have been sent.
    MAIL_SUPPRESS_SEND = False
    # SMS: every citizen notice also goes to a mobile number, through a brand-name SMS gateway
    # spoken to over HTTP (JSON POST). The default is the local sink of `make run`
    # (scripts/sms_sink.py), which writes each message under instance/sms/.
    SMS_ENABLED = True  # False: mobile numbers are not a channel (no SMS, letters instead)
    SMS_HTTP_URL = "http://127.0.0.1:8026/sms"
    SMS_HTTP_USERNAME = None  # HTTP basic authentication, when the gateway uses it
    SMS_HTTP_PASSWORD = None
    SMS_HTTP_HEADERS = {}  # extra headers, e.g. {"Authorization": "Bearer …"} or an API key
    SMS_BRANDNAME = "UBND SOCTRANG"  # the registered sender name
    # The JSON body: "$brandname", "$phone", "$message", "$request_id", "$username" and
    # "$password" anywhere in its strings are replaced (eSMS, SpeedSMS, VNPT … shapes differ).
    SMS_HTTP_PAYLOAD_TEMPLATE = {
        "brandname": "$brandname",
        "phone": "$phone",
        "message": "$message",
        "request_id": "$request_id",
    }
    # Many gateways answer 200 with their own result code: the key holding it, and the
    # values that mean "accepted" (unset: any 2xx is accepted).
    SMS_HTTP_SUCCESS_KEY = None
    SMS_HTTP_SUCCESS_VALUES = []
    SMS_TIMEOUT_SECONDS = 10
    SMS_UNACCENTED = False  # True: texts without diacritics (GSM-7: 160 characters a part, not 70)
    OUTBOX_MAX_ATTEMPTS = 8
    OUTBOX_RETRY_BASE_SECONDS = 60  # doubles after each temporary failure
    OUTBOX_CLAIM_TIMEOUT_SECONDS = 600  # a claimed message whose worker died is retried after this
    WORKER_INTERVAL_SECONDS = 5
    TICK_INTERVAL_SECONDS = 60

    # Rate limits (Flask-Limiter). Production points RATELIMIT_STORAGE_URI at Redis so that
    # all gunicorn workers share the counters.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Public pages that are the same for everyone (intake.web.page_cache): redis://… shares
    # them between processes and nodes, memory:// keeps them per process, null:// turns it off.
    CACHE_STORAGE_URI = "memory://"
    # Failed tracking attempts: per item and client address (one client guessing one key) and
    # per address; never per item alone, which would let anyone lock an owner out. The
    # per-address limit is generous because mobile networks put many citizens behind one address.
    TRACK_CODE_FAILURE_LIMIT = "5 per 15 minutes;20 per day"
    TRACK_FAILURE_LIMIT = "30 per minute;200 per hour"
    LOGIN_FAILURE_LIMIT = "5 per minute;30 per hour"
    # Searches of /published with words, per client address: a search is never kept (what
    # people type is theirs), so each is the database's work; far above what a reader types,
    # generous for many citizens behind one mobile network's address.
    PUBLIC_SEARCH_LIMIT = "120 per minute;2000 per hour"
    # Submissions per client address and per e-mail or phone (only items actually logged
    # count), and the least time between opening the form and sending it.
    SUBMIT_ADDRESS_LIMIT = "5 per 10 minutes;30 per day"
    SUBMIT_CONTACT_LIMIT = "3 per 10 minutes;10 per day"
    SUBMIT_MIN_FILL_SECONDS = 3
    # The intake office is warned when this many items came from one address, e-mail or
    # phone within this many minutes of each other.
    BURST_THRESHOLD = 3
    BURST_WINDOW_MINUTES = 60
    # Asking for a new access key: per address, and per item (so that its owner is not
    # flooded with new keys). Every request counts, since the answer never says if it matched.
    KEY_RECOVERY_LIMIT = "5 per hour;20 per day"
    KEY_RECOVERY_CODE_LIMIT = "3 per hour;10 per day"
    # Failed sign-ins per account, from any address (counted for unknown e-mails too, so that
    # the answer never tells which accounts exist). The holder is told by e-mail once a streak
    # of wrong passwords reaches LOGIN_NOTICE_AFTER_FAILURES.
    LOGIN_ACCOUNT_FAILURE_LIMIT = "10 per 15 minutes;50 per day"
    LOGIN_NOTICE_AFTER_FAILURES = 5
    # Wrong second-factor codes per account.
    TWO_FACTOR_FAILURE_LIMIT = "5 per 5 minutes;20 per day"

    # Officers' sessions (rows in user_sessions): ended after this long without a request, and
    # in any case this long after signing in.
    SESSION_IDLE_MINUTES = 30
    SESSION_ABSOLUTE_HOURS = 12
    # Two-factor sign-in (TOTP). Required for these roles when REQUIRE_2FA is on; other officers
    # may turn it on for themselves. Off only for development and the demo of `make run`:
    # production refuses to start without it.
    REQUIRE_2FA = True
    # How officers' passwords are hashed (werkzeug's method string): scrypt, werkzeug's own
    # default, costs about 0.1 s per hash on purpose. The test suite makes hundreds of accounts
    # and sets a cheap method, as Django's PASSWORD_HASHERS advice does; production refuses any
    # method but scrypt. A stored hash names its method, so changing it never locks anyone out.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 — a method name, not a password
    TWO_FACTOR_ROLES = ["admin", "supervisor"]
    TWO_FACTOR_ISSUER = "PAKN"
    # Security headers (intake/web/headers.py). HSTS is sent in production over HTTPS.
    HSTS_MAX_AGE_SECONDS = 31536000

    # Citizens may ask once for reconsideration within this many working days of the answer.
    RECONSIDERATION_WINDOW_WORKING_DAYS = 10
    MAX_RECONSIDERATIONS = 1
    # Items waiting for the citizen's information longer than this are flagged.
    NEEDS_INFO_WINDOW_WORKING_DAYS = 10
    # Items kept for further study: the lead unit is reminded to review them this often.
    DEFERRED_REVIEW_WORKING_DAYS = 30
    # The daily digest to each unit goes out with the first tick after this local hour.
    DIGEST_HOUR = 7
    # Items returned by units more often than this are flagged for the intake office.
    BOUNCE_FLAG_THRESHOLD = 2
    # Units with fewer answers in a period are shown but not ranked (DOMAIN.md §7).
    REPORT_MIN_SAMPLE = 5

    # Working-day defaults (DOMAIN.md §4); the deadline policy table will refine them.
    TRIAGE_WORKING_DAYS = 3

    # Deployments behind a reverse proxy set the number of trusted X-Forwarded-For hops.
    PROXY_FIX_X_FOR = 0


def load_config(app, overrides: dict | None) -> None:
    """Apply defaults, then environment, then the caller's mapping (tests), then derived values."""
    app.config.from_object(Defaults)
    app.config.from_prefixed_env(prefix="INTAKE")
    if overrides:
        app.config.update(overrides)
    instance = Path(app.instance_path)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'intake.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = psycopg_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config["UPLOAD_DIR"]:
        app.config["UPLOAD_DIR"] = str(instance / "uploads")
    _check_production(app.config)


def psycopg_url(url: str) -> str:
    """``postgresql://…`` as people write it, with the driver this project installs (psycopg 3)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _slow_password_hash(method: str) -> bool:
    """``scrypt`` (werkzeug's defaults) or ``scrypt:n:r:p`` costing at least as much."""
    if method == "scrypt":
        return True
    name, *cost = method.split(":")
    if name != "scrypt" or len(cost) != 3 or not all(c.isascii() and c.isdigit() for c in cost):
        return False
    n, r, p = map(int, cost)
    return n >= 2**15 and r >= 8 and p >= 1


def _check_production(config) -> None:
    """Refuse to serve citizens' data with settings that are only safe on a developer's laptop."""
    if config["ENV_NAME"] != "production":
        return
    problems = []
    if not config.get("SECRET_KEY") or config["SECRET_KEY"] == DEV_SECRET_KEY:
        problems.append("INTAKE_SECRET_KEY must be set to a private random value")
    if len(str(config.get("SECRET_KEY") or "")) < 32:
        problems.append("INTAKE_SECRET_KEY must be at least 32 characters long")
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        problems.append("production runs on PostgreSQL: set INTAKE_SQLALCHEMY_DATABASE_URI")
    if not config.get("REQUIRE_2FA"):
        problems.append("INTAKE_REQUIRE_2FA must stay on: officers sign in with a second factor")
    if not _slow_password_hash(str(config.get("PASSWORD_HASH_METHOD", ""))):
        problems.append(
            "INTAKE_PASSWORD_HASH_METHOD must be scrypt, at least werkzeug's own cost"
            " (scrypt:32768:8:1): passwords need a slow hash"
        )
    if problems:
        raise RuntimeError("Refusing to start in production: " + "; ".join(problems))


def instance_path_from_env() -> str | None:
    """Lets tests and deployments move the instance folder (database, uploads) elsewhere."""
    return os.environ.get("INTAKE_INSTANCE_PATH")
