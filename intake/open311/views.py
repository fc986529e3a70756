"""The routes of GeoReport v2 (each in ``.json`` and ``.xml``) and the discovery file."""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from flask_babel import gettext as _

from intake import clock
from intake.api_keys.models import ApiKey, KeyKind
from intake.api_keys.operations import authenticate, bucket_of, limit_of
from intake.cases.operations import submit_case
from intake.open311 import formats, service_requests, services
from intake.open311.errors import Open311Error, about, language, localised
from intake.open311.submission import read_submission
from intake.web.lifecycle import perform

bp = Blueprint("open311", __name__)
FMT = "<any(json, xml):fmt>"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: When the shape of the discovery file and of the definitions last changed.
CHANGESET = "2026-12-01T00:00:00+07:00"
#: Calls without a key (reading services and requests) per client address.
ANONYMOUS_LIMIT = "60/minute"


def _given_key() -> str | None:
    """GeoReport's ``api_key`` parameter (in the form of a POST, or the query)."""
    value = request.form.get("api_key") or request.args.get("api_key")
    return value.strip() if value else None


def current_key() -> ApiKey | None:
    if "open311_key" not in g:
        g.open311_key = authenticate(_given_key())
    return g.open311_key


def rate_limit_value() -> str:
    return limit_of(current_key(), anonymous=ANONYMOUS_LIMIT)


def rate_limit_key() -> str:
    return bucket_of(current_key(), anonymous="open311-address")


@bp.get(f"/discovery.{FMT}")
@localised
def discovery(fmt: str):
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    production = current_app.config.get("ENV_NAME") == "production"
    document = {
        "changeset": CHANGESET,
        "contact": _(
            "Văn phòng UBND tỉnh, bộ phận tiếp nhận phản ánh, kiến nghị: %(url)s", url=base + "/"
        ),  # fmt: skip
        "key_service": _(
            "Khoá api_key do quản trị viên hệ thống cấp cho từng ứng dụng kết nối; liên hệ "
            "Văn phòng UBND tỉnh."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{base}/open311/v2",
                "changeset": CHANGESET,
                "type": "production" if production else "test",
                "formats": [formats.XML_TYPE, formats.JSON_TYPE],
            }
        ],
    }
    return formats.answer(fmt, "discovery", document)


@bp.get(f"/v2/services.{FMT}")
@localised
def service_list(fmt: str):
    return formats.answer(fmt, "services", services.services(language()))


@bp.get(f"/v2/services/<service_code>.{FMT}")
@localised
def service_definition(service_code: str, fmt: str):
    field = _field_or_404(service_code)
    return formats.answer(fmt, "service_definition", services.definition(field, language()))


@bp.post(f"/v2/requests.{FMT}")
@localised
def post_request(fmt: str):
    key = current_key()
    if key is None or key.kind is not KeyKind.CLIENT:
        raise Open311Error(403, about("api_key", _("Thiếu api_key hoặc api_key không hợp lệ.")))
    code = (request.form.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, about("service_code", _("Thiếu service_code.")))
    field = _field_or_404(code)
    submission = read_submission(request.form, field, key_id=key.id, locale=language())
    outcome = perform(
        lambda: submit_case(
            submission,
            actor="citizen",
            now=clock.now(),
            calendar=None,
        )
    )
    if not outcome.ok:
        refusal = outcome.refusal
        raise Open311Error(400, about(refusal.field or "request", str(refusal.message)))
    case = outcome.value.case
    notice = _(
        "Đã tiếp nhận. Kết quả phân loại trong thời hạn quy định; mã tra cứu được gửi riêng cho "
        "người gửi qua thư điện tử hoặc tin nhắn."
    )
    body = [{"service_request_id": case.reference_code, "service_notice": notice,
             "account_id": None}]  # fmt: skip
    return formats.answer(fmt, "service_requests", body, status=201)


@bp.get(f"/v2/requests.{FMT}")
@localised
def request_list(fmt: str):
    found = service_requests.search(request.args, now=clock.now())
    rows = [service_requests.as_request(case, language()) for case in found]
    return formats.answer(fmt, "service_requests", rows)


@bp.get(f"/v2/requests/<request_id>.{FMT}")
@localised
def request_detail(request_id: str, fmt: str):
    case = _case_or_404(request_id, "service_request_id")
    return formats.answer(fmt, "service_requests", [service_requests.as_request(case, language())])


@bp.get(f"/v2/tokens/<token>.{FMT}")
@localised
def token(token: str, fmt: str):
    """Every service is realtime: a POST answers the request's id, never a token. A client
    written for batch servers that asks anyway with the id gets the id back."""
    case = _case_or_404(token, "token")
    body = [{"service_request_id": case.reference_code, "token": token}]
    return formats.answer(fmt, "service_requests", body)


def _field_or_404(service_code: str):
    field = services.find_field(service_code)
    if field is None:
        raise Open311Error(404, about("service_code", _("Không có dịch vụ (lĩnh vực) với mã này.")))
    return field


def _case_or_404(code: str, parameter: str):
    case = service_requests.find(code)
    if case is None:
        raise Open311Error(404, about(parameter, _("Không có phản ánh, kiến nghị với mã này.")))
    return case
