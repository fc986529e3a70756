"""Personal data in text that is about to be published: find it, mask it, or mark it for review.

Answered petitions are published, and Decree 13/2023 forbids publishing a citizen's personal data,
so identity numbers, phone numbers and e-mail addresses are masked first, then what the service
knows of the submitter (``Known``: their name, address, phone, e-mail, ID and tax code, found in
any case and with or without diacritics), and names after a form of address ("bà Nguyễn Thị
Hoa"). Where a rule has to choose, it leans towards masking: a missed name is a leak, an extra
mask only hides a word; the reviewer still reads the result before anything is published."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers


class Kind(enum.StrEnum):
    """What a finding is; the value is stable so it can be logged or stored alongside a review."""

    ID_NUMBER = "id_number"
    PHONE = "phone"
    EMAIL = "email"
    NAME = "name"
    ADDRESS = "address"
    TAX_CODE = "tax_code"


# The stored, published text keeps Vietnamese; the web layer translates these for display.
PLACEHOLDERS: dict[Kind, str] = {
    Kind.ID_NUMBER: "[số định danh đã ẩn]",
    Kind.PHONE: "[số điện thoại đã ẩn]",
    Kind.EMAIL: "[email đã ẩn]",
    Kind.NAME: "[họ tên đã ẩn]",
    Kind.ADDRESS: "[địa chỉ đã ẩn]",
    Kind.TAX_CODE: "[mã số thuế đã ẩn]",
}


@dataclass(frozen=True)
class Finding:
    """One piece of personal data, located in the original text so it can be masked or marked."""

    kind: Kind
    start: int
    end: int
    text: str


# On overlap the longer candidate wins; at equal length, the kind listed first here.
_PRIORITY = {
    Kind.EMAIL: 0,
    Kind.PHONE: 1,
    Kind.ID_NUMBER: 2,
    Kind.TAX_CODE: 3,
    Kind.ADDRESS: 4,
    Kind.NAME: 5,
}


@dataclass(frozen=True)
class Known:
    """What the service knows about the submitter, to be found wherever it was written."""

    full_name: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    id_number: str | None = None
    tax_code: str | None = None


_EMAIL = re.compile(
    # Local part: ASCII, as virtually every real mailbox is, with "+" for plus-addressing. It must
    # start and end with a letter, digit or "_" so "email:.an@x.vn" does not take in the stray
    # dot. No look-behind: a finditer match starts as far left as it can, so "email:an@x.vn" gives
    # "an@x.vn", and a Vietnamese letter glued to the address ("hệan@x.vn") still leaves the
    # address masked. Lengths are bounded (RFC 5321: 64 for the local part, 63 for a label) so a
    # long run of letters cannot make the search quadratic in the run.
    r"[A-Za-z0-9_](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_%+\-])?"
    r"@"
    # Domain: labels that neither start nor end with a hyphen, then a letters-only top-level
    # domain; that last rule is what leaves a sentence's final "." ("...@gmail.com.") outside.
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)

_ID_NUMBER = re.compile(
    # Digit look-arounds rather than \b: Python counts Vietnamese letters as word characters, so
    # \b would miss "số094123456789", and the look-arounds are what stop a 12- or 9-digit match
    # inside a 13+ digit bank account. Ten and eleven digit runs are deliberately not IDs (tax
    # codes, phone numbers).
    r"(?<!\d)(?:\d{12}|\d{9}"
    # A CCCD is sometimes written in groups (094 123 456 789, 0941 2345 6789). Only a leading 0 is
    # accepted in grouped form: every CCCD starts with a province code 001-096, while an amount
    # grouped by thousands ("123 456 789 012") never starts with 0. The old 9-digit CMND is not
    # matched grouped, since "365 123 456" is just as likely an amount.
    r"|0\d{2}([ .\-])\d{3}\1\d{3}\1\d{3}|0\d{3}([ .\-])\d{4}\2\d{4})(?!\d)"
)

# libphonenumber's matcher takes a run of digit groups whole, or splits it only where a slash,
# bracket or spaced hyphen says so; it misses a phone followed by another number ("0912 345 678
# 2 lần", "... 678 2026") or two numbers glued by a hyphen. For those, a second pass cuts runs
# into pieces and keeps the longest valid stretch. A piece is a run of digits, optionally with a
# leading "+", or a bracketed group such as "(+84)", "(0)" or "(0299)". Pieces separated by one
# space, dot, dash or no-break space form a chain; line breaks, commas and slashes end it, so a
# date "26/11/2026" or a list "0912345678, 0987654321" never merges into one number.
_PHONE_PIECE = re.compile(r"\(\+?\d{1,4}\)|\+?\d+")
_PHONE_SEPARATORS = frozenset(" .-\u00a0")
# "(+84) (0) 299 3822 456" is 22 characters; anything much longer is not one phone number.
_MAX_PHONE_CHARS = 24


def find_personal_data(text: str, known: Known | None = None) -> list[Finding]:
    """Every ID number, phone number, e-mail address, name after a form of address and piece of
    what is ``known`` of the submitter in ``text``, sorted and non-overlapping.

    All candidates are gathered first and overlaps resolved by length, so the digits of
    "an.0912345678@gmail.com" are reported once, as part of the e-mail address."""
    if not text:
        return []
    candidates = [
        *_emails(text),
        *_phones(text),
        *_id_numbers(text),
        *_addressed_names(text),
        *(_known(text, known) if known else []),
    ]
    candidates.sort(key=lambda f: (f.start - f.end, _PRIORITY[f.kind], f.start))
    kept: list[Finding] = []
    for candidate in candidates:
        if all(candidate.end <= k.start or candidate.start >= k.end for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda f: f.start)


def mask(text: str, findings: list[Finding] | None = None, known: Known | None = None) -> str:
    """``text`` with each finding replaced by its placeholder, ready to publish.

    The placeholder says what was there, so a reader of a published answer understands the gap
    without learning anything about the citizen."""
    return "".join(
        segment if kind is None else PLACEHOLDERS[kind]
        for segment, kind in highlight_segments(text, findings, known)
    )


def highlight_segments(
    text: str, findings: list[Finding] | None = None, known: Known | None = None
) -> list[tuple[str, Kind | None]]:
    """``text`` cut into consecutive plain (``None``) and personal-data segments.

    A template can wrap the marked segments in ``<mark>`` and let autoescaping handle the rest,
    instead of Python building HTML. Findings that do not match ``text`` (computed on another
    version of it) raise ``ValueError`` rather than mask the wrong characters."""
    if findings is None:
        findings = find_personal_data(text, known)
    segments: list[tuple[str, Kind | None]] = []
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        fits = position <= finding.start < finding.end <= len(text)
        if not fits or text[finding.start : finding.end] != finding.text:
            raise ValueError(f"finding does not fit the text: {finding!r}")
        if finding.start > position:
            segments.append((text[position : finding.start], None))
        segments.append((finding.text, finding.kind))
        position = finding.end
    if position < len(text):
        segments.append((text[position:], None))
    return segments


def _emails(text: str) -> list[Finding]:
    return [Finding(Kind.EMAIL, m.start(), m.end(), m.group()) for m in _EMAIL.finditer(text)]


def _id_numbers(text: str) -> list[Finding]:
    return [
        Finding(Kind.ID_NUMBER, m.start(), m.end(), m.group()) for m in _ID_NUMBER.finditer(text)
    ]


def _phones(text: str) -> list[Finding]:
    """Candidates from both passes; where they agree or overlap, ``find_personal_data`` keeps
    the longer one."""
    return [*_matched_phones(text), *_chained_phones(text)]


def _matched_phones(text: str) -> list[Finding]:
    """Numbers as libphonenumber finds them: every dash, bracket and digit form it knows, and
    no dates or times. The matcher refuses a number glued to a letter, a fair rule in English
    but not in "SĐT0912345678", so it reads a copy with each letter turned into a comma: the
    same length, so every position still points into ``text``."""
    view = "".join("," if ch.isalpha() else ch for ch in text)
    return [
        Finding(Kind.PHONE, match.start, match.end, text[match.start : match.end])
        for match in phonenumbers.PhoneNumberMatcher(view, "VN")
        if _is_phone(match.raw_string)
    ]


def _chained_phones(text: str) -> list[Finding]:
    findings = []
    for chain in _phone_chains(text):
        i = 0
        while i < len(chain):
            # The longest run of pieces from here that is a valid number: "0912 345 678 2026"
            # gives the phone and leaves the year, "2026 0912 345 678" skips the year first.
            best = None
            for j in range(i, len(chain)):
                raw = text[chain[i].start() : chain[j].end()]
                if len(raw) > _MAX_PHONE_CHARS:
                    break
                if _is_phone(raw):
                    best = j
            if best is None:
                i += 1
                continue
            start, end = chain[i].start(), chain[best].end()
            findings.append(Finding(Kind.PHONE, start, end, text[start:end]))
            i = best + 1
    return findings


def _phone_chains(text: str) -> list[list[re.Match[str]]]:
    chains: list[list[re.Match[str]]] = []
    for piece in _PHONE_PIECE.finditer(text):
        if chains:
            previous = chains[-1][-1]
            gap = text[previous.end() : piece.start()]
            # An empty gap only occurs next to a bracketed piece ("(024)38224567"), except for a
            # "+" glued to a number ("123+84..."), which starts a new number rather than continue.
            if gap in _PHONE_SEPARATORS or (gap == "" and not piece.group().startswith("+")):
                chains[-1].append(piece)
                continue
        chains.append([piece])
    return chains


def _is_phone(raw: str) -> bool:
    """Whether ``raw`` is a phone number as people write one, validated by ``phonenumbers``.

    ``phonenumbers`` alone accepts "2200123456" (a tax code) and "365123456" (an old CMND) as
    Vietnamese numbers dialled without the trunk 0; nobody writes a phone that way, so a number
    must start with 0, 84 or + to count."""
    digits = "".join(str(unicodedata.decimal(ch)) for ch in raw if ch.isdecimal())
    if raw.lstrip("(").startswith("+") or digits.startswith("84"):
        candidate = "+" + digits
    elif digits.startswith("0"):
        candidate = digits
    else:
        return False
    try:
        number = phonenumbers.parse(candidate, "VN")
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number(number):
        return False
    # Vietnamese subscriber numbers have 9 (mobile) or 10 (landline) digits after the trunk 0.
    # Shorter valid ones are service numbers (1900 xxxx), which are no one's personal data and
    # would otherwise turn a tax code like "8419001234" into "+84 1900 1234".
    return number.country_code != 84 or len(str(number.national_number)) in (9, 10)


# Forms of address (danh xưng) that come before a person's name: "ông Trần Văn Bình", "chị Lan".
# Compared in lower case with their diacritics, because folded they collide with everyday words
# ("Cầu", "Đường", "Châu" would become "cậu", "dượng", "cháu"); the unaccented forms that do not
# collide are accepted too, for texts typed without diacritics. A name must follow: one to five
# words that each start with a capital letter.
FORMS_OF_ADDRESS = frozenset({
    "ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cụ", "cậu", "dì", "thím", "mợ", "dượng",
    "cháu", "ong", "ba", "chi", "co", "chu", "bac", "cu",
})  # fmt: skip
_WORD = re.compile(r"\w+")
_MAX_NAME_WORDS = 5


def _addressed_names(text: str) -> list[Finding]:
    """The capitalised words after a form of address, separated only by spaces: "Trả lời bà
    Nguyễn Thị Hoa." gives "Nguyễn Thị Hoa" (the form of address stays, so the answer still
    reads). A full stop or comma ends the name, so a new sentence is not taken in."""
    findings = []
    words = list(_WORD.finditer(text))
    for i, word in enumerate(words):
        if unicodedata.normalize("NFC", word.group()).lower() not in FORMS_OF_ADDRESS:
            continue
        name = []
        previous = word
        for following in words[i + 1 : i + 1 + _MAX_NAME_WORDS]:
            gap = text[previous.end() : following.start()]
            token = following.group()
            if not gap or gap.strip(" \u00a0\t") or not token[0].isupper() or token.isdigit():
                break
            name.append(following)
            previous = following
        if name and not (len(name) == 1 and len(name[0].group()) == 1):
            # "ông A" is how documents already anonymise; only real names are masked.
            start, end = name[0].start(), name[-1].end()
            findings.append(Finding(Kind.NAME, start, end, text[start:end]))
    return findings


def fold_with_positions(text: str) -> tuple[str, list[int]]:
    """``text`` folded as ``intake.core.text.fold`` folds it (no diacritics, đ to d, lower case,
    anything but letters and digits a space) but not squeezed, with the position in ``text`` of
    every folded character, so that a match in the folded text can be mapped back."""
    out: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        if ch in "đĐ":
            base = "d"
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)
            ).lower()
        for c in base:
            out.append(c if c.isalnum() else " ")
            origin.append(index)
    return "".join(out), origin


_ADMINISTRATIVE_WORDS = frozenset({
    "xa", "phuong", "huyen", "quan", "tinh", "thanh", "thi", "tp", "tx", "tt",
})  # fmt: skip


def _known(text: str, known: Known) -> list[Finding]:
    """What the service knows of the submitter, wherever it appears, compared folded on both
    sides so that "nguyen thi hoa" and "NGUYỄN THỊ HOA" are both the submitter's name."""
    folded, origin = fold_with_positions(text)
    patterns: list[tuple[Kind, str]] = []
    for kind, value in ((Kind.NAME, known.full_name), (Kind.EMAIL, known.email)):
        if pattern := _words_pattern(value):
            patterns.append((kind, pattern))
    for part in _address_parts(known.address):
        patterns.append((Kind.ADDRESS, part))
    for kind, value in (
        (Kind.PHONE, known.phone),
        (Kind.ID_NUMBER, known.id_number),
        (Kind.TAX_CODE, known.tax_code),
    ):
        for digits in _digit_variants(value):
            patterns.append((kind, r"(?<!\d)" + r"\s{0,3}".join(digits) + r"(?!\d)"))
    findings = []
    for kind, pattern in patterns:
        for match in re.finditer(pattern, folded):
            start = origin[match.start()]
            end = origin[match.end() - 1] + 1
            while end < len(text) and unicodedata.combining(text[end]):
                end += 1  # a decomposed letter's marks belong to it
            findings.append(Finding(kind, start, end, text[start:end]))
    return findings


