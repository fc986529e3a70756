"""Prometheus metrics: request latency observed as requests finish, and the state of the outbox,
the worker and the deadlines computed at scrape time by a few aggregate queries.

With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR (an empty directory, before the
processes start): prometheus_client then keeps the histogram in files that every worker adds
up when scraped. The scrape-time gauges are read from the database, so they need no sharing.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from intake import clock
from intake.cases.models import Case
from intake.extensions import db
from intake.monitoring.models import WorkerHeartbeat
from intake.notifications.models import DELIVERED_CHANNELS, OutboxMessage, OutboxStatus
from intake.reports.recording import overdue_condition

log = logging.getLogger("intake.monitoring")

#: Labelled by the endpoint name (``public.track``), never the path, so that the number of
#: series is bounded by the routes, whatever URLs are requested; unmatched paths are "none".
REQUEST_LATENCY = Histogram(
    "intake_http_request_duration_seconds",
    "Time from the start of a request to its response, by endpoint and status code.",
    ["endpoint", "status"],
    registry=None,
)
_PROCESS = ProcessCollector(registry=None)
_PLATFORM = PlatformCollector(registry=None)

#: What the backlog gauge counts: messages not yet delivered nor given up on.
_UNSENT = (OutboxStatus.PENDING, OutboxStatus.SENDING)


def observe_request(endpoint: str | None, status: int, seconds: float) -> None:
    REQUEST_LATENCY.labels(endpoint or "none", str(status)).observe(seconds)


def exposition() -> tuple[bytes, str]:
    """The text format of one scrape, in a registry built for it (cheap): the app factory runs
    many times in one test process, and a global registry would refuse the second app."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_LATENCY)
        registry.register(_PROCESS)
        registry.register(_PLATFORM)
    registry.register(_StateCollector(clock.now()))
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _StateCollector(Collector):
    """The gauges read from the database. A query that fails leaves its gauges out and sets
    intake_database_up to 0; the scrape itself still answers, with the latency histogram."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def describe(self) -> list[Metric]:
        return []  # nothing to check for duplicates: this registry lives for one scrape

    def collect(self) -> Iterable[Metric]:
        families: list[Metric] = []
        up = 1
        try:
            with db.engine.connect() as connection:
                for part in (self._outbox, self._overdue, self._worker):
                    try:
                        families.extend(part(connection))
                    except SQLAlchemyError as exc:
                        connection.rollback()
                        up = 0
                        log.warning("metrics: %s failed (%s)", part.__name__, type(exc).__name__)
        except SQLAlchemyError as exc:
            up = 0
            log.warning("metrics: database unreachable (%s)", type(exc).__name__)
        yield GaugeMetricFamily(
            "intake_database_up", "1 when every scrape-time query succeeded.", value=up
        )
        yield from families

    def _outbox(self, connection) -> list[Metric]:
        pending, oldest = connection.execute(
            sa.select(sa.func.count(OutboxMessage.id), sa.func.min(OutboxMessage.created_at))
            .where(
                OutboxMessage.status.in_(_UNSENT),
                # Letters wait for a person (the print queue), not for the worker.
                OutboxMessage.channel.in_(DELIVERED_CHANNELS),
            )
        ).one()  # fmt: skip
        failed = connection.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.status == OutboxStatus.FAILED
            )
        )
        age = max(0.0, (self.now - oldest).total_seconds()) if oldest else 0.0
        return [
            GaugeMetricFamily(
                "intake_outbox_pending_messages",
                "E-mails waiting in the outbox for delivery (pending or being sent).",
                value=pending,
            ),
            GaugeMetricFamily(
                "intake_outbox_oldest_pending_age_seconds",
                "Age of the oldest e-mail waiting in the outbox; 0 when none waits.",
                value=age,
            ),
            GaugeMetricFamily(
                "intake_outbox_failed_messages",
                "E-mails given up on (permanent failure or attempts exhausted): need a person.",
                value=failed,
            ),
        ]

    def _overdue(self, connection) -> list[Metric]:
        count = connection.scalar(
            sa.select(sa.func.count(Case.id)).where(overdue_condition(self.now))
        )
        return [
            GaugeMetricFamily(
                "intake_cases_overdue",
                "Open items waiting for the administration past a due date, now.",
                value=count,
            )
        ]

    def _worker(self, connection) -> list[Metric]:
        rows = connection.execute(
            sa.select(
                WorkerHeartbeat.worker,
                WorkerHeartbeat.finished_at,
                WorkerHeartbeat.duration_seconds,
            ).order_by(WorkerHeartbeat.worker)
        ).all()
        at = GaugeMetricFamily(
            "intake_worker_last_tick_timestamp_seconds",
            "When the worker last finished its deadline round (Unix time).",
            labels=["worker"],
        )
        took = GaugeMetricFamily(
            "intake_worker_last_tick_duration_seconds",
            "How long the worker's last deadline round took.",
            labels=["worker"],
        )
        for row in rows:
            at.add_metric([row.worker], row.finished_at.timestamp())
            took.add_metric([row.worker], row.duration_seconds)
        return [at, took]


def parse_networks(entries) -> tuple:
    """METRICS_ALLOW_FROM as networks; a wrong entry stops the app at start, not at scrape."""
    if isinstance(entries, str):
        entries = [e for e in entries.replace(",", " ").split() if e]
    return tuple(ipaddress.ip_network(str(entry), strict=False) for entry in entries)


def refusal() -> tuple[str, int, dict] | None:
    """Why this request may not read the metrics, or None. With METRICS_TOKEN set, the token is
    required from every address (behind a proxy every request may look local); without it,
    only the addresses of METRICS_ALLOW_FROM (loopback by default) are let in."""
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), str(token).encode()
        ):
            return None
        return "token required\n", 401, {"WWW-Authenticate": 'Bearer realm="metrics"'}
    networks = current_app.extensions["intake.monitoring"]["allow_from"]
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return "forbidden\n", 403, {}
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    if any(address in network for network in networks):
        return None
    return "forbidden\n", 403, {}
