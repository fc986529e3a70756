"""``flask intake national-import`` and ``national-export`` as an operator runs them."""

from __future__ import annotations

import json

import sqlalchemy as sa

from intake.cases.models import Case
from intake.exchange.models import ExchangeRun
from intake.extensions import db
from tests.exchange.helpers import item, item_lines, json_batch, xlsx_batch


def run(app, *args):
    return app.test_cli_runner().invoke(args=["intake", *args])


def test_import_prints_a_summary_and_is_idempotent(app, org, clock, tmp_path):
    path = tmp_path / "lo-0211.json"
    path.write_bytes(json_batch(item("C-1"), item("C-2")))
    result = run(app, "national-import", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "2 imported, 0 already imported"
    again = run(app, "national-import", str(path))
    assert again.exit_code == 0
    assert again.output.splitlines()[-1] == "0 imported, 2 already imported"
    assert "C-1: already imported as PAKN-" in again.output
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 2
    sheet = tmp_path / "tay.xlsx"
    sheet.write_bytes(xlsx_batch(item("C-3")))
    assert run(app, "national-import", str(sheet)).output.endswith(
        "1 imported, 0 already imported\n"
    )


def test_an_invalid_batch_exits_non_zero_with_its_lines(app, org, clock, tmp_path):
    data = json_batch(item("D-1"), item("D-2", title=""), item("D-3", kind="khieu_nai"))
    path = tmp_path / "sai.json"
    path.write_bytes(data)
    lines = item_lines(data)
    result = run(app, "national-import", str(path))
    assert result.exit_code == 1
    assert f"sai.json:{lines[1]}: title: " in result.output
    assert f"sai.json:{lines[2]}: kind: " in result.output
    assert "sai.json: nothing imported: 2 problem(s)" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0
    garbage = tmp_path / "rac.xlsx"
    garbage.write_bytes(b"\x00\x01 not a batch")
    result = run(app, "national-import", str(garbage))
    assert result.exit_code == 1 and "rac.xlsx: không đọc được tệp XLSX" in result.output
    assert "Traceback" not in result.output
    missing = run(app, "national-import", str(tmp_path / "khong-co.json"))
    assert missing.exit_code == 2


def test_export_to_stdout_and_to_a_file(app, org, clock, tmp_path):
    path = tmp_path / "lo.json"
    path.write_bytes(json_batch(item("E-1")))
    run(app, "national-import", str(path))
    clock.advance(hours=1)
    result = run(app, "national-export", "--since", "2026-03-01T00:00:00+07:00")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [e["national_code"] for e in document["events"]] == ["E-1"]
    out = tmp_path / "ra" / "export.json"
    result = run(app, "national-export", "--since", "2026-03-01T00:00:00+07:00", "--out", str(out))
    assert result.exit_code == 0 and json.loads(out.read_text())["events"] == document["events"]
    later = run(app, "national-export", "--since", "2026-03-10T12:00:00+07:00")
    assert json.loads(later.stdout)["events"] == []
    bad = run(app, "national-export", "--since", "2026-11-01")
    assert bad.exit_code == 2 and "offset" in bad.output
    runs = db.session.scalars(sa.select(ExchangeRun.actor_label)).all()
    assert runs == ["cli"] * 4


def test_a_folder_is_an_inbox_read_in_name_order(app, org, clock, tmp_path):
    (tmp_path / "01.json").write_bytes(json_batch(item("F-1")))
    (tmp_path / "02.xlsx").write_bytes(xlsx_batch(item("F-1"), item("F-2")))
    (tmp_path / "03.json").write_bytes(b"not json")
    (tmp_path / "ghi-chu.txt").write_text("not a batch, not read")
    result = run(app, "national-import", str(tmp_path))
    assert result.exit_code == 1
    assert "1 imported, 0 already imported\n" in result.output
    assert "1 imported, 1 already imported\n" in result.output
    assert "03.json:1: " in result.output and "1 batch(es) not imported" in result.output
    assert "ghi-chu" not in result.output
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 2