def _words_pattern(value: str | None) -> str | None:
    words = fold_with_positions(value or "")[0].split()
    if not words or sum(len(w) for w in words) < 3:
        return None  # a name of one or two letters would mask half the text
    return r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)"


def _address_parts(address: str | None) -> list[str]:
    """The whole address, and its first part when that is specific to the submitter (a house
    number and street, a hamlet: "123 Nguyễn Huệ", "Ấp Phú Hữu") rather than the name of a
    commune or district, which is everyone's."""
    parts = [p for p in re.split(r"[,;\n]", address or "") if p.strip()]
    patterns = []
    if whole := _words_pattern(address):
        patterns.append(whole)
    if len(parts) > 1:
        first = fold_with_positions(parts[0])[0].split()
        if len(first) >= 2 and first[0] not in _ADMINISTRATIVE_WORDS:
            patterns.append(_words_pattern(parts[0]))
    return patterns


def _digit_variants(value: str | None) -> list[str]:
    """The digits of a known number, and for a phone written +84… also its national form."""
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    if len(digits) < 6:
        return []
    variants = [digits]
    if digits.startswith("84") and len(digits) >= 11:
        variants.append("0" + digits[2:])
    elif digits.startswith("0") and len(digits) in (10, 11):
        variants.append("84" + digits[1:])
    return variants
