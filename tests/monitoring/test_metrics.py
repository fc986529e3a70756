"""/metrics: the names Prometheus scrapes, with values that follow what happened."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from intake import create_app
from intake.cases.models import Case
from intake.extensions import db
from intake.monitoring.metrics import parse_networks
from intake.notifications.models import OutboxMessage, OutboxStatus
from intake.reports.recording import overdue_condition
from intake.worker import run_tick
from tests.cases.factories import submit


def scrape(client, **kwargs) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels) -> float | None:
    return samples.get((name, tuple(sorted((k, str(v)) for k, v in labels.items()))))


def test_request_latency_is_labelled_by_endpoint_and_status_never_by_path(client):
    before = scrape(client)
    count = "intake_http_request_duration_seconds_count"
    base = value(before, count, endpoint="monitoring.healthz", status=200) or 0
    for _ in range(3):
        client.get("/healthz")
    client.get("/no/such/page/0912345678?name=Nguyen")
    client.get("/no/such/page/another")
    samples = scrape(client)
    assert value(samples, count, endpoint="monitoring.healthz", status=200) == base + 3
    assert value(samples, count, endpoint="none", status=404) >= 2
    assert value(samples, "intake_http_request_duration_seconds_sum",
                 endpoint="monitoring.healthz", status=200) > 0  # fmt: skip
    text = client.get("/metrics").get_data(as_text=True)
    assert "0912345678" not in text and "/no/such" not in text
    assert 'le="+Inf"' in text


def test_outbox_backlog_and_the_age_of_its_oldest_message(app, client, at, now):
    assert value(scrape(client), "intake_outbox_pending_messages") == 0
    assert value(scrape(client), "intake_outbox_oldest_pending_age_seconds") == 0
    for minutes, status in [(10, OutboxStatus.PENDING), (3, OutboxStatus.SENDING),
                            (60, OutboxStatus.SENT), (90, OutboxStatus.FAILED)]:  # fmt: skip
        db.session.add(
            OutboxMessage(
                recipient="unit@example.vn",
                subject="s",
                body_text="b",
                template="t",
                status=status,
                created_at=now - timedelta(minutes=minutes),
                sent_at=now if status is OutboxStatus.SENT else None,
            )  # fmt: skip
        )
    db.session.commit()
    samples = scrape(client)
    assert value(samples, "intake_outbox_pending_messages") == 2
    assert value(samples, "intake_outbox_oldest_pending_age_seconds") == 600
    assert value(samples, "intake_outbox_failed_messages") == 1
    assert value(samples, "intake_database_up") == 1


def test_items_overdue_now(app, client, org, at, now):
    submit(now)
    submit(now)
    db.session.commit()
    assert value(scrape(client), "intake_cases_overdue") == 0
    later = at(timedelta(days=30))  # triage had three working days
    expected = db.session.scalar(sa.select(sa.func.count(Case.id)).where(overdue_condition(later)))
    assert expected == 2
    assert value(scrape(client), "intake_cases_overdue") == 2


def test_the_last_tick_and_its_duration_after_a_round(app, client, at, now):
    app.config["WORKER_NAME"] = "worker-1"
    samples = scrape(client)
    assert value(samples, "intake_worker_last_tick_timestamp_seconds", worker="worker-1") is None
    run_tick(now)
    samples = scrape(client)
    stamp = value(samples, "intake_worker_last_tick_timestamp_seconds", worker="worker-1")
    took = value(samples, "intake_worker_last_tick_duration_seconds", worker="worker-1")
    assert stamp == now.timestamp()
    assert 0 <= took < 60


def test_a_database_outage_still_answers_with_database_up_zero(broken_app):
    client = broken_app.test_client()
    client.get("/healthz")
    samples = scrape(client)
    assert value(samples, "intake_database_up") == 0
    assert value(samples, "intake_outbox_pending_messages") is None
    assert value(samples, "intake_http_request_duration_seconds_count",
                 endpoint="monitoring.healthz", status=200) >= 1  # fmt: skip


# --- who may read the metrics --------------------------------------------------------------

REMOTE = {"REMOTE_ADDR": "203.0.113.7"}  # a documentation address: only a WSGI environ value


def test_open_to_loopback_only_by_default(client):
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    refused = client.get("/metrics", environ_base=REMOTE)
    assert refused.status_code == 403
    assert "intake_" not in refused.get_data(as_text=True)


def test_an_allow_list_of_networks(app, client):
    app.extensions["intake.monitoring"]["allow_from"] = parse_networks("10.0.0.0/8, 127.0.0.1")
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.2.3.4"}).status_code == 200
    assert client.get("/metrics", environ_base=REMOTE).status_code == 403


def test_with_a_token_every_address_must_present_it(app, client):
    app.config["METRICS_TOKEN"] = "s3cret-token"
    assert client.get("/metrics").status_code == 401  # loopback too: a proxy looks local
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"}, environ_base=REMOTE)
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer")
    right = {"Authorization": "Bearer s3cret-token"}
    assert scrape(client, headers=right, environ_base=REMOTE)


def test_a_wrong_allow_list_stops_the_app_at_start(app):
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 network"):
        create_app({**app.config, "METRICS_ALLOW_FROM": ["localhost"]})


def test_multiprocess_mode_adds_up_the_workers_files(tmp_path):
    """PROMETHEUS_MULTIPROC_DIR must be set before prometheus_client is imported: a fresh
    interpreter, as each gunicorn worker is."""
    directory = tmp_path / "prom"
    directory.mkdir()
    code = (
        "from intake import create_app\n"
        f"app = create_app({{'TESTING': True, 'SQLALCHEMY_DATABASE_URI': "
        f"'sqlite:///{tmp_path / 'db.sqlite3'}'}})\n"
        "c = app.test_client()\n"
        "c.get('/healthz'); c.get('/healthz')\n"
        "print(c.get('/metrics').get_data(as_text=True))\n"
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    env.pop("INTAKE_SQLALCHEMY_DATABASE_URI", None)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True,
        timeout=120,
    )  # fmt: skip
    assert any(directory.glob("histogram_*.db"))
    assert (
        'intake_http_request_duration_seconds_count{endpoint="monitoring.healthz",status="200"} 2.0'
        in result.stdout
    )
    assert "intake_database_up" in result.stdout
