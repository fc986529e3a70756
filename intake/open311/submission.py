"""POST requests: GeoReport's parameters and attributes become the submission of Art. 7.

The checks are the web form's own (``intake.web.submission_form.SubmissionForm``, fed the
mapped values), so an item from Open311 meets exactly the rules of one from the web form; each
problem is reported under the GeoReport name the client sent (``attribute[title]``,
``description`` …). GeoReport's location (``address_string``, ``lat``/``long``,
``address_id``) and ``media_url`` have no column of their own: they are added to the content
for the officers, who redact it like any other content before anything is published."""

from __future__ import annotations

import dataclasses
import math
import re

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from intake.cases.models import Channel
from intake.cases.operations import CaseSubmission
from intake.extensions import db
from intake.open311 import services
from intake.open311.errors import Open311Error, about
from intake.org import choices
from intake.org.models import Field, Unit
from intake.web.submission_form import SubmissionForm

#: GeoReport's limit on ``description``.
DESCRIPTION_LIMIT = 4000
#: The web form's minimum for the content, applied to the description alone.
MIN_DESCRIPTION = 20
#: Labels of the lines added to the content: stored data, so in Vietnamese whatever the
#: client's language (words are translated when shown, never when written).
PLACE, ADDRESS_ID = "Địa điểm (Open311 address_string)", "Mã địa chỉ (Open311 address_id)"
POINT, MEDIA = "Tọa độ WGS84 (Open311 lat, long)", "Tệp đính kèm (Open311 media_url)"
ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,60})\](\[\])?$")

#: Where each of the form's fields came from, to report its errors under the client's name.
SOURCES = {
    "full_name": "first_name, last_name",
    "address": "attribute[submitter_address]",
    "content": "description",
    "field_id": "service_code",
    "concerned_unit_id": "attribute[concerned_unit]",
    "phone": "phone",
    "email": "email",
}


class _Form(SubmissionForm):
    class Meta:
        csrf = False


def read_submission(values: MultiDict, field: Field, *, key_id: int, locale: str) -> CaseSubmission:
    """The submission these POST values describe, or ``Open311Error(400)`` listing every
    problem."""
    attributes, problems = _attributes(values, field, locale)
    location, location_problems = _location(values)
    problems += location_problems
    description = (values.get("description") or "").strip()
    if description and not MIN_DESCRIPTION <= len(description) <= DESCRIPTION_LIMIT:
        problems.append(
            about(
                "description",
                _("Từ %(min)d đến %(max)d ký tự.", min=MIN_DESCRIPTION, max=DESCRIPTION_LIMIT),
            )  # fmt: skip
        )
    media_url = (values.get("media_url") or "").strip()
    if media_url and (len(media_url) > 500 or not re.match(r"^https?://\S+$", media_url)):
        problems.append(about("media_url", _("Cần một địa chỉ http:// hoặc https://.")))
    content = "\n\n".join(part for part in (description, *location, _media(media_url)) if part)
    name = " ".join(
        part for part in ((values.get("last_name") or "").strip(),
                          (values.get("first_name") or "").strip()) if part
    )  # fmt: skip
    form_data = MultiDict(
        {
            "submitter_type": attributes.get("submitter_type", ""),
            "organisation_name": attributes.get("organisation_name", ""),
            "tax_code": attributes.get("tax_code", ""),
            "full_name": name,
            "address": attributes.get("submitter_address", ""),
            "phone": values.get("phone", ""),
            "email": values.get("email", ""),
            "postal_address": attributes.get("postal_address", ""),
            "id_number": attributes.get("id_number", ""),
            "kind": attributes.get("kind", ""),
            "title": attributes.get("title", ""),
            "content": content if description else "",
            "proposed_solution": attributes.get("proposed_solution", ""),
            "field_id": str(field.id),
            "procedure": attributes.get("procedure", ""),
            "concerned_unit_id": _unit_id(attributes.get("concerned_unit")),
        }
    )
    for flag in ("consent_to_publish", "declared_truthful"):
        if attributes.get(flag) == services.YES:
            form_data[flag] = "y"
    form = _Form(formdata=form_data)
    form.field_id.choices = [(str(field.id), field.name)]
    form.concerned_unit_id.choices = choices.unit_choices(locale)
    valid = form.validate()
    procedure_id = choices.procedure_id_from_form(form)
    reported = {problem.split(":", 1)[0] for problem in problems}
    for name, messages in form.errors.items():
        source = SOURCES.get(name, f"attribute[{name}]")
        if source not in reported:  # a missing attribute is said once, not twice
            problems.extend(about(source, str(message)) for message in messages)
    if problems or not valid:
        raise Open311Error(400, *(problems or [_("Yêu cầu không hợp lệ.")]))
    submission = form.to_submission([], procedure_id, attributes.get("language") or "vi")
    return dataclasses.replace(submission, channel=Channel.APP, client_key_id=key_id)


def _attributes(values: MultiDict, field: Field, locale: str) -> tuple[dict, list[str]]:
    """``attribute[code]=value`` checked against the definition: known codes, listed values,
    required ones present."""
    definition = {a.code: a for a in services.attributes_for(field, locale) if a.variable}
    given: dict[str, str] = {}
    problems = []
    for key in values:
        match = ATTRIBUTE.match(key)
        if not key.startswith("attribute"):
            continue
        code = match.group(1) if match else key
        attribute = definition.get(code)
        if attribute is None:
            problems.append(about(key, _("Thuộc tính không có trong định nghĩa của dịch vụ.")))
            continue
        chosen = [v.strip() for v in values.getlist(key) if v.strip()]
        if len(chosen) > 1:
            problems.append(about(key, _("Chỉ được chọn một giá trị.")))
            continue
        value = chosen[0] if chosen else ""
        if value and attribute.values and value not in {k for k, _n in attribute.values}:
            problems.append(about(key, _("Giá trị không có trong danh sách của thuộc tính.")))
            continue
        given[code] = value
    for code, attribute in definition.items():
        if attribute.required and not given.get(code):
            problems.append(about(f"attribute[{code}]", _("Thuộc tính bắt buộc.")))
    return given, problems


def _location(values: MultiDict) -> tuple[list[str], list[str]]:
    """GeoReport's location: ``lat`` and ``long``, or ``address_string``, or ``address_id``."""
    lines, problems = [], []
    address = (values.get("address_string") or "").strip()
    address_id = (values.get("address_id") or "").strip()
    lat, long = (values.get("lat") or "").strip(), (values.get("long") or "").strip()
    if address:
        lines.append(f"{PLACE}: {address[:500]}")
    if address_id:
        lines.append(f"{ADDRESS_ID}: {address_id[:100]}")
    if lat or long:
        point = _point(lat, long)
        if point is None:
            problems.append(about("lat, long", _("Cần cả vĩ độ và kinh độ (WGS84), dạng số.")))
        else:
            lines.append(f"{POINT}: {point[0]}, {point[1]}")
    if not lines and not problems:
        problems.append(
            about("address_string", _("Cần address_string, hoặc lat và long, hoặc address_id."))
        )
    return lines, problems


def _point(lat: str, long: str) -> tuple[float, float] | None:
    try:
        point = float(lat), float(long)
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in point):
        return None
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        return None
    return point


def _media(url: str) -> str:
    return f"{MEDIA}: {url}" if url else ""


def _unit_id(code: str | None) -> str:
    """The unit's id for the form's select, from the unit code the client sent."""
    if not code:
        return ""
    unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.code == code))
    return str(unit_id) if unit_id is not None else ""
