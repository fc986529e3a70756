"""GeoReport v2's errors: a list of ``{code, description}`` (``<errors><error>…``), with the
HTTP status the specification names: 404 for what does not exist, 403 for a missing or wrong
``api_key``, 400 for any other request that cannot be fulfilled (and 405, 413, 429 as HTTP
says). ``code`` is the HTTP status; ``description`` is for people, in the language of
``Accept-Language`` (Vietnamese unless English is asked for), and names the parameter it is
about first (``attribute[title]: …``) so that a program can tell the errors apart."""

from __future__ import annotations

import functools

from flask import request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from intake.open311 import formats


class Open311Error(HTTPException):
    """Raised by the views: one or more messages, all with one status."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(description="; ".join(descriptions))
        self.code = status
        self.descriptions = list(descriptions)


def about(parameter: str, message: str) -> str:
    return f"{parameter}: {message}"


def language() -> str:
    """The reader's language: GeoReport has no parameter for it, so ``Accept-Language``."""
    return request.accept_languages.best_match(("vi", "en"), default="vi")


def localised(function):
    """Run ``function`` (a view, the error renderer) in the language of ``language()``."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with force_locale(language()):
            return function(*args, **kwargs)

    return wrapper


def render(error: HTTPException):
    """Any HTTP error under /open311 (the app's error handlers ask this), in the format the
    path asks for."""
    status = error.code or 500
    if isinstance(error, Open311Error):
        descriptions = error.descriptions
    else:
        descriptions = [_default_description(status)]
    body = [{"code": status, "description": text} for text in descriptions]
    response = formats.answer(formats.format_of_path(request.path), "errors", body, status)
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    retry_after = getattr(error, "retry_after", None)
    if status == 429 and retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _default_description(status: int) -> str:
    return {
        400: _("Yêu cầu không hợp lệ."),
        403: _("Thiếu api_key hoặc api_key không hợp lệ."),
        404: _("Không tìm thấy."),
        405: _("Phương thức này không được hỗ trợ ở địa chỉ này."),
        413: _("Dữ liệu gửi lên quá lớn."),
        429: _("Quá nhiều yêu cầu. Vui lòng thử lại sau."),
    }.get(status, _("Yêu cầu không thể xử lý."))
