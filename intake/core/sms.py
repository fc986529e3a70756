"""SMS text as a gateway counts it: which alphabet a text needs, how many parts it is sent in,
and the unaccented form that fits Vietnamese into the cheaper alphabet.

A text that uses only the GSM 03.38 alphabet goes as 7-bit septets: 160 in one part, 153 per
part of a longer message (the rest of each part carries the header that joins them); the
extension characters (``{ } [ ] ~ \\ | ^ €``) take two septets and never straddle two parts.
Anything else (every accented Vietnamese letter but a few) goes as UCS-2: 70 UTF-16 units in
one part, 67 per part, and a character outside the BMP is two units that stay together.
Providers charge per part, which is why the unaccented setting exists.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# The GSM 03.38 default alphabet (basic table) and its extension table, as Unicode.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7, UCS2 = "gsm7", "ucs2"
SINGLE = {GSM7: 160, UCS2: 70}
PER_PART = {GSM7: 153, UCS2: 67}

_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})
# Typography a phone keyboard never needs, mapped into the GSM alphabet.
_PUNCTUATION = str.maketrans(
    {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "\u00a0": " "}
)


@dataclass(frozen=True)
class SmsCount:
    encoding: str  # GSM7 or UCS2
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def unaccented(text: str) -> str:
    """Vietnamese without its diacritics (đ → d, case kept): "Đã tiếp nhận" → "Da tiep nhan".

    Letters of the GSM alphabet that carry an accent of their own (é, à …) lose it too, so the
    text reads the same throughout."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP).translate(_PUNCTUATION))
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def encoding_of(text: str) -> str:
    return GSM7 if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text) else UCS2


def _unit_sizes(text: str, encoding: str) -> list[int]:
    if encoding == GSM7:
        return [2 if ch in GSM_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def count(text: str) -> SmsCount:
    """The alphabet, the length in its units, and the number of parts a gateway sends."""
    encoding = encoding_of(text)
    sizes = _unit_sizes(text, encoding)
    units = sum(sizes)
    if units <= SINGLE[encoding]:
        return SmsCount(encoding, units, 1 if units else 0)
    # Fill each part greedily; a two-unit character that does not fit starts the next part.
    segments, used, limit = 1, 0, PER_PART[encoding]
    for size in sizes:
        if used + size > limit:
            segments, used = segments + 1, 0
        used += size
    return SmsCount(encoding, units, segments)
