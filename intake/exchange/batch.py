"""The incoming batch of the national system, format ``pakn-national/1`` (README, "Exchange with
the national system"): read from JSON or XLSX, and checked item by item before anything is
written. Every problem is reported as ``file:line: message`` — the line where the item starts
in a JSON file, the row of an XLSX sheet.

Each item is checked by the submission form of Art. 7 (``intake.web.submission_form``), the one
the citizens' page and the officers' record of other channels use, so an item accepted here is
one that a person could have typed; only what is particular to the national system (its code,
its receipt time, the codes that name a field or a procedure) is checked here.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Optional, ValidationError

from intake.cases.models import Channel
from intake.cases.operations import CaseSubmission
from intake.core.calendar import LOCAL_TZ
from intake.extensions import db
from intake.forms import length
from intake.org.choices import procedure_id_from_form
from intake.org.models import Field
from intake.web.submission_form import REQUIRED, SubmissionForm

FORMAT = "pakn-national/1"
#: A batch is a day's or a week's forwarding, not an archive: bigger files are refused unread.
MAX_BATCH_BYTES = 10 * 1024 * 1024
MAX_ITEMS = 5000
MAX_SHEET_ROWS = 2 * MAX_ITEMS
#: Shown at most, so that a file wrong throughout still gives a readable answer.
MAX_PROBLEMS = 200

#: The fields of an item; ``submitter.*`` are nested in JSON and dotted in an XLSX header.
ITEM_FIELDS = (
    "national_code", "received_at", "channel", "kind", "title", "content",
    "proposed_solution", "field", "procedure", "consent_to_publish", "declared_truthful",
    "language",
)  # fmt: skip
SUBMITTER_FIELDS = (
    "type", "full_name", "organisation_name", "tax_code", "id_number", "address",
    "postal_address", "phone", "email",
)  # fmt: skip
BOOLEAN_FIELDS = frozenset({"consent_to_publish", "declared_truthful"})
COLUMNS = (*ITEM_FIELDS, *(f"submitter.{name}" for name in SUBMITTER_FIELDS))
#: The item's path → the form field that checks it.
_FORM_FIELD = {
    **{name: name for name in ITEM_FIELDS},
    "field": "field_code",
    "submitter.type": "submitter_type",
    **{f"submitter.{n}": n for n in SUBMITTER_FIELDS if n != "type"},
}
_PATH_OF = {form_name: path for path, form_name in _FORM_FIELD.items()}
_YES = {"true", "yes", "y", "1", "x", "có", "co"}
_NO = {"false", "no", "n", "0", "không", "khong", ""}
_CODE = re.compile(r"^[\w.\-/]+$")
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


class NationalItemForm(SubmissionForm):
    """The Art. 7 form for one forwarded item: the same checks, without the web form's token,
    files and pickers, with the national system's code and receipt time."""

    class Meta:
        csrf = False

    submission_token = None
    postal_same = None
    field_id = None
    concerned_unit_id = None
    attachments = None
    national_code = StringField(validators=[DataRequired(REQUIRED), length(max=40)])
    received_at = StringField(validators=[DataRequired(REQUIRED), length(max=40)])
    channel = StringField(validators=[Optional(), length(max=40)])
    field_code = StringField(validators=[Optional(), length(max=40)])
    # The national system took the submitter's declaration; it forwards whether it did.
    declared_truthful = BooleanField()
    language = SelectField(
        choices=[SelectChoice("vi", "vi"), SelectChoice("en", "en")], default="vi"
    )

    def __init__(self, *args, now: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        self.received_at_value: datetime | None = None
        self.field_id_value: int | None = None

    @property
    def postal_address_value(self) -> str | None:
        return self.postal_address.data or None

    def validate_national_code(self, field):
        if field.data and not _CODE.match(field.data):
            raise ValidationError(_l("Mã chỉ gồm chữ, số và các dấu . - / _"))

    def validate_received_at(self, field):
        if not field.data:
            return
        try:
            when = datetime.fromisoformat(field.data)
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            raise ValidationError(
                _l("Cần thời điểm theo ISO 8601 có múi giờ, ví dụ 2026-11-02T08:15:00+07:00.")
            )
        if not EARLIEST <= when <= self.now:
            raise ValidationError(_l("Thời điểm tiếp nhận phải là một thời điểm đã qua."))
        self.received_at_value = when.astimezone(UTC)

    def validate_field_code(self, field):
        if not field.data:
            return
        self.field_id_value = db.session.scalar(
            sa.select(Field.id).where(Field.code == field.data, Field.is_active)
        )
        if self.field_id_value is None:
            raise ValidationError(_l("Không có lĩnh vực đang sử dụng với mã này."))

    @property
    def chosen_field_id(self) -> int | None:
        return self.field_id_value

    @property
    def chosen_unit_id(self) -> int | None:
        return None

    def to_national_submission(self, procedure_id: int | None) -> CaseSubmission:
        return replace(
            self.to_submission([], procedure_id, self.language.data),
            channel=Channel.NATIONAL_PORTAL,
            national_code=self.national_code.data,
            received_at=self.received_at_value,
        )


@dataclass
class BatchItem:
    line: int
    national_code: str
    submission: CaseSubmission
    source_channel: str  # how the national system received it, as it says; may be empty


@dataclass
class Batch:
    name: str
    items: list[BatchItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    count: int = 0  # items found in the file, valid or not

    @property
    def is_valid(self) -> bool:
        return not self.problems


def read_batch(name: str, data: bytes, *, now: datetime) -> Batch:
    """Read and check a batch; ``problems`` lists every ``file:line: message`` found, and
    ``items`` is only to be imported when there is none."""
    name = (name or "batch").replace("\\", "/").rsplit("/", 1)[-1][:200] or "batch"
    batch = Batch(name)
    if len(data) > MAX_BATCH_BYTES:
        batch.problems.append(
            _("%(file)s: tệp quá lớn (tối đa %(mb)d MB).", file=name, mb=MAX_BATCH_BYTES >> 20)
        )
        return batch
    if not data.strip():
        batch.problems.append(_("%(file)s: tệp rỗng.", file=name))
        return batch
    if data.startswith(b"PK\x03\x04") or name.lower().endswith(".xlsx"):
        records = _xlsx_records(name, data, batch)
    else:
        records = _json_records(name, data, batch)
    if batch.problems:
        return batch
    batch.count = len(records)
    seen: dict[str, int] = {}
    for line, record in records:
        item = _check_item(name, line, record, now, batch)
        if item is None:
            continue
        if item.national_code in seen:
            batch.problems.append(
                _(
                    "%(file)s:%(at)d: national_code: mã %(code)s đã có ở dòng %(line)d.",
                    file=name,
                    at=line,
                    code=item.national_code,
                    line=seen[item.national_code],
                )
            )
            continue
        seen[item.national_code] = line
        batch.items.append(item)
    del batch.problems[MAX_PROBLEMS:]
    return batch


# -- JSON ---------------------------------------------------------------------------------


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs):
    keys = [k for k, _v in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise _DuplicateKey(key)
    return dict(pairs)


_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicate_keys)
_WS = re.compile(r"[ \t\n\r]*")


def _json_records(name: str, data: bytes, batch: Batch) -> list[tuple[int, dict]]:
    """The items with the line each starts on: the top-level object is walked by hand (one
    value at a time, with the standard decoder) so that each item's position is known."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        batch.problems.append(_("%(file)s: không phải JSON (UTF-8) hay XLSX.", file=name))
        return []
    try:
        document, positions = _walk(text)
    except _DuplicateKey as exc:
        batch.problems.append(_("%(file)s: khóa “%(key)s” lặp lại.", file=name, key=exc.args[0]))
        return []
    except json.JSONDecodeError as exc:
        batch.problems.append(
            _("%(file)s:%(line)d: JSON không hợp lệ: %(error)s", file=name, line=exc.lineno,
              error=exc.msg)
        )  # fmt: skip
        return []
    except RecursionError:
        batch.problems.append(_("%(file)s: JSON lồng quá sâu.", file=name))
        return []
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        batch.problems.append(
            _("%(file)s:1: cần đối tượng JSON có \"format\": \"%(format)s\".", file=name,
              format=FORMAT)
        )  # fmt: skip
        return []
    items = document.get("items")
    if not isinstance(items, list):
        batch.problems.append(_('%(file)s:1: cần danh sách "items".', file=name))
        return []
    if len(items) > MAX_ITEMS:
        batch.problems.append(_too_many(name))
        return []
    return [(line_of(text, positions[i]), item) for i, item in enumerate(items)]


def _walk(text: str) -> tuple[Any, list[int]]:
    """The document, and where each element of its top-level ``items`` array starts."""
    positions: list[int] = []
    i = _WS.match(text, 0).end()
    if not text.startswith("{", i):
        return _DECODER.decode(text), positions  # not an object: the check above says so
    document: dict[str, Any] = {}
    i = _WS.match(text, i + 1).end()
    if text.startswith("}", i):
        return _trailing(text, i + 1, document), positions
    while True:
        key, i = _DECODER.raw_decode(text, i) if text.startswith('"', i) else _fail(text, i)
        i = _WS.match(text, i).end()
        if not text.startswith(":", i):
            _fail(text, i)
        i = _WS.match(text, i + 1).end()
        if key in document:
            raise _DuplicateKey(key)
        if key == "items" and text.startswith("[", i):
            document[key], i = _array(text, i, positions)
        else:
            document[key], i = _DECODER.raw_decode(text, i)
        i = _WS.match(text, i).end()
        if text.startswith("}", i):
            return _trailing(text, i + 1, document), positions
        if not text.startswith(",", i):
            _fail(text, i)
        i = _WS.match(text, i + 1).end()


def _array(text: str, i: int, positions: list[int]) -> tuple[list, int]:
    values: list[Any] = []
    i = _WS.match(text, i + 1).end()
    if text.startswith("]", i):
        return values, i + 1
    while True:
        positions.append(i)
        value, i = _DECODER.raw_decode(text, i)
        values.append(value)
        i = _WS.match(text, i).end()
        if text.startswith("]", i):
            return values, i + 1
        if not text.startswith(",", i):
            _fail(text, i)
        i = _WS.match(text, i + 1).end()


def _trailing(text: str, i: int, document: dict) -> dict:
    if _WS.match(text, i).end() != len(text):
        raise json.JSONDecodeError("Extra data", text, i)
    return document


def _fail(text: str, i: int):
    raise json.JSONDecodeError("Unexpected character", text, i)


def line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


# -- XLSX ---------------------------------------------------------------------------------


def _xlsx_records(name: str, data: bytes, batch: Batch) -> list[tuple[int, dict]]:
    """The rows of the first sheet under its header row, as nested items like JSON's."""
    from openpyxl import load_workbook  # imported when a workbook comes, as in the reports

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError):
        batch.problems.append(_("%(file)s: không đọc được tệp XLSX.", file=name))
        return []
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        rows = sheet.iter_rows(values_only=True) if sheet is not None else iter(())
        header = [str(v).strip() if v is not None else "" for v in next(rows, ())]
        unknown = [h for h in header if h and h not in COLUMNS]
        if not header or "national_code" not in header:
            batch.problems.append(
                _("%(file)s:1: dòng tiêu đề cần các cột: %(columns)s", file=name,
                  columns=", ".join(COLUMNS))
            )  # fmt: skip
            return []
        if unknown:
            batch.problems.append(
                _("%(file)s:1: cột không có trong định dạng: %(columns)s", file=name,
                  columns=", ".join(unknown))
            )  # fmt: skip
            return []
        records = []
        for number, row in enumerate(rows, start=2):
            if number > MAX_SHEET_ROWS:  # empty rows by the million are no batch either
                batch.problems.append(_too_many(name))
                return []
            if all(v is None or str(v).strip() == "" for v in row):
                continue
            if len(records) >= MAX_ITEMS:
                batch.problems.append(_too_many(name))
                return []
            records.append((number, _nested(dict(zip(header, row, strict=False)))))
        return records
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError):
        batch.problems.append(_("%(file)s: không đọc được tệp XLSX.", file=name))
        return []
    finally:
        workbook.close()


