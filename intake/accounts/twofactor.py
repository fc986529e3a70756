"""Two-factor sign-in: a time-based one-time code (TOTP, RFC 6238, as Google Authenticator,
Microsoft Authenticator or FreeOTP compute it) or a single-use recovery code.

A code is accepted for the 30-second step it belongs to and one step either side (a phone's
clock a little off), and never twice: the step of the last accepted code is kept. Recovery codes
are stored as an HMAC keyed with the secret key; each works once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app

from intake.accounts.models import User
from intake.accounts.security_models import RecoveryCode
from intake.extensions import db

RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
STEP_SECONDS = 30


def required_for(user: User) -> bool:
    config = current_app.config
    return bool(config["REQUIRE_2FA"]) and user.role.value in set(config["TWO_FACTOR_ROLES"])


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, the length RFC 4226 recommends


def provisioning_uri(user: User, secret: str) -> str:
    issuer = current_app.config["TWO_FACTOR_ISSUER"]
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str, title: str) -> str:
    """The QR code as inline SVG markup (no script, no style attribute: CSP allows it)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=4, light="#fff", title=title)


def grouped(secret: str) -> str:
    """The secret as people type it by hand: groups of four."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, now: datetime, after: int | None) -> int | None:
    """The time step whose code ``code`` is (this one or a neighbour), if later than ``after``."""
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and (after is None or step > after):
            return step
    return None


def verify_code(user: User, code: str, now: datetime) -> bool:
    """A TOTP code of the user's own secret, not used before; remembers its step."""
    if not user.has_two_factor:
        return False
    step = matching_step(user.totp_secret, code, now, user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    return True


def enable(user: User, secret: str, step: int, now: datetime) -> list[str]:
    user.totp_secret = secret
    user.totp_enabled_at = now
    user.totp_last_step = step
    return new_recovery_codes(user, now)


def remove_two_factor(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _code_hash(code: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"recovery:" + code.encode(), hashlib.sha256).hexdigest()


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", (code or "").lower())


def new_recovery_codes(user: User, now: datetime) -> list[str]:
    """Ten fresh codes (``abcde-fghjk``, 49 bits each), replacing any earlier ones; shown once."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_code_hash(raw), created_at=now))
    return codes


def use_recovery_code(user: User, code: str, now: datetime) -> bool:
    """Spend one unused recovery code of ``user``; the UPDATE makes it single-use even when
    two requests present it at once."""
    raw = _normalise(code)
    if not user.has_two_factor or not re.fullmatch(f"[{_RECOVERY_ALPHABET}]{{10}}", raw):
        return False
    result = db.session.execute(
        sa.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _code_hash(raw),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return bool(result.rowcount)


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )
