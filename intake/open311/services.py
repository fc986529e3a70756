"""What a citizen can report about (GeoReport "services"): our fields (lĩnh vực), grouped by
the department that leads each, and the definition of each: the content of Art. 7 that
GeoReport's own parameters do not carry, as attributes.

Each attribute's ``code`` is the name a client posts it under (``attribute[title]=…``)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from intake import clock
from intake.cases.labels import KIND_LABELS, SUBMITTER_TYPE_LABELS
from intake.cases.models import CaseKind, SubmitterType
from intake.core.calendar import local_date
from intake.extensions import db
from intake.org.models import Field, Procedure, RoutingRule, Unit, UnitKind

OTHER_GROUP = _l("Lĩnh vực khác")
#: Words that lead people to every service, besides its own name and group.
KEYWORDS = _l("phản ánh, kiến nghị, quy định hành chính, thủ tục hành chính")
YES, NO = "true", "false"


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str  # string, number, datetime, text, singlevaluelist, multivaluelist
    required: bool
    description: object  # a lazy string: in the reader's language when dumped
    datatype_description: object = None
    values: tuple = ()  # (key, name) pairs for the lists
    variable: bool = True


def _kind_values():
    return tuple((k.value, KIND_LABELS[k]) for k in CaseKind)


def _submitter_values():
    return tuple((t.value, SUBMITTER_TYPE_LABELS[t]) for t in SubmitterType)


def common_attributes() -> list[Attribute]:
    """The attributes of every service, in the order a form would ask them."""
    return [
        Attribute(
            "submitter_type",
            "singlevaluelist",
            True,
            _l("Người gửi là cá nhân hay tổ chức, doanh nghiệp."),
            values=_submitter_values(),
        ),
        Attribute(
            "submitter_address",
            "string",
            True,
            _l(
                "Địa chỉ liên hệ của người gửi (bắt buộc theo Điều 7). Khác với address_string, "
                "là nơi xảy ra sự việc."
            ),
            _l("Từ 5 đến 500 ký tự."),
        ),
        Attribute(
            "postal_address",
            "string",
            False,
            _l(
                "Địa chỉ nhận thư (bưu điện), nếu người gửi muốn nhận văn bản trả lời qua bưu "
                "điện. Cần thư điện tử (email) hoặc địa chỉ này."
            ),
            _l("Từ 5 đến 500 ký tự."),
        ),
        Attribute(
            "organisation_name",
            "string",
            False,
            _l("Tên tổ chức, doanh nghiệp (bắt buộc khi người gửi là tổ chức)."),
            _l("Tối đa 255 ký tự."),
        ),
        Attribute(
            "tax_code",
            "string",
            False,
            _l("Mã số thuế của tổ chức, doanh nghiệp."),
            _l("10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số."),
        ),
        Attribute(
            "id_number",
            "string",
            False,
            _l("Số căn cước công dân (CCCD) hoặc chứng minh nhân dân của người gửi."),
            _l("12 chữ số (CMND cũ: 9 chữ số)."),
        ),
        Attribute(
            "kind",
            "singlevaluelist",
            True,
            _l("Phản ánh (về hành vi, quy định hành chính) hay kiến nghị (kèm giải pháp đề xuất)."),
            values=_kind_values(),
        ),
        Attribute(
            "title",
            "string",
            True,
            _l("Tiêu đề ngắn của phản ánh, kiến nghị."),
            _l("Từ 5 đến 300 ký tự."),
        ),
        Attribute(
            "proposed_solution",
            "text",
            False,
            _l("Giải pháp đề xuất (bắt buộc với kiến nghị)."),
            _l("Tối đa 20.000 ký tự."),
        ),
    ]


def closing_attributes() -> list[Attribute]:
    yes_no = ((YES, _l("Có")), (NO, _l("Không")))
    return [
        Attribute(
            "declared_truthful",
            "singlevaluelist",
            True,
            _l(
                "Người gửi cam đoan nội dung phản ánh, kiến nghị là trung thực và chịu trách "
                "nhiệm trước pháp luật về nội dung này (phải là true)."
            ),
            values=((YES, _l("Có")),),
        ),
        Attribute(
            "consent_to_publish",
            "singlevaluelist",
            False,
            _l(
                "Người gửi đồng ý để nội dung (đã xóa thông tin cá nhân) được công khai cùng kết "
                "quả trả lời. Mặc định: không."
            ),
            values=yes_no,
        ),
        Attribute(
            "language",
            "singlevaluelist",
            False,
            _l("Ngôn ngữ của các thông báo gửi người gửi. Mặc định: tiếng Việt."),
            values=(("vi", _l("Tiếng Việt")), ("en", _l("Tiếng Anh"))),
        ),
        Attribute(
            "access_key_notice",
            "string",
            False,
            _l(
                "Mã tra cứu của phản ánh, kiến nghị được gửi riêng cho người gửi qua thư điện tử "
                "hoặc tin nhắn (SMS) kèm thông báo tiếp nhận; không bao giờ có trong các câu trả "
                "lời của giao diện này."
            ),
            variable=False,
        ),
    ]


def active_fields() -> list[Field]:
    return list(db.session.scalars(sa.select(Field).where(Field.is_active).order_by(Field.name)))


def find_field(code: str) -> Field | None:
    if not code or len(code) > 40:
        return None
    return db.session.scalar(sa.select(Field).where(Field.code == code, Field.is_active))


def services(locale: str) -> list[dict]:
    """GET services: every active field, grouped by the unit its routing rule names."""
    leads = dict(
        db.session.execute(
            sa.select(RoutingRule.field_id, Unit).join(Unit, RoutingRule.unit_id == Unit.id)
            .where(RoutingRule.field_id.is_not(None))
        ).all()
    )  # fmt: skip
    rows = []
    for field in active_fields():
        unit = leads.get(field.id)
        group = unit.display_name(locale) if unit is not None else str(OTHER_GROUP)
        name = field.display_name(locale)
        rows.append(
            {
                "service_code": field.code,
                "service_name": name,
                "description": _service_description(name, group),
                "metadata": True,
                "type": "realtime",
                "keywords": ", ".join(
                    dict.fromkeys([field.name, field.name_en or field.name, str(KEYWORDS)])
                ),  # fmt: skip
                "group": group,
            }
        )
    return sorted(rows, key=lambda row: (row["group"], row["service_name"]))


def _service_description(name: str, group: str) -> str:
    return str(
        _l(
            "Phản ánh, kiến nghị về quy định hành chính, thủ tục hành chính thuộc lĩnh vực "
            "%(name)s (%(group)s).",
            name=name,
            group=group,
        )
    )


def attributes_for(field: Field, locale: str) -> list[Attribute]:
    """The definition's attributes: the common ones, the procedures of this field and the
    units an item may concern (when there are any), then the declarations."""
    specific = []
    procedures = procedure_values(field)
    if procedures:
        specific.append(
            Attribute(
                "procedure",
                "singlevaluelist",
                False,
                _l("Thủ tục hành chính liên quan (mã thủ tục quốc gia), nếu có."),
                values=procedures,
            )
        )
    units = unit_values(locale)
    if units:
        specific.append(
            Attribute(
                "concerned_unit",
                "singlevaluelist",
                False,
                _l("Cơ quan, đơn vị liên quan (mã đơn vị), nếu người gửi biết."),
                values=units,
            )
        )
    return [*common_attributes(), *specific, *closing_attributes()]


def procedure_values(field: Field) -> tuple:
    rows = db.session.execute(
        sa.select(Procedure.national_code, Procedure.name)
        .where(Procedure.field_id == field.id, Procedure.is_active)
        .order_by(Procedure.name)
    )
    return tuple((code, name) for code, name in rows)


def unit_values(locale: str) -> tuple:
    today = local_date(clock.now())
    units = db.session.scalars(
        sa.select(Unit).where(Unit.kind != UnitKind.EXTERNAL).order_by(Unit.name)
    )
    return tuple((u.code, u.display_name(locale)) for u in units if u.is_active_on(today))


def definition(field: Field, locale: str) -> dict:
    """GET service definition: ``{service_code, attributes: [...]}``."""
    attributes = []
    for order, attribute in enumerate(attributes_for(field, locale), start=1):
        row = {
            "variable": attribute.variable,
            "code": attribute.code,
            "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": _str(attribute.datatype_description),
            "order": order,
            "description": str(attribute.description),
        }
        if attribute.values:
            row["values"] = [{"key": key, "name": str(name)} for key, name in attribute.values]
        attributes.append(row)
    return {"service_code": field.code, "attributes": attributes}


def _str(value) -> str | None:
    return None if value is None else str(value)
