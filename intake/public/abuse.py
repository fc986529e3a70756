"""Abuse controls on /submit that never lose a genuine item: a honeypot field, a minimum time
between opening the form and sending it (a signed timestamp in the form), and limits per
client address and per e-mail and phone, counted in the rate limiter's shared storage. What
is refused is shown again with everything typed and a message saying why and what to do, so
a person who tripped a control only has to send again."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, Signer

from intake import clock
from intake.web import throttle

_SALT = "submission-form-started"


@dataclass(frozen=True)
class Refusal:
    message: str
    status: int


def started_stamp() -> str:
    """The signed time the form was opened, for its hidden ``started`` field."""
    return _signer().sign(str(int(clock.now().timestamp()))).decode()


def keep_or_renew_stamp(value: str | None) -> str:
    """The posted stamp when it is ours, so that a form shown again keeps counting from the
    moment it was first opened; otherwise a fresh one."""
    return value if value and _opened_at(value) is not None else started_stamp()


def refusal_for(form) -> Refusal | None:
    """Why this otherwise valid submission is refused, or ``None``. Nothing is counted."""
    if form.homepage.data:
        form.homepage.data = ""  # a person's browser filled it: the next try passes
        return Refusal(
            _(
                "Ô “Để trống ô này” phải để trống (ô này dùng để chặn gửi tự động). Chúng tôi "
                "đã xóa nội dung ô đó; vui lòng kiểm tra lại rồi gửi lại."
            ),
            422,
        )
    minimum = float(current_app.config["SUBMIT_MIN_FILL_SECONDS"])
    if minimum > 0:
        opened = _opened_at(form.started.data or "")
        if opened is None or clock.now().timestamp() - opened < minimum:
            if opened is None:
                form.started.data = started_stamp()
            return Refusal(
                _(
                    "Biểu mẫu được gửi quá nhanh sau khi mở. Nội dung bạn nhập vẫn còn nguyên: "
                    "vui lòng đọc lại rồi bấm “Gửi phản ánh, kiến nghị” lần nữa."
                ),
                422,
            )
    address_ok = throttle.allowed("SUBMIT_ADDRESS_LIMIT", throttle.client_address())
    contacts_ok = all(throttle.allowed("SUBMIT_CONTACT_LIMIT", c) for c in _contacts(form))
    if not (address_ok and contacts_ok):
        return Refusal(
            _(
                "Đã có nhiều phản ánh, kiến nghị được gửi từ thiết bị, thư điện tử hoặc số điện "
                "thoại này trong thời gian ngắn. Nội dung bạn nhập vẫn còn nguyên bên dưới: "
                "vui lòng gửi lại sau ít phút, hoặc gọi đường dây nóng %(hotline)s.",
                hotline=current_app.config["SITE_HOTLINE"],
            ),
            429,
        )
    return None


def count_submission(form) -> None:
    """Count an item that was logged, against the address and each contact it gave."""
    throttle.count("SUBMIT_ADDRESS_LIMIT", throttle.client_address())
    for contact in _contacts(form):
        throttle.count("SUBMIT_CONTACT_LIMIT", contact)


def _contacts(form) -> list[str]:
    """The e-mail and phone as keys: digests, so that the shared storage holds no contact."""
    values = [
        "email:" + (form.email.data or "").strip().lower(),
        "phone:" + (form.phone.data or "").strip(),
    ]
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return [
        hmac.new(secret, v.encode(), hashlib.sha256).hexdigest()[:32]
        for v in values
        if not v.endswith(":")
    ]


def _signer() -> Signer:
    return Signer(str(current_app.config["SECRET_KEY"]), salt=_SALT)


def _opened_at(value: str) -> float | None:
    try:
        return float(_signer().unsign(value).decode())
    except (BadSignature, ValueError):
        return None