def _nested(row: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    submitter: dict[str, Any] = {}
    for column, value in row.items():
        if not column or value is None:
            continue
        value = _cell_text(column, value)
        if column.startswith("submitter."):
            submitter[column.removeprefix("submitter.")] = value
        else:
            item[column] = value
    item["submitter"] = submitter
    return item


def _cell_text(column: str, value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime):
        # A date typed in a sheet carries no zone: it is the province's local time.
        return (value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)).isoformat()
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time(), tzinfo=LOCAL_TZ).isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if column in BOOLEAN_FIELDS:
        lowered = text.lower()
        return True if lowered in _YES else False if lowered in _NO else text
    return text


# -- one item -------------------------------------------------------------------------------


def _check_item(name: str, line: int, record: Any, now: datetime, batch: Batch) -> BatchItem | None:
    where = f"{name}:{line}"
    if not isinstance(record, dict):
        batch.problems.append(_("%(where)s: mỗi mục phải là một đối tượng JSON.", where=where))
        return None
    values, problems = _flatten(record)
    if problems:
        batch.problems.extend(f"{where}: {p}" for p in problems)
        return None
    form = NationalItemForm(formdata=MultiDict(values), now=now)
    valid = form.validate()
    procedure_id = procedure_id_from_form(form)  # an unknown code becomes the field's error
    if not valid or form.errors:
        for form_name, messages in form.errors.items():
            prefix = f"{where}: {_PATH_OF.get(form_name, form_name)}" if form_name else where
            batch.problems.extend(f"{prefix}: {m}" for m in messages)
        return None
    return BatchItem(
        line=line,
        national_code=form.national_code.data,
        submission=form.to_national_submission(procedure_id),
        source_channel=form.channel.data or "",
    )


