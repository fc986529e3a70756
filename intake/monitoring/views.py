"""/healthz, /readyz and /metrics: for the load balancer, the orchestrator and Prometheus.

No session is read or written here (so no cookie is set), nothing is translated, and the
blueprint is exempt from rate limits: a probe every few seconds must never be refused.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from intake import clock
from intake.extensions import limiter
from intake.monitoring import checks, metrics

bp = Blueprint("monitoring", __name__)
limiter.exempt(bp)

_NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers. No database, so a database outage does not get every
    web worker restarted."""
    return jsonify(status="ok"), 200, _NO_STORE


@bp.get("/readyz")
def readyz():
    results = checks.readiness(clock.now())
    ready = all(check.ok for check in results)
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {check.name: check.as_json() for check in results},
    }
    return jsonify(body), 200 if ready else 503, _NO_STORE


@bp.get("/metrics", endpoint="metrics")
def metrics_view():
    refused = metrics.refusal()
    if refused is not None:
        text, status, headers = refused
        return Response(text, status, {**headers, **_NO_STORE}, mimetype="text/plain")
    payload, content_type = metrics.exposition()
    return Response(payload, 200, _NO_STORE, content_type=content_type)
