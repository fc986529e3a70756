"""Liveness and readiness: what a load balancer and an orchestrator ask of the service."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from intake.extensions import db
from intake.monitoring.models import WorkerHeartbeat, record_heartbeat
from intake.worker import run_tick
from tests.monitoring.conftest import drop_alembic_version, stamp


def _ready(client):
    response = client.get("/readyz")
    assert response.mimetype == "application/json"
    return response.status_code, response.get_json()


def test_liveness_answers_without_touching_the_database(broken_app):
    response = broken_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers


def test_ready_when_the_database_is_migrated_and_the_worker_has_just_ticked(
    app, client, migrated, at, now
):
    run_tick(now)
    at(timedelta(seconds=30))
    status, body = _ready(client)
    assert status == 200, body
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations", "worker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["migrations"]["current"] == body["checks"]["migrations"]["head"]
    assert body["checks"]["worker"]["last_seen_seconds_ago"] == 30


def test_not_ready_while_no_worker_was_ever_seen(app, client, migrated):
    status, body = _ready(client)
    assert status == 503
    assert body["status"] == "not ready"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"]["ok"] is True
    assert body["checks"]["worker"] == {"ok": False, "error": "never seen", "max_age_seconds": 300}


def test_not_ready_when_the_last_round_is_older_than_the_allowed_age(
    app, client, migrated, at, now
):
    record_heartbeat("old-host", started_at=now, finished_at=now, duration_seconds=1.5)
    db.session.commit()
    at(timedelta(seconds=299))
    assert _ready(client)[0] == 200
    at(timedelta(seconds=301))
    status, body = _ready(client)
    assert status == 503
    assert body["checks"]["worker"]["error"] == "not seen recently"
    assert body["checks"]["worker"]["last_seen_seconds_ago"] == 301


def test_the_freshest_of_several_workers_counts(app, client, migrated, at, now):
    record_heartbeat("a", started_at=now, finished_at=now, duration_seconds=1.0)
    record_heartbeat(
        "b", started_at=now, finished_at=now + timedelta(minutes=9), duration_seconds=1
    )
    db.session.commit()
    at(timedelta(minutes=10))
    assert _ready(client)[0] == 200


def test_a_schema_made_by_create_all_is_reported_as_not_stamped(app, client, at, now):
    run_tick(now)
    status, body = _ready(client)
    assert status == 503
    migrations = body["checks"]["migrations"]
    assert migrations["ok"] is False
    assert migrations["current"] == []
    assert migrations["error"] == "not stamped: no alembic_version"
    assert body["checks"]["worker"]["ok"] is True


def test_a_database_behind_the_code_is_not_ready(app, client, at, now):
    run_tick(now)
    stamp("0004")
    try:
        status, body = _ready(client)
    finally:
        drop_alembic_version()
    assert status == 503
    assert body["checks"]["migrations"]["current"] == ["0004"]
    assert body["checks"]["migrations"]["error"] == "database not at head"


def test_checks_can_be_made_informative_only(app, client):
    app.config.update(READY_REQUIRE_MIGRATIONS=False, READY_REQUIRE_WORKER=False)
    status, body = _ready(client)
    assert status == 200, body
    assert body["checks"]["migrations"]["required"] is False
    assert body["checks"]["migrations"]["error"].startswith("not stamped")
    assert body["checks"]["worker"]["required"] is False


def test_not_ready_when_the_database_cannot_be_reached(broken_app):
    response = broken_app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["database"] == {"ok": False, "error": "unreachable"}
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["migrations"]["ok"] is False
    # Never the driver's message: it may name the host, the user or the path.
    assert "nonexistent" not in response.get_data(as_text=True)
    assert "127.0.0.1" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
def test_probes_set_no_cookie_and_are_not_cached(client, path):
    response = client.get(path, headers={"Cookie": "session=garbage"})
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_probes_are_never_rate_limited(another_app):
    from intake.extensions import limiter

    limited = another_app(RATELIMIT_DEFAULT="2 per minute")
    try:
        client = limited.test_client()
        assert [client.get("/healthz").status_code for _ in range(5)] == [200] * 5
        assert [client.get("/metrics").status_code for _ in range(5)] == [200] * 5
        assert [client.get("/published").status_code for _ in range(3)] == [200, 200, 429]
    finally:
        # The limiter is one object for every app of the process, and keeps the first default
        # limits it was given: later tests' apps must not inherit these.
        limiter.limit_manager.set_default_limits([])


def test_the_heartbeat_is_one_row_per_worker(app, now, at):
    app.config["WORKER_NAME"] = "worker-1"
    run_tick(now)
    at(timedelta(minutes=1))
    run_tick(now + timedelta(minutes=1))
    rows = db.session.scalars(sa.select(WorkerHeartbeat)).all()
    assert [row.worker for row in rows] == ["worker-1"]
    assert rows[0].finished_at == now + timedelta(minutes=1)
    assert 0 <= rows[0].duration_seconds < 60
