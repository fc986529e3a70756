"""The password policy (OWASP ASVS 2.1) and password checks that take the same time whether
or not the account exists.

A password must have at least ``MIN_LENGTH`` characters (any characters, spaces and Vietnamese
letters included; no composition rules, ASVS 2.1.9), and must not be a common or leaked-style
password: one of ``data/common_passwords.txt``, such a word with digits or symbols around it
("matkhau@2026", "Password1234!"), or with its separators removed ("p-a-s-s-w-o-r-d"), a
repetition of a few characters, or built from the officer's own name or e-mail address.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12
MAX_LENGTH = 200
_LIST = Path(__file__).resolve().parent / "data" / "common_passwords.txt"
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_NOT_LETTERS = re.compile(r"[\W\d_]+")


def plain(text: str) -> str:
    """Lower case, without diacritics (đ -> d), symbols kept: the form passwords are compared in."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(plain(line.strip()) for line in lines if line.strip() and line[0] != "#")


def problem(password: str, *, email: str = "", full_name: str = ""):
    """Why ``password`` is refused (a translatable message), or None when it is acceptable."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return _l("Mật khẩu cần ít nhất %(min)d ký tự.", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Mật khẩu dài quá %(max)d ký tự.", max=MAX_LENGTH)
    text = plain(password)
    common = common_passwords()
    variants = {text, _EDGES.sub("", text), _NOT_LETTERS.sub("", text), re.sub(r"\s+", "", text)}
    if variants & common or _repetitive(text):
        return _l("Mật khẩu này quá phổ biến hoặc dễ đoán. Hãy chọn một cụm từ dài, khó đoán hơn.")
    letters = _NOT_LETTERS.sub("", text)
    if any(part in letters for part in _personal_parts(email, full_name)):
        return _l("Mật khẩu không được dựa trên họ tên hoặc địa chỉ thư điện tử của bạn.")
    return None


def _repetitive(text: str) -> bool:
    """ "aaaaaaaaaaaa", "abcabcabcabc", "121212121212": a few characters over and over."""
    if len(set(text)) < 4:
        return True
    return any(text == (text[:n] * (len(text) // n + 1))[: len(text)] for n in range(1, 5))


def _personal_parts(email: str, full_name: str) -> set[str]:
    local = plain((email or "").split("@")[0])
    name = plain(full_name or "")
    parts = {_NOT_LETTERS.sub("", local), _NOT_LETTERS.sub("", name)}
    parts |= {_NOT_LETTERS.sub("", p) for p in re.split(r"[\s._+-]+", f"{local} {name}")}
    return {p for p in parts if len(p) >= 4}


# --- checking a password in the same time for every account ----------------------------------


def hash_password(password: str) -> str:
    """The stored form of ``password``, by the configured method (``PASSWORD_HASH_METHOD``)."""
    return generate_password_hash(password, current_app.config["PASSWORD_HASH_METHOD"])


@functools.cache
def _dummy_hash(method: str) -> str:
    """A hash of no one's password, made like the real ones, checked when the account is
    unknown or disabled: the answer takes as long as for a real account."""
    return generate_password_hash("not-a-password-of-anyone", method)


def verify(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return False
    return check_password_hash(password_hash, password)