def _flatten(record: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The form's input from an item; unknown or mistyped fields are problems of their own."""
    values: dict[str, str] = {}
    problems: list[str] = []
    submitter = record.get("submitter")
    if not isinstance(submitter, dict):
        problems.append(_("submitter: cần một đối tượng với thông tin người gửi."))
        submitter = {}
    pairs = [(k, v) for k, v in record.items() if k != "submitter"]
    pairs += [(f"submitter.{k}", v) for k, v in submitter.items()]
    for path, value in pairs:
        form_name = _FORM_FIELD.get(path)
        if form_name is None:
            problems.append(_("%(path)s: trường không có trong định dạng.", path=path))
            continue
        leaf = path.rsplit(".", 1)[-1]
        if leaf in BOOLEAN_FIELDS:
            if not isinstance(value, bool):
                problems.append(_("%(path)s: cần true hoặc false.", path=path))
            elif value:
                values[form_name] = "y"
            continue
        if value is None:
            continue
        if not isinstance(value, str):
            problems.append(_("%(path)s: cần một chuỗi ký tự.", path=path))
            continue
        values[form_name] = value
    return values, problems


def _too_many(name: str) -> str:
    return _("%(file)s: quá %(n)d mục trong một lô; vui lòng chia nhỏ.", file=name, n=MAX_ITEMS)
