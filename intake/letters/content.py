"""What each official letter says, assembled from the item, the event it announces and the
organisation tree — kept apart from the page layout (``intake.letters.render``).

Letters are administrative documents and are written in Vietnamese whatever language the
citizen used on the web (the e-mail beside them follows the citizen's language). The fixed
wording lives here as plain Vietnamese; the labels of codes come from ``intake.cases.labels``
read in Vietnamese.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from intake.accounts.models import Role, User
from intake.cases import labels
from intake.cases.models import Case, CaseEvent, SubmitterType
from intake.core.calendar import last_local_day, local_date
from intake.core.states import EventKind
from intake.core.text import fold
from intake.extensions import db
from intake.org.models import Unit


class LetterKind(enum.StrEnum):
    """The letters of DOMAIN.md §5, named like the e-mail notices they go with."""

    RECEIPT = "receipt"
    INFO_REQUEST = "info_requested"
    REFUSAL = "rejected"
    TRANSFER = "transferred"
    ANSWER = "answered"
    REOPENING = "reopened"


#: The letters' names in the download lists (the pages are in the reader's language).
LETTER_LABELS = {
    LetterKind.RECEIPT: _l("Thông báo tiếp nhận"),
    LetterKind.INFO_REQUEST: _l("Văn bản đề nghị bổ sung thông tin"),
    LetterKind.REFUSAL: _l("Thông báo không tiếp nhận"),
    LetterKind.TRANSFER: _l("Thông báo chuyển cơ quan có thẩm quyền"),
    LetterKind.ANSWER: _l("Văn bản trả lời"),
    LetterKind.REOPENING: _l("Thông báo tiếp nhận đề nghị xem xét lại"),
}

#: The history entry each letter announces.
EVENT_KINDS: dict[LetterKind, tuple[str, ...]] = {
    LetterKind.RECEIPT: (EventKind.SUBMIT,),
    LetterKind.INFO_REQUEST: (EventKind.REQUEST_INFO,),
    LetterKind.REFUSAL: (EventKind.REJECT, EventKind.MARK_DUPLICATE),
    LetterKind.TRANSFER: (EventKind.TRANSFER_OUT,),
    LetterKind.ANSWER: (EventKind.PUBLISH_ANSWER,),
    LetterKind.REOPENING: (EventKind.REOPEN,),
}
KIND_OF_EVENT = {str(e): kind for kind, events in EVENT_KINDS.items() for e in events}

#: Thông báo (TB) for what the office tells; công văn (CV) for what it asks or answers.
DOCUMENT_TYPE = {
    LetterKind.RECEIPT: "TB",
    LetterKind.INFO_REQUEST: "CV",
    LetterKind.REFUSAL: "TB",
    LetterKind.TRANSFER: "TB",
    LetterKind.ANSWER: "CV",
    LetterKind.REOPENING: "TB",
}

SUMMARIES = {
    LetterKind.RECEIPT: "Về việc tiếp nhận phản ánh, kiến nghị",
    LetterKind.INFO_REQUEST: "V/v đề nghị bổ sung thông tin phản ánh, kiến nghị",
    LetterKind.REFUSAL: "Về việc không tiếp nhận phản ánh, kiến nghị",
    LetterKind.TRANSFER: "Về việc chuyển phản ánh, kiến nghị đến cơ quan có thẩm quyền",
    LetterKind.ANSWER: "V/v trả lời phản ánh, kiến nghị",
    LetterKind.REOPENING: "Về việc tiếp nhận đề nghị xem xét lại kết quả trả lời",
}

DECREE_20 = (
    "Nghị định số 20/2008/NĐ-CP ngày 14 tháng 02 năm 2008 của Chính phủ về tiếp nhận, xử lý "
    "phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính (được sửa đổi, bổ sung bởi "
    "Nghị định số 48/2013/NĐ-CP và Nghị định số 92/2017/NĐ-CP)"
)

#: The legal basis printed under a refusal's reason (DOMAIN.md §2 and §3). Codes not listed
#: fall back to the decree as a whole.
LEGAL_BASIS = {
    "missing_required_info": f"Điều 7 {DECREE_20}: phản ánh, kiến nghị phải thể hiện rõ nội "
    "dung và ghi rõ tên, địa chỉ, số điện thoại hoặc địa chỉ thư tín của cá nhân, tổ chức.",
    "not_vietnamese": f"Điều 7 {DECREE_20}: phản ánh, kiến nghị được thể hiện bằng tiếng Việt.",
    "complaint_or_denunciation": f"Điều 1 {DECREE_20}, không điều chỉnh việc khiếu nại, tố cáo; "
    "khiếu nại, tố cáo được giải quyết theo Luật Khiếu nại và Luật Tố cáo.",
    "not_about_administrative_regulations": f"Điều 3 và Điều 5 {DECREE_20}, về phạm vi phản "
    "ánh, kiến nghị về quy định hành chính.",
    "legal_normative_document": f"Điều 1 {DECREE_20}; ý kiến về văn bản quy phạm pháp luật "
    "được gửi qua kênh tiếp nhận của Cổng Pháp luật quốc gia.",
    "duplicate": f"{DECREE_20}; nội dung đã được tiếp nhận và đang được xem xét, xử lý theo "
    "phản ánh, kiến nghị trước đó.",
}

#: The signer's position when the models know only the role (users have no job title).
DEFAULT_SIGNER_TITLES = {
    "unit_lead": "THỦ TRƯỞNG ĐƠN VỊ",
    "intake_officer": "CÁN BỘ TIẾP NHẬN",
    "handler": "CÁN BỘ XỬ LÝ",
    "supervisor": "LÃNH ĐẠO",
}


@dataclass
class LetterContent:
    """Every string of one letter, ready to lay out; stored as issued (``asdict``)."""

    kind: str
    document_type: str
    superior: str | None
    issuer: str
    reference: str
    place_date: str
    summary: str
    salutation: str | None
    paragraphs: list[str]
    recipients: list[str]
    signer_position: str | None
    signer_name: str | None
    signer_note: str | None = None
    title: str | None = None
    # Only for a receipt printed at the moment of receipt: never stored.
    access_key: str | None = field(default=None, compare=False)

    def to_stored(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("access_key")
        return data

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> LetterContent:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def vietnamese_date(day: date) -> str:
    """ "ngày 01 tháng 12 năm 2026": days below 10 and the months 1 and 2 get a leading zero
    (Decree 30/2020/NĐ-CP, Appendix I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date_line(day: date) -> str:
    place = current_app.config.get("LETTER_PLACE") or current_app.config["REPORT_PLACE"]
    return f"{place}, {vietnamese_date(day)}"


def unit_symbol(unit: Unit) -> str:
    """The issuing unit's abbreviation in the number and symbol: a setting per unit code,
    else the initials of its name without the place (Sở Tài nguyên và Môi trường → STNMT,
    Văn phòng Ủy ban nhân dân tỉnh Sóc Trăng → VPUBND)."""
    configured = current_app.config.get("LETTER_UNIT_SYMBOLS") or {}
    if unit.code in configured:
        return configured[unit.code]
    words = [w for w in unit.name.replace("-", " ").replace(",", " ").split() if w]
    folded = [fold(w) for w in words]
    initials = []
    for i, (word, key) in enumerate(zip(words, folded, strict=True)):
        pair = folded[i : i + 2]
        if i > 0 and (
            key in ("tinh", "huyen")
            or pair in (["thanh", "pho"], ["thi", "xa"], ["thi", "tran"])
            or (key in ("xa", "phuong", "quan") and folded[i - 1] == "dan")
        ):
            break
        if key == "va" or not key:
            continue
        initials.append(_bare_initial(word))
    return "".join(initials) or unit.code.upper()


def _bare_initial(word: str) -> str:
    first = unicodedata.normalize("NFD", word[0].upper())
    return "".join(ch for ch in first if not unicodedata.combining(ch))


def issuer_line(unit: Unit) -> str:
    """The issuing unit in capitals, without its superior's name where it repeats it: under
    "ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG", "Văn phòng Ủy ban nhân dân tỉnh Sóc Trăng" is printed
    "VĂN PHÒNG", as on the province's own letters."""
    name = unit.name.upper()
    if unit.parent is not None:
        superior = unit.parent.name.upper()
        if name.endswith(" " + superior):
            return name[: -len(superior)].strip()
    return name


def intake_unit() -> Unit | None:
    return db.session.scalar(
        sa.select(Unit).where(Unit.receives_intake.is_(True)).order_by(Unit.id).limit(1)
    )


def issuing_unit(case: Case, event: CaseEvent, kind: LetterKind) -> Unit:
    """Who issues the letter: the lead unit for its answers and reopenings; otherwise the
    unit of the officer who acted (the intake office, or a unit asking for information), or
    the intake office for what the citizen did on the web."""
    if kind in (LetterKind.ANSWER, LetterKind.REOPENING):
        unit = event.unit or case.lead_unit
        if unit is not None:
            return unit
    if event.actor is not None:
        return event.actor.unit
    unit = intake_unit() or case.lead_unit
    if unit is None:
        unit = db.session.scalar(sa.select(Unit).where(Unit.parent_id.is_(None)).limit(1))
    if unit is None:
        raise LookupError("no unit can issue this letter: the organisation has no units")
    return unit


def unit_head(unit: Unit) -> User | None:
    """The unit's lead (the head, who signs its answers), if it has one."""
    return db.session.scalar(
        sa.select(User)
        .where(User.unit_id == unit.id, User.role == Role.UNIT_LEAD, User.is_enabled)
        .order_by(User.id)
        .limit(1)
    )


def signer(case: Case, event: CaseEvent, kind: LetterKind, unit: Unit) -> User | None:
    """The officer who decided, or for an answer (and a reopening) the head of the unit that
    answers, else the officer who drafted the answer. Nobody for a web receipt without a head."""
    if kind in (LetterKind.ANSWER, LetterKind.REOPENING):
        return unit_head(unit) or case.answer_by or event.actor
    return event.actor or unit_head(unit)


def signer_position(user: User) -> str:
    titles = {**DEFAULT_SIGNER_TITLES, **(current_app.config.get("LETTER_SIGNER_TITLES") or {})}
    return titles.get(str(user.role), "")


def addressee(case: Case) -> str:
    if case.submitter_type is SubmitterType.ORGANISATION and case.organisation_name:
        return case.organisation_name
    return f"Ông/Bà {case.full_name}"


def _you(case: Case) -> str:
    return "Quý cơ quan, tổ chức" if case.submitter_type is SubmitterType.ORGANISATION else "Ông/Bà"


def assemble(
    case: Case, event: CaseEvent, kind: LetterKind, *, unit: Unit, reference: str
) -> LetterContent:
    """The letter's text for ``event``, issued by ``unit`` under ``reference``."""
    with force_locale("vi"):
        body, recipients = _BODIES[kind](case, event, unit)
    person = signer(case, event, kind, unit)
    doc_type = DOCUMENT_TYPE[kind]
    return LetterContent(
        kind=str(kind),
        document_type=doc_type,
        superior=unit.parent.name.upper() if unit.parent is not None else None,
        issuer=issuer_line(unit),
        reference=reference,
        place_date=place_date_line(local_date(event.at)),
        title="THÔNG BÁO" if doc_type == "TB" else None,
        summary=SUMMARIES[kind],
        salutation=f"Kính gửi: {addressee(case)}" if doc_type == "CV" else None,
        paragraphs=body,
        recipients=[*recipients, "Lưu: VT."],
        signer_position=signer_position(person) if person else None,
        signer_name=person.full_name if person else None,
        signer_note=None
        if person
        else "Văn bản được tạo từ Hệ thống tiếp nhận phản ánh, kiến nghị; không cần chữ ký.",
    )


def _about(case: Case) -> str:
    kind = str(labels.KIND_LABELS[case.kind]).lower()
    return f"{kind} về việc “{case.title}” (mã {case.reference_code})"


def _sender(case: Case) -> str:
    who = addressee(case)
    return f"{who} (địa chỉ: {case.address})"


def _track_line(case: Case) -> str:
    url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/track"
    return (
        f"{_you(case)} có thể theo dõi tình trạng xử lý tại {url} bằng mã phản ánh, kiến nghị "
        "và mã tra cứu được cấp khi tiếp nhận."
    )


def _paragraphs(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n") if p.strip()]


def _end(paragraphs: list[str]) -> list[str]:
    """The text ends with "./." (Decree 30/2020/NĐ-CP, Appendix I)."""
    last = paragraphs[-1].rstrip(" .")
    return [*paragraphs[:-1], f"{last}./."]


def _receipt(case: Case, event: CaseEvent, unit: Unit):
    received = vietnamese_date(local_date(case.received_at))
    channel = str(labels.CHANNEL_LABELS[case.channel]).lower()
    body = [
        f"{received.capitalize()}, {unit.name} đã tiếp nhận {_about(case)} của {_sender(case)}, "
        f"qua {channel}.",
        f"Phản ánh, kiến nghị đã được vào sổ với mã {case.reference_code}.",
    ]
    if case.triage_due_at is not None:
        due = vietnamese_date(last_local_day(case.triage_due_at))
        body.append(f"Thời hạn phân loại, chuyển đơn vị xử lý: đến hết {due}.")
    body.append(_track_line(case) + " Vui lòng giữ kín mã tra cứu.")
    body.append(f"{unit.name} thông báo để {_you(case)} được biết.")
    return _end(body), [f"{addressee(case)};"]


def _info_request(case: Case, event: CaseEvent, unit: Unit):
    received = vietnamese_date(local_date(case.received_at))
    window = current_app.config["NEEDS_INFO_WINDOW_WORKING_DAYS"]
    body = [
        f"{unit.name} nhận được {_about(case)} của {_you(case)}, tiếp nhận {received}.",
        f"Để có cơ sở xem xét, xử lý theo quy định tại {DECREE_20}, {unit.name} đề nghị "
        f"{_you(case)} bổ sung các thông tin sau:",
        *_paragraphs(event.note),
        f"Thông tin bổ sung xin gửi về {unit.name} hoặc trên trang tra cứu trong thời hạn "
        f"{window} ngày làm việc kể từ ngày nhận được văn bản này. Thời hạn xử lý phản ánh, "
        f"kiến nghị tạm dừng cho đến khi {_you(case)} bổ sung thông tin.",
        _track_line(case),
    ]
    return _end(body), ["Như trên;"]


def _refusal(case: Case, event: CaseEvent, unit: Unit):
    received = vietnamese_date(local_date(case.received_at))
    code = event.reason_code or ""
    reason = labels.REASON_LABELS.get(code)
    body = [
        f"{received.capitalize()}, {unit.name} nhận được {_about(case)} của {_sender(case)}.",
        f"Sau khi xem xét, {unit.name} thông báo không tiếp nhận phản ánh, kiến nghị nêu trên.",
        f"Lý do: {reason}." if reason else "Lý do:",
        *_paragraphs(event.note),
        f"Căn cứ: {LEGAL_BASIS.get(code, DECREE_20 + '.')}",
        f"{unit.name} thông báo để {_you(case)} được biết.",
    ]
    return _end(body), [f"{addressee(case)};"]


def _transfer(case: Case, event: CaseEvent, unit: Unit):
    received = vietnamese_date(local_date(case.received_at))
    agency = (event.details or {}).get("agency", "")
    letter = (event.details or {}).get("letter_number", "")
    authority = current_app.config["SITE_AUTHORITY"]
    body = [
        f"{received.capitalize()}, {unit.name} nhận được {_about(case)} của {_sender(case)}.",
        f"Nội dung phản ánh, kiến nghị không thuộc thẩm quyền xử lý của {authority}. Căn cứ "
        f"điểm d khoản 1 Điều 9 {DECREE_20}, {unit.name} đã chuyển phản ánh, kiến nghị của "
        f"{_you(case)} đến {agency} theo văn bản số {letter} để xem xét, xử lý theo thẩm quyền.",
        f"Đề nghị {_you(case)} liên hệ {agency} để theo dõi kết quả xử lý.",
        f"{unit.name} thông báo để {_you(case)} được biết.",
    ]
    return _end(body), [f"{addressee(case)};", f"{agency} (để xem xét, xử lý);"]


def _answer(case: Case, event: CaseEvent, unit: Unit):
    received = vietnamese_date(local_date(case.received_at))
    window = current_app.config["RECONSIDERATION_WINDOW_WORKING_DAYS"]
    office = intake_unit()
    body = [
        f"{unit.name} nhận được {_about(case)} của {_you(case)}, tiếp nhận {received}. "
        f"Sau khi xem xét, {unit.name} trả lời như sau:",
        *_paragraphs(case.answer_letter),
        f"Trường hợp chưa thống nhất với nội dung trả lời, {_you(case)} có thể đề nghị xem xét "
        f"lại trong thời hạn {window} ngày làm việc kể từ ngày nhận được văn bản này, trên "
        "trang tra cứu hoặc bằng văn bản gửi bộ phận tiếp nhận.",
        f"{unit.name} trả lời để {_you(case)} được biết.",
    ]
    recipients = ["Như trên;"]
    if office is not None and office.id != unit.id:
        recipients.append(f"{office.name} (để theo dõi);")
    return _end(body), recipients


def _reopening(case: Case, event: CaseEvent, unit: Unit):
    asked = vietnamese_date(local_date(event.at))
    body = [
        f"{asked.capitalize()}, {unit.name} nhận được đề nghị xem xét lại kết quả trả lời "
        f"{_about(case)} của {_sender(case)}.",
        f"{unit.name} đã tiếp nhận đề nghị và sẽ xem xét, trả lời {_you(case)} theo quy định.",
        _track_line(case),
        f"{unit.name} thông báo để {_you(case)} được biết.",
    ]
    return _end(body), [f"{addressee(case)};"]


_BODIES = {
    LetterKind.RECEIPT: _receipt,
    LetterKind.INFO_REQUEST: _info_request,
    LetterKind.REFUSAL: _refusal,
    LetterKind.TRANSFER: _transfer,
    LetterKind.ANSWER: _answer,
    LetterKind.REOPENING: _reopening,
}
