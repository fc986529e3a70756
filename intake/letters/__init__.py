"""Official letters to citizens as PDF, in the format of Decree 30/2020/NĐ-CP: for the receipt,
a request for information, the refusal, the transfer, the answer and a reopening (DOMAIN.md §5).

- ``content``: what each letter says, from the item, its event and the organisation tree;
- ``render``: the A4 layout (fpdf2, with the Liberation Serif fonts shipped in ``fonts/``);
- ``issue``: which letters a history calls for, numbering, and ``render_notice_pdf`` for the
  print queue;
- ``models``: ``IssuedLetter``, the number and text of every letter once issued.
"""

from intake.letters.content import LetterKind
from intake.letters.issue import (
    download_name,
    issued_letter,
    letter_events,
    letter_pdf,
    render_notice_pdf,
)

__all__ = [
    "LetterKind",
    "download_name",
    "issued_letter",
    "letter_events",
    "letter_pdf",
    "render_notice_pdf",
]
