"""Importing the national system's batches: ordinary cases, once per national code, all or
nothing, with every problem named by file and line."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from intake.audit.models import AuditEntry
from intake.cases.models import Case, Channel
from intake.exchange.doors import run_import
from intake.exchange.models import ExchangeRun, RunOutcome
from intake.exchange.transport import IncomingBatch
from intake.extensions import db
from intake.notifications.models import OutboxMessage
from tests.exchange.helpers import item, item_lines, json_batch, xlsx_batch


def _import(name: str, data: bytes, actor="cli"):
    outcome = run_import(IncomingBatch(name, data), actor=actor)
    assert outcome.ok, outcome.refusal
    return outcome.value


def _cases() -> list[Case]:
    return list(db.session.scalars(sa.select(Case).order_by(Case.id)))


def test_a_json_batch_becomes_ordinary_cases_with_their_receipt(app, org, clock):
    petition = item(
        "H01.99-261102-0002", kind="kien_nghi", proposed_solution="Đề nghị rút ngắn thời hạn.",
        submitter={"type": "organisation", "organisation_name": "Công ty TNHH Hòa Bình",
                   "tax_code": "2200123456", "phone": None,
                   "postal_address": "Số 5 đường Trần Hưng Đạo, TP Sóc Trăng"},
    )  # fmt: skip
    result = _import("lo-1.json", json_batch(item(), petition))
    assert result.ok and len(result.imported) == 2 and not result.skipped
    cases = _cases()
    assert [c.national_code for c in cases] == ["H01.99-261102-0001", "H01.99-261102-0002"]
    assert {c.channel for c in cases} == {Channel.NATIONAL_PORTAL}
    first = cases[0]
    assert first.received_at.isoformat() == "2026-03-02T01:15:00+00:00"
    assert first.field.code == "dat-dai" and first.procedure.national_code == "1.001193"
    assert first.phone == "0912345678" and first.state == "received"
    assert cases[1].organisation_name == "Công ty TNHH Hòa Bình" and cases[1].phone is None
    receipts = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.template == "receipt")
    ).all()
    assert {m.case_id for m in receipts} == {c.id for c in cases}
    run = db.session.scalar(sa.select(ExchangeRun))
    assert (run.kind, run.outcome, run.items, run.imported, run.skipped) == (
        "import", RunOutcome.DONE, 2, 2, 0,
    )  # fmt: skip
    assert run.actor_label == "cli" and run.file_name == "lo-1.json"


def test_an_xlsx_batch_imports_like_json(app, org, clock):
    data = xlsx_batch(item("X-1"), item("X-2", submitter={"phone": "0299 3822 456"}))
    result = _import("thu-cong.xlsx", data)
    assert result.ok and [code for code, _ in result.imported] == ["X-1", "X-2"]
    assert {c.channel for c in _cases()} == {Channel.NATIONAL_PORTAL}


def test_the_same_batch_twice_imports_nothing_new(app, org, clock):
    data = json_batch(item("A-1"), item("A-2"))
    first = _import("lo.json", data)
    again = _import("lo.json", json_batch(item("A-1"), item("A-2"), item("A-3")))
    assert len(first.imported) == 2
    assert [code for code, _ in again.skipped] == ["A-1", "A-2"]
    assert [code for code, _ in again.imported] == ["A-3"]
    assert again.skipped[0][1] == first.imported[0][1]  # named by the case it already is
    third = _import("lo.json", data)
    assert not third.imported and len(third.skipped) == 2
    assert len(_cases()) == 3
    counts = db.session.execute(sa.select(ExchangeRun.imported, ExchangeRun.skipped)).all()
    assert sorted(counts) == [(0, 2), (1, 2), (2, 0)]


def test_a_batch_with_bad_lines_writes_nothing_and_names_each_line(app, org, clock):
    data = json_batch(
        item("B-1"),
        item("B-2", submitter={"full_name": ""}),  # anonymous: Art. 7 refuses it
        item("B-3"),
        item("B-4", submitter={"phone": None, "email": None}),  # no way to answer
        item("B-1"),  # the same code twice in one batch
        item("B-6", received_at="2026-03-02 08:15"),  # no offset
        item("B-7", fax="0299"),
    )
    lines = item_lines(data)
    outcome = run_import(IncomingBatch("lo.json", data), actor="cli")
    result = outcome.value
    assert not result.ok and not _cases()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    problems = result.problems
    assert any(p.startswith(f"lo.json:{lines[1]}: submitter.full_name: ") for p in problems)
    assert any(p.startswith(f"lo.json:{lines[3]}: submitter.phone: ") for p in problems)
    assert f"lo.json:{lines[4]}: national_code: mã B-1 đã có ở dòng {lines[0]}." in problems
    assert any(p.startswith(f"lo.json:{lines[5]}: received_at: ") for p in problems)
    assert any(p.startswith(f"lo.json:{lines[6]}: fax: ") for p in problems)
    assert not any(p.startswith((f"lo.json:{lines[0]}:", f"lo.json:{lines[2]}:")) for p in problems)
    run = db.session.scalar(sa.select(ExchangeRun))
    assert run.outcome == RunOutcome.INVALID and run.imported == 0 and run.problems == len(problems)


def test_an_xlsx_batch_names_rows(app, org, clock):
    data = xlsx_batch(
        item("R-1"), item("R-2", kind="kien_nghi"), item("R-3", field="khong-co"),
        item("R-4", procedure="9.999999"),
    )  # fmt: skip
    problems = run_import(IncomingBatch("tay.xlsx", data), actor="cli").value.problems
    assert any(p.startswith("tay.xlsx:3: proposed_solution: ") for p in problems)
    assert any(p.startswith("tay.xlsx:4: field: ") for p in problems)
    assert any(p.startswith("tay.xlsx:5: procedure: ") for p in problems)
    assert not any(p.startswith("tay.xlsx:2:") for p in problems)
    assert not _cases()


def test_rules_of_art_7_are_the_forms(app, org, clock):
    """A postal address alone is enough; a phone alone is not for an electronic item."""
    postal = item(
        "P-1",
        submitter={
            "phone": None,
            "email": None,
            "postal_address": "Số 5 đường Trần Hưng Đạo, TP Sóc Trăng",
        },
    )
    phone_only = item("P-2", submitter={"email": None})
    problems = run_import(IncomingBatch("p.json", json_batch(postal, phone_only)),
                          actor="cli").value.problems  # fmt: skip
    assert len(problems) == 1 and ": submitter.email: " in problems[0]
    assert _import("p.json", json_batch(postal)).imported


GARBAGE = [
    (b"", "rỗng"),
    (b"\xff\xfe\x00garbage", "không phải JSON"),
    (b'{"format": "pakn-national/1", "items": [', "JSON không hợp lệ"),
    (b"[1, 2]", "format"),
    (b'{"format": "other/2", "items": []}', "format"),
    (b'{"format": "pakn-national/1"}', "items"),
    (b'{"format": "pakn-national/1", "format": "x", "items": []}', "lặp lại"),
    (b'{"format": "pakn-national/1", "items": [1, "x"]}', "đối tượng"),
    (b'{"format": "pakn-national/1", "items": []} trailing', "JSON không hợp lệ"),
    (b"PK\x03\x04not really a zip", "XLSX"),
    (b"[" * 100000, "JSON"),
]


def test_garbage_gets_a_message_not_a_traceback(app, org, clock):
    for data, words in GARBAGE:
        result = run_import(IncomingBatch("rac.json", data), actor="cli").value
        assert result.problems and result.problems[0].startswith("rac.json"), data[:40]
        assert words in " ".join(result.problems), (data[:40], result.problems)
    huge = b" " * (10 * 1024 * 1024 + 1)
    assert "quá lớn" in run_import(IncomingBatch("to.json", huge), actor="cli").value.problems[0]
    header_only = xlsx_batch(header=["ten", "dia_chi"])
    problems = run_import(IncomingBatch("x.xlsx", header_only), actor="cli").value.problems
    assert "tiêu đề" in problems[0]
    assert not _cases()


def test_each_run_is_in_the_processing_log(app, org, clock):
    _import("lo.json", json_batch(item("L-1")))
    run_import(IncomingBatch("sai.json", b"{}"), actor="cli")
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.target_type == "exchange_run")
    ).all()
    assert [(e.action, e.target_label) for e in entries] == [
        ("create", "import lo.json"), ("create", "import sai.json"),
    ]  # fmt: skip


def test_a_sheet_typed_by_hand_dates_and_numbers_as_excel_keeps_them(app, org, clock):
    """A date cell is the province's local time; a phone typed as a number lost its 0."""
    data = xlsx_batch(
        item("S-1", received_at=datetime(2026, 3, 2, 8, 15), submitter={"phone": 912345678})
    )
    result = _import("tay.xlsx", data)
    assert result.ok
    case = _cases()[0]
    assert case.received_at == datetime(2026, 3, 2, 1, 15, tzinfo=UTC)
    assert case.phone == "0912345678"
