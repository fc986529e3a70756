"""Friendly error pages in the visitor's language. No stack trace ever reaches a browser, and a
failed request's transaction is rolled back so that nothing half-done is committed later."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from intake.extensions import db

#: Doors for programs answer errors in their own format (the API's problem details, Open311's
#: error lists): (path prefix, renderer of an HTTPException), asked before the HTML pages.
_FORMATS: list[tuple[str, Callable[[HTTPException], object]]] = []


def answer_under(prefix: str, renderer: Callable[[HTTPException], object]) -> None:
    if all(known != prefix for known, _renderer in _FORMATS):
        _FORMATS.append((prefix, renderer))


def _renderer_for_path():
    path = request.path
    for prefix, renderer in _FORMATS:
        if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            return renderer
    return None


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _csrf_error(error: CSRFError):
    return (
        render_template(
            "errors/error.html",
            code=400,
            title=_("Phiên làm việc đã hết hạn"),
            message=_(
                "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng quay lại, tải lại trang và gửi "
                "lại. Thông tin chưa được ghi nhận."
            ),
        ),
        400,
    )


def _http_error(error: HTTPException):
    db.session.rollback()
    renderer = _renderer_for_path()
    if renderer is not None:
        return renderer(error)
    titles = {
        400: (_("Yêu cầu không hợp lệ"), _("Yêu cầu gửi lên không hợp lệ.")),
        403: (_("Không có quyền truy cập"), _("Bạn không có quyền xem trang này.")),
        404: (
            _("Không tìm thấy trang"),
            _("Trang bạn tìm không tồn tại hoặc đã được chuyển đi."),
        ),
        405: (_("Yêu cầu không hợp lệ"), _("Phương thức này không được hỗ trợ cho trang này.")),
        413: (
            _("Tệp gửi lên quá lớn"),
            _(
                "Tổng dung lượng gửi lên vượt quá giới hạn. Mỗi tệp tối đa 10 MB, tối đa 5 tệp. "
                "Vui lòng giảm dung lượng tệp rồi gửi lại."
            ),
        ),
        429: (
            _("Quá nhiều lần thử"),
            _("Bạn đã thử quá nhiều lần trong thời gian ngắn. Vui lòng đợi vài phút rồi thử lại."),
        ),
    }
    title, message = titles.get(
        error.code or 500, (_("Đã có lỗi xảy ra"), _("Yêu cầu không thể xử lý."))
    )
    response = render_template(
        "errors/error.html",
        code=error.code,
        title=title,
        message=message,
        layout="officer/_layout.html" if _signed_in() else "base.html",
    )
    return response, error.code


def _signed_in() -> bool:
    """An officer who mistypes a link keeps their own menu. Only for 4xx pages: after an
    unexpected error the database may be the very thing that fails, so those stay plain."""
    from flask_login import current_user

    try:
        return bool(current_user.is_authenticated)
    except Exception:  # noqa: BLE001 — an error page must render whatever went wrong
        return False


def _unexpected_error(error: Exception):
    # Logged with its traceback for the operators; the visitor sees only an apology.
    db.session.rollback()
    from flask import current_app

    current_app.logger.exception("Unhandled error")
    renderer = _renderer_for_path()
    if renderer is not None:
        from werkzeug.exceptions import InternalServerError

        return renderer(InternalServerError())
    return (
        render_template(
            "errors/error.html",
            code=500,
            title=_("Hệ thống đang gặp sự cố"),
            message=_(
                "Đã có lỗi ngoài ý muốn. Thông tin bạn đã gửi thành công trước đó không bị mất. "
                "Vui lòng thử lại sau ít phút."
            ),
        ),
        500,
    )
