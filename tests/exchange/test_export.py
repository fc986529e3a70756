"""The export back to the national system: the status changes and published answers of the
items it sent us, after a given time, and nothing else."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa

from intake.cases.models import Case
from intake.core.states import State
from intake.exchange.doors import run_export, run_import
from intake.exchange.models import ExchangeRun
from intake.exchange.transport import IncomingBatch
from intake.extensions import db
from tests.cases.factories import advance, make_staff, submit
from tests.exchange.helpers import item, json_batch


def _export(since):
    outcome = run_export(since, actor="cli")
    assert outcome.ok
    return json.loads(outcome.value)


def _imported(now):
    data = json_batch(item("N-1"), item("N-2"))
    assert run_import(IncomingBatch("lo.json", data), actor="cli").value.ok
    return {c.national_code: c for c in db.session.scalars(sa.select(Case))}


def test_the_export_carries_status_changes_and_the_public_answer_after_since(app, org, clock):
    staff = make_staff()
    start = clock.moment
    cases = _imported(start)
    own = submit(start)  # an item of our own web form: not the national system's business
    db.session.commit()
    later = clock.advance(days=1)
    advance(cases["N-1"], State.ANSWERED, staff, later)
    advance(own, State.ANSWERED, staff, later)
    db.session.commit()
    clock.advance(days=1)

    everything = _export(start - timedelta(seconds=1))
    assert everything["format"] == "pakn-national-export/1"
    assert everything["since"] == "2026-03-10T09:29:59+07:00"
    codes = [(e["national_code"], e["status"]) for e in everything["events"]]
    assert codes == [
        ("N-1", "received"), ("N-2", "received"), ("N-1", "in_progress"), ("N-1", "answered"),
    ]  # fmt: skip
    times = [e["at"] for e in everything["events"]]
    assert times == sorted(times) and all(t.endswith("+07:00") for t in times)

    after = _export(later)  # received is before: only what happened since
    assert [(e["national_code"], e["status"]) for e in after["events"]] == [
        ("N-1", "in_progress"), ("N-1", "answered"),
    ]  # fmt: skip
    answered = after["events"][1]
    assert answered["answer"]["text"] == "Sở đã chỉ đạo giải quyết hồ sơ trong tháng."
    assert answered["unit"]["code"] == "so-tnmt"
    assert answered["reference_code"] == cases["N-1"].reference_code
    text = json.dumps(after, ensure_ascii=False)
    assert "Nguyễn Văn An" not in text and "0912345678" not in text and "example.com" not in text

    nothing = _export(clock.moment)
    assert nothing["events"] == []
    again = _export(start - timedelta(seconds=1))
    assert again["events"] == everything["events"]  # the same question, the same answer
    runs = db.session.scalars(sa.select(ExchangeRun).where(ExchangeRun.kind == "export")).all()
    assert [r.items for r in runs] == [4, 2, 0, 4]
    assert runs[1].since == later and runs[1].until == clock.moment


def test_back_to_back_exports_carry_each_event_once(app, org, clock):
    staff = make_staff()
    cases = _imported(clock.moment)
    first = _export(clock.moment - timedelta(hours=1))
    advance(cases["N-2"], State.REJECTED, staff, clock.advance(hours=2))
    db.session.commit()
    clock.advance(hours=1)
    second = _export(
        db.session.scalar(sa.select(ExchangeRun.until).order_by(ExchangeRun.id.desc()).limit(1))
    )
    assert [e["status"] for e in first["events"]] == ["received", "received"]
    assert [(e["national_code"], e["status"]) for e in second["events"]] == [("N-2", "rejected")]
