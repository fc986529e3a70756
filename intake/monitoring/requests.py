"""Per request: a request id, the latency histogram, and one key=value log line.

The log line names the endpoint, never the path or the query string: paths carry tracking
codes and query strings search terms, both the citizens' data.
"""

from __future__ import annotations

import logging
import re
import secrets
import time

from flask import Flask, Response, current_app, g, request
from flask.logging import has_level_handler

from intake.monitoring.metrics import observe_request

log = logging.getLogger("intake.requests")

HEADER = "X-Request-ID"
_ENVIRON_KEY = "HTTP_X_REQUEST_ID"
#: What a proxy's or a client's id may look like to be reused; anything else is replaced.
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def install(app: Flask) -> None:
    """First among the before-request hooks and last among the after-request ones, so that the
    time covers the others (CSRF, rate limits, login) and the status logged is the one sent."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request_funcs.setdefault(None, []).insert(0, _finish)
    if app.config["REQUEST_LOG"]:
        _make_heard()


def _make_heard() -> None:
    """Info lines reach stderr (gunicorn's error log, the journal) unless logging was set up
    already by the deployment, which then decides."""
    # Alembic's env.py (logging.config.fileConfig) disables every logger that exists when a
    # migration runs in this process; an app built afterwards logs its requests again.
    log.disabled = False
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    if not has_level_handler(log):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        log.addHandler(handler)


def request_id(incoming: str | None) -> str:
    if incoming and _SANE_ID.fullmatch(incoming):
        return incoming
    # 32 hex digits, as uuid4().hex gave, without building a UUID object (a quarter of the cost).
    return secrets.token_hex(16)


def _start() -> None:
    g.request_started = time.perf_counter()
    # From the environ, not request.headers: Werkzeug's headers answer a missing name by raising
    # and catching an exception, and almost every request comes without the header.
    g.request_id = request_id(request.environ.get(_ENVIRON_KEY))


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    seconds = time.perf_counter() - started if started is not None else 0.0
    rid = g.get("request_id") or request_id(None)
    response.headers[HEADER] = rid
    endpoint = request.endpoint
    observe_request(endpoint, response.status_code, seconds)
    if not current_app.config["REQUEST_LOG"]:
        return response
    log.info(
        "method=%s endpoint=%s status=%d duration_ms=%.1f request_id=%s",
        request.method[:16],  # a token, but of any length
        endpoint or "-",
        response.status_code,
        seconds * 1000,
        rid,
        extra={"request_id": rid},
    )
    return response
