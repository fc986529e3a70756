"""Reference codes and access keys that a citizen reads, types on a phone and dictates by phone.

Both use Crockford's base-32 alphabet (no I, L, O, U), so that 0/O and 1/I/L typed either way
still match. Codes are random, not sequential: a code reveals neither how many items exist nor
which is next. Access keys are derived from a secret and the form's one-time submission token,
so that a browser resubmitting the same form is shown the same key again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
CODE_PREFIX = "PAKN"


def new_reference_code(year: int, randbelow=secrets.randbelow) -> str:
    """``PAKN-2026-K7Q4-M9XD``: 40 random bits, about a trillion codes a year."""
    body = "".join(ALPHABET[randbelow(32)] for _ in range(8))
    return f"{CODE_PREFIX}-{year:04d}-{body[:4]}-{body[4:]}"


def normalise_reference_code(text: str) -> str:
    """Accept what people type: any case, spaces, missing dashes, O for 0 and I or L for 1."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    if not compact.startswith(CODE_PREFIX) or len(compact) != len(CODE_PREFIX) + 12:
        return compact
    year, body = compact[4:8], compact[8:].translate(_CONFUSABLE)
    return f"{CODE_PREFIX}-{year}-{body[:4]}-{body[4:]}"


def derive_access_key(secret: str | bytes, token: str) -> str:
    """``K7Q4M-9XD2A``: 50 bits of an HMAC over the submission token."""
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, token.encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big") >> 14  # keep 50 bits
    return _format_key(number)


def new_access_key() -> str:
    """A random key, for items recorded by an officer (no browser form to resubmit)."""
    return _format_key(secrets.randbits(50))


def normalise_access_key(text: str) -> str:
    compact = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_CONFUSABLE)
    return f"{compact[:5]}-{compact[5:]}" if len(compact) == 10 else compact


def _format_key(number: int) -> str:
    chars = []
    for _ in range(10):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    body = "".join(reversed(chars))
    return f"{body[:5]}-{body[5:]}"
