"""CSV import: complete or nothing, with every problem named by file and line."""

import shutil

import pytest
import sqlalchemy as sa

from intake.extensions import db
from intake.org.importer import ImportFailed, import_org
from intake.org.models import Field, Procedure, RoutingRule, Unit
from tests.conftest import DEMO_DATA


def counts():
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (Unit, Field, Procedure)
    )


@pytest.fixture
def csv_dir(tmp_path):
    for name in ("units.csv", "fields.csv", "procedures.csv"):
        shutil.copy(DEMO_DATA / name, tmp_path / name)
    return tmp_path


def test_the_sample_files_import_completely(app):
    report = import_org(DEMO_DATA)
    db.session.commit()
    assert counts() == (report.units, report.fields, report.procedures)
    assert report.fields >= 15 and report.procedures >= 60
    office = db.session.scalar(sa.select(Unit).where(Unit.code == "vp-ubnd"))
    assert office.receives_intake and office.parent.code == "ubnd-tinh"
    districts = db.session.scalars(sa.select(Unit).where(Unit.kind == "district")).all()
    assert len(districts) == 11
    land = db.session.scalar(sa.select(Field).where(Field.code == "dat-dai"))
    rule = db.session.scalar(sa.select(RoutingRule).where(RoutingRule.field_id == land.id))
    assert rule.unit.code == "so-tnmt"
    birth = db.session.scalar(sa.select(Procedure).where(Procedure.national_code == "1.001193"))
    assert birth.name == "Đăng ký khai sinh" and birth.search_text == "1 001193 dang ky khai sinh"


def test_importing_again_updates_in_place(app, csv_dir):
    import_org(csv_dir)
    db.session.commit()
    before = counts()
    units = (csv_dir / "units.csv").read_text(encoding="utf-8")
    (csv_dir / "units.csv").write_text(
        units.replace("Sở Tư pháp,", "Sở Tư pháp tỉnh Sóc Trăng,", 1), encoding="utf-8"
    )
    import_org(csv_dir)
    db.session.commit()
    assert counts() == before
    assert db.session.scalar(sa.select(Unit.name).where(Unit.code == "so-tp")) == (
        "Sở Tư pháp tỉnh Sóc Trăng"
    )


def test_problems_are_reported_by_file_and_line_and_nothing_is_written(app, csv_dir):
    with (csv_dir / "units.csv").open("a", encoding="utf-8") as f:
        f.write("x-moi,Xã Mới,New commune,hamlet,khong-co,not-an-email,maybe,2025-13-01,\n")
    with (csv_dir / "procedures.csv").open("a", encoding="utf-8") as f:
        f.write("1.001193,Trùng mã,ho-tich,commune,\n")
        f.write("2.999999,Thủ tục lạ,linh-vuc-la,national,\n")
    with pytest.raises(ImportFailed) as failure:
        import_org(csv_dir)
    db.session.rollback()
    problems = "\n".join(failure.value.problems)
    units_line = len((csv_dir / "units.csv").read_text(encoding="utf-8").splitlines())
    procedures_lines = len((csv_dir / "procedures.csv").read_text(encoding="utf-8").splitlines())
    assert f"units.csv:{units_line}: kind 'hamlet'" in problems
    assert f"units.csv:{units_line}: parent_code 'khong-co' is unknown" in problems
    assert f"units.csv:{units_line}: email 'not-an-email'" in problems
    assert f"units.csv:{units_line}: receives_intake must be yes or no" in problems
    assert f"units.csv:{units_line}: valid_from '2025-13-01' is not a date" in problems
    assert f"procedures.csv:{procedures_lines - 1}: national_code '1.001193' already on" in problems
    assert f"procedures.csv:{procedures_lines}: field_code 'linh-vuc-la' is unknown" in problems
    assert f"procedures.csv:{procedures_lines}: level 'national'" in problems
    assert counts() == (0, 0, 0)


def test_missing_files_and_columns_are_reported(app, tmp_path):
    (tmp_path / "units.csv").write_text("code,name\nabc,Đơn vị\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        import_org(tmp_path)
    problems = failure.value.problems
    assert any(p.startswith("units.csv:1: missing column(s): name_en, kind") for p in problems)
    assert any(p.startswith("fields.csv: file not found") for p in problems)


def test_cli_reports_problems_and_exits_non_zero(app, csv_dir):
    (csv_dir / "fields.csv").write_text("code,name,name_en,lead_unit_code\n,,,\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["intake", "import-org", str(csv_dir)])
    assert result.exit_code != 0
    assert "fields.csv:2: code is empty" in result.output
    assert "nothing imported" in result.output
    result = app.test_cli_runner().invoke(args=["intake", "import-org", str(DEMO_DATA)])
    assert result.exit_code == 0 and "imported 76 units" in result.output
