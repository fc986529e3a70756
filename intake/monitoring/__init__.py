"""Running in production: liveness and readiness probes, Prometheus metrics, and a request id
with one log line per request. ``create_app`` calls :func:`register`; nothing else imports
this package except the worker, which writes the heartbeat readiness looks for."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

#: Settings of this package, each also ``INTAKE_<KEY>`` in the environment (see README).
DEFAULTS = {
    # /metrics: with a token, "Authorization: Bearer <token>" is required from every address;
    # without, only these addresses may read it.
    "METRICS_TOKEN": None,
    "METRICS_ALLOW_FROM": ["127.0.0.0/8", "::1/128"],
    # /readyz: the database must be at the migrations' head (a schema made by create_all has
    # no alembic_version and is "not stamped"), and a worker must have finished a round lately.
    "READY_REQUIRE_MIGRATIONS": True,
    "READY_REQUIRE_WORKER": True,
    "READY_WORKER_MAX_AGE_SECONDS": 300,  # five missed ticks at the default minute
    # The heartbeat's key; default the host name (one row per host, however often it restarts).
    "WORKER_NAME": None,
    # One info line per request on the "intake.requests" logger.
    "REQUEST_LOG": True,
}


def register(app: Flask) -> None:
    from intake.monitoring import models as _heartbeats  # noqa: F401  (its table, for metadata)
    from intake.monitoring import requests
    from intake.monitoring.metrics import parse_networks
    from intake.monitoring.views import bp

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, list(value) if isinstance(value, list) else value)
    app.extensions["intake.monitoring"] = {
        "allow_from": parse_networks(app.config["METRICS_ALLOW_FROM"]),
        "heads": None,  # the migrations' head, read at the first readiness check
    }
    requests.install(app)
    app.register_blueprint(bp)
