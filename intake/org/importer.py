"""Loading units, fields and procedures from CSV files (format in the README).

Everything is checked before anything is written, and every problem is reported with its file
and line, so that an import either applies completely or not at all. Rows are matched by code:
importing a newer file updates names, parents, e-mails and validity dates in place.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from intake import clock
from intake.core.calendar import local_date
from intake.core.text import fold, nfc
from intake.extensions import db
from intake.org.models import (
    Field,
    Procedure,
    ProcedureLevel,
    RoutingRule,
    Unit,
    UnitKind,
    needs_notification_email,
)

UNIT_COLUMNS = [
    "code", "name", "name_en", "kind", "parent_code", "email", "receives_intake",
    "valid_from", "valid_to",
]  # fmt: skip
#: Columns a file may leave out (files written before they existed): read as empty, i.e. a
#: unit in force from ever to ever.
OPTIONAL_UNIT_COLUMNS = ["valid_from", "valid_to"]
FIELD_COLUMNS = ["code", "name", "name_en", "lead_unit_code"]
PROCEDURE_COLUMNS = ["national_code", "name", "field_code", "level", "unit_code"]

_YES = {"yes", "y", "true", "1", "có", "co", "x"}
_NO = {"no", "n", "false", "0", "không", "khong", ""}


class ImportFailed(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the import files")


@dataclass
class ImportReport:
    units: int = 0
    fields: int = 0
    procedures: int = 0
    problems: list[str] = field(default_factory=list)


def import_org(directory: str | Path) -> ImportReport:
    """Check ``units.csv``, ``fields.csv`` and ``procedures.csv`` in ``directory``, then write
    them to the session (flushed, not committed). Raises ``ImportFailed`` with every problem."""
    directory = Path(directory)
    report = ImportReport()
    units = _read(directory / "units.csv", UNIT_COLUMNS, report, optional=OPTIONAL_UNIT_COLUMNS)
    fields = _read(directory / "fields.csv", FIELD_COLUMNS, report)
    procedures = _read(directory / "procedures.csv", PROCEDURE_COLUMNS, report)
    if report.problems:
        raise ImportFailed(report.problems)

    existing_units = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    unit_codes = set(existing_units) | {row["code"] for _, row in units}
    _check_units(units, unit_codes, report)
    field_codes = {f.code for f in db.session.scalars(sa.select(Field))}
    field_codes |= {row["code"] for _, row in fields}
    _check_fields(fields, unit_codes, report)
    _check_procedures(procedures, field_codes, unit_codes, report)
    if report.problems:
        raise ImportFailed(report.problems)

    _write_units(units, existing_units)
    report.units = len(units)
    _write_fields(fields)
    report.fields = len(fields)
    _write_procedures(procedures)
    report.procedures = len(procedures)
    db.session.flush()
    return report


Row = tuple[str, dict[str, str]]  # ("units.csv:12", {column: value})


def _read(
    path: Path, columns: list[str], report: ImportReport, optional: list[str] = ()
) -> list[Row]:
    if not path.exists():
        report.problems.append(f"{path.name}: file not found in {path.parent}")
        return []
    try:
        text = path.read_bytes().decode("utf-8-sig")  # tolerate the BOM Excel writes
    except UnicodeDecodeError as exc:
        report.problems.append(f"{path.name}: not UTF-8 ({exc.reason} at byte {exc.start})")
        return []
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in columns if c not in header and c not in optional]
    if missing:
        report.problems.append(f"{path.name}:1: missing column(s): {', '.join(missing)}")
        return []
    rows = []
    for record in reader:
        where = f"{path.name}:{reader.line_num}"
        if None in record:
            report.problems.append(f"{where}: more values than columns")
            continue
        values = dict.fromkeys(optional, "")
        values.update({k.strip(): nfc(v) for k, v in record.items()})
        rows.append((where, values))
    return rows


def _duplicates(rows: list[Row], key: str, report: ImportReport) -> None:
    seen: dict[str, str] = {}
    for where, row in rows:
        if row[key] in seen:
            report.problems.append(f"{where}: {key} {row[key]!r} already on {seen[row[key]]}")
        seen.setdefault(row[key], where)


def _check_units(rows: list[Row], unit_codes: set[str], report: ImportReport) -> None:
    _duplicates(rows, "code", report)
    kinds = {k.value for k in UnitKind}
    today = local_date(clock.now())
    for where, row in rows:
        _required(where, row, ["code", "name", "kind"], report)
        if row["kind"] and row["kind"] not in kinds:
            report.problems.append(
                f"{where}: kind {row['kind']!r} is not one of {', '.join(sorted(kinds))}"
            )
        if row["parent_code"] and row["parent_code"] not in unit_codes:
            report.problems.append(f"{where}: parent_code {row['parent_code']!r} is unknown")
        if row["parent_code"] and row["parent_code"] == row["code"]:
            report.problems.append(f"{where}: a unit cannot be its own parent")
        if row["email"]:
            try:
                validate_email(row["email"], check_deliverability=False)
            except EmailNotValidError as exc:
                report.problems.append(f"{where}: email {row['email']!r}: {exc}")
        elif row["kind"] in kinds and needs_notification_email(
            UnitKind(row["kind"]), _date(where, row, "valid_to", ImportReport()), today
        ):
            report.problems.append(
                f"{where}: email is empty: a unit that can lead or cooperate on items "
                f"(kind {row['kind']}) needs a notification e-mail"
            )
        if row["receives_intake"].lower() not in _YES | _NO:
            report.problems.append(f"{where}: receives_intake must be yes or no")
        start = _date(where, row, "valid_from", report)
        end = _date(where, row, "valid_to", report)
        if start and end and end < start:
            report.problems.append(f"{where}: valid_to is before valid_from")


def _check_fields(rows: list[Row], unit_codes: set[str], report: ImportReport) -> None:
    _duplicates(rows, "code", report)
    for where, row in rows:
        _required(where, row, ["code", "name"], report)
        if row["lead_unit_code"] and row["lead_unit_code"] not in unit_codes:
            report.problems.append(f"{where}: lead_unit_code {row['lead_unit_code']!r} is unknown")


def _check_procedures(
    rows: list[Row], field_codes: set[str], unit_codes: set[str], report: ImportReport
) -> None:
    _duplicates(rows, "national_code", report)
    levels = {lv.value for lv in ProcedureLevel}
    for where, row in rows:
        _required(where, row, ["national_code", "name", "field_code", "level"], report)
        if row["field_code"] and row["field_code"] not in field_codes:
            report.problems.append(f"{where}: field_code {row['field_code']!r} is unknown")
        if row["level"] and row["level"] not in levels:
            report.problems.append(
                f"{where}: level {row['level']!r} is not one of {', '.join(sorted(levels))}"
            )
        if row["unit_code"] and row["unit_code"] not in unit_codes:
            report.problems.append(f"{where}: unit_code {row['unit_code']!r} is unknown")


def _required(where: str, row: dict[str, str], names: list[str], report: ImportReport) -> None:
    for name in names:
        if not row.get(name):
            report.problems.append(f"{where}: {name} is empty")


def _date(where: str, row: dict[str, str], name: str, report: ImportReport) -> date | None:
    if not row[name]:
        return None
    try:
        return date.fromisoformat(row[name])
    except ValueError:
        report.problems.append(f"{where}: {name} {row[name]!r} is not a date (YYYY-MM-DD)")
        return None


def _write_units(rows: list[Row], existing: dict[str, Unit]) -> None:
    units = dict(existing)
    for _, row in rows:
        unit = units.get(row["code"]) or Unit(code=row["code"])
        unit.name = row["name"]
        unit.name_en = row["name_en"]
        unit.kind = UnitKind(row["kind"])
        unit.email = row["email"] or None
        unit.receives_intake = row["receives_intake"].lower() in _YES
        unit.valid_from = date.fromisoformat(row["valid_from"]) if row["valid_from"] else None
        unit.valid_to = date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
        db.session.add(unit)
        units[unit.code] = unit
    # Parents after every unit exists, so a file may list children before their parent.
    for _, row in rows:
        units[row["code"]].parent = units[row["parent_code"]] if row["parent_code"] else None
    db.session.flush()


def _write_fields(rows: list[Row]) -> None:
    fields = {f.code: f for f in db.session.scalars(sa.select(Field))}
    units = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    for _, row in rows:
        record = fields.get(row["code"]) or Field(code=row["code"])
        record.name = row["name"]
        record.name_en = row["name_en"]
        record.is_active = True
        db.session.add(record)
        fields[record.code] = record
    db.session.flush()  # one flush for all fields: their ids are needed by the rules below
    rules = {
        r.field_id: r
        for r in db.session.scalars(sa.select(RoutingRule).where(RoutingRule.field_id.is_not(None)))
    }
    for _, row in rows:
        record = fields[row["code"]]
        rule = rules.get(record.id)
        if row["lead_unit_code"]:
            rule = rule or RoutingRule(field_id=record.id)
            rule.unit_id = units[row["lead_unit_code"]].id
            db.session.add(rule)
        elif rule is not None:
            db.session.delete(rule)


def _write_procedures(rows: list[Row]) -> None:
    procedures = {p.national_code: p for p in db.session.scalars(sa.select(Procedure))}
    fields = {f.code: f.id for f in db.session.scalars(sa.select(Field))}
    units = {u.code: u.id for u in db.session.scalars(sa.select(Unit))}
    for _, row in rows:
        record = procedures.get(row["national_code"]) or Procedure(
            national_code=row["national_code"]
        )
        record.name = row["name"]
        record.search_text = fold(f"{row['national_code']} {row['name']}")
        record.field_id = fields[row["field_code"]]
        record.level = ProcedureLevel(row["level"])
        record.unit_id = units[row["unit_code"]] if row["unit_code"] else None
        record.is_active = True
        db.session.add(record)
