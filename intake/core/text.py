"""Vietnamese text as it is stored and searched: NFC for storage and comparison, and a folded
form (no diacritics, đ -> d, lower case) so that "nguyen van an" finds "Nguyễn Văn An"."""

from __future__ import annotations

import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})
# Control characters other than tab and line breaks: never meant by a person, and NUL is refused
# outright by PostgreSQL.
_CONTROLS = str.maketrans({c: None for c in [*range(0, 9), 11, 12, *range(14, 32), 127]})


def nfc(text: str | None) -> str:
    """NFC, without control characters or surrounding white space: the one stored form."""
    return unicodedata.normalize("NFC", (text or "").translate(_CONTROLS)).strip()


def fold(text: str | None) -> str:
    """The search key: decomposed, combining marks dropped, đ to d, lower case, punctuation
    turned into spaces and spaces squeezed, so that words can be matched from their start."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_D_MAP))
    stripped = "".join(
        ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(stripped.lower().split())
