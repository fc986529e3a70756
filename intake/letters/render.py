"""The layout of an official letter on A4, after Decree 30/2020/NĐ-CP (Appendix I): the
issuing agency and the number on the left, the national title and motto on the right, the
place and date, the summary line, the body, "Nơi nhận:" and the signature block.

fpdf2 lays it out and embeds a subset of Liberation Serif — metrically Times New Roman, as
the decree expects, with every Vietnamese letter — shipped in ``fonts/`` so that a server
without desktop fonts renders the same letter.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from intake.letters.content import LetterContent

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "LiberationSerif"
FONT_FILES = {
    "": "LiberationSerif-Regular.ttf",
    "B": "LiberationSerif-Bold.ttf",
    "I": "LiberationSerif-Italic.ttf",
    "BI": "LiberationSerif-BoldItalic.ttf",
}

# Margins in mm (Appendix I: top and bottom 20-25, left 30-35, right 15-20).
LEFT, RIGHT, TOP, BOTTOM = 30.0, 15.0, 20.0, 20.0
PAGE_WIDTH = 210.0
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
# The header's two columns: the agency on the left, the national title on the right.
LEFT_COLUMN = 74.0
RIGHT_X = LEFT + LEFT_COLUMN
RIGHT_COLUMN = TEXT_WIDTH - LEFT_COLUMN
BODY_SIZE = 14
LINE = 6.6  # body line height: about 1.3 lines at 14 pt
MM_PER_PT = 25.4 / 72


class _LetterPDF(FPDF):
    def header(self):
        # Page numbers from the second page on, centred in the top margin (Appendix I).
        if self.page_no() > 1:
            self.set_font(FAMILY, "", 13)
            self.set_xy(LEFT, 10)
            self.cell(TEXT_WIDTH, 6, str(self.page_no()), align=Align.C)
            self.set_xy(LEFT, TOP)


def render_letter_pdf(letter: LetterContent) -> bytes:
    """The letter as PDF bytes."""
    pdf = _LetterPDF(format="A4", unit="mm")
    for style, name in FONT_FILES.items():
        pdf.add_font(FAMILY, style, str(FONT_DIR / name))
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    pdf.set_lang("vi")
    pdf.set_title(f"{letter.reference} — {letter.summary}")
    pdf.set_author(letter.issuer)
    pdf.set_creator("Hệ thống tiếp nhận phản ánh, kiến nghị")
    pdf.add_page()
    _header(pdf, letter)
    _title(pdf, letter)
    _body(pdf, letter)
    _closing(pdf, letter)
    return bytes(pdf.output())


def _centered(pdf: FPDF, x: float, width: float, text: str, style: str, size: float, h: float):
    pdf.set_font(FAMILY, style, size)
    pdf.set_x(x)
    pdf.multi_cell(width, h, text, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)


def _fitting_size(pdf: FPDF, text: str, style: str, width: float) -> float:
    """12-13 pt as Appendix I asks, down to 11 pt before a name is broken over two lines."""
    for size in (12.5, 12, 11.5, 11):
        pdf.set_font(FAMILY, style, size)
        if pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
            return size
    return 12


def _rule_under(pdf: FPDF, x: float, width: float, length: float, gap: float = 1.6) -> None:
    """A thin line of ``length`` centred under the last line written in the column."""
    y = pdf.get_y() + gap
    start = x + (width - length) / 2
    pdf.set_line_width(0.3)
    pdf.line(start, y, start + length, y)


def _header(pdf: FPDF, letter: LetterContent) -> None:
    top = pdf.get_y()
    # Left: the superior agency (regular), the issuing unit (bold), a short rule, the number.
    if letter.superior:
        size = _fitting_size(pdf, letter.superior, "", LEFT_COLUMN)
        _centered(pdf, LEFT, LEFT_COLUMN, letter.superior, "", size, 5.4)
    size = _fitting_size(pdf, letter.issuer, "B", LEFT_COLUMN)
    _centered(pdf, LEFT, LEFT_COLUMN, letter.issuer, "B", size, 5.4)
    issuer_line = min(pdf.get_string_width(letter.issuer), LEFT_COLUMN)
    _rule_under(pdf, LEFT, LEFT_COLUMN, max(issuer_line / 3, min(issuer_line / 2, 24)))
    left_bottom = pdf.get_y() + 3
    # Right: the national title (bold 12.5) and the motto (bold 13.5), underlined its length.
    pdf.set_xy(RIGHT_X, top)
    _centered(pdf, RIGHT_X, RIGHT_COLUMN, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 12, 5.4)
    motto = "Độc lập - Tự do - Hạnh phúc"
    _centered(pdf, RIGHT_X, RIGHT_COLUMN, motto, "B", 13.5, 5.8)
    pdf.set_font(FAMILY, "B", 13.5)
    _rule_under(pdf, RIGHT_X, RIGHT_COLUMN, pdf.get_string_width(motto), gap=0.4)
    right_bottom = pdf.get_y() + 3
    # Then the number and symbol (left) on the line of the place and date (right).
    row = max(left_bottom, right_bottom)
    pdf.set_xy(LEFT, row)
    _centered(pdf, LEFT, LEFT_COLUMN, f"Số: {letter.reference}", "", 13, 6)
    if letter.document_type == "CV":
        # A công văn carries its summary under the number (Appendix I, form 1.4).
        _centered(pdf, LEFT, LEFT_COLUMN, letter.summary, "", 12, 5.2)
    left_end = pdf.get_y()
    pdf.set_xy(RIGHT_X, row)
    _centered(pdf, RIGHT_X, RIGHT_COLUMN, letter.place_date, "I", 13.5, 6)
    pdf.set_y(max(left_end, pdf.get_y()) + 6)


def _title(pdf: FPDF, letter: LetterContent) -> None:
    if letter.title:
        # A named document: its name, the summary under it in bold, and a short rule.
        _centered(pdf, LEFT, TEXT_WIDTH, letter.title, "B", 14, 7)
        _centered(pdf, LEFT + 15, TEXT_WIDTH - 30, letter.summary, "B", 14, 6.6)
        pdf.set_font(FAMILY, "B", 14)
        width = min(pdf.get_string_width(letter.summary), TEXT_WIDTH - 30)
        _rule_under(pdf, LEFT, TEXT_WIDTH, width / 3, gap=2.0)
        pdf.ln(7)
    if letter.salutation:
        _centered(pdf, LEFT, TEXT_WIDTH, letter.salutation, "", BODY_SIZE, 7)
        pdf.ln(4)


def _body(pdf: FPDF, letter: LetterContent) -> None:
    paragraphs = list(letter.paragraphs)
    if letter.access_key:
        paragraphs.insert(2, f"Mã tra cứu: {letter.access_key}")
    pdf.set_font(FAMILY, "", BODY_SIZE)
    with pdf.text_columns(text_align=Align.J, l_margin=LEFT, r_margin=RIGHT) as columns:
        for text in paragraphs:
            with columns.paragraph(
                first_line_indent=10, bottom_margin=2.2, line_height=LINE / (BODY_SIZE * MM_PER_PT)
            ) as paragraph:
                paragraph.write(text)


def _closing(pdf: FPDF, letter: LetterContent) -> None:
    """ "Nơi nhận:" on the left, the signature block on the right, kept on one page."""
    needed = 12 + 5.2 * len(letter.recipients) + 50
    if pdf.get_y() + needed > pdf.h - BOTTOM:
        pdf.add_page()
    top = pdf.get_y() + 4
    pdf.set_xy(LEFT, top)
    pdf.set_font(FAMILY, "BI", 12)
    pdf.cell(LEFT_COLUMN, 6, "Nơi nhận:", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 11)
    for recipient in letter.recipients:
        pdf.set_x(LEFT)
        pdf.multi_cell(LEFT_COLUMN, 5.2, f"- {recipient}", new_x=XPos.LEFT, new_y=YPos.NEXT)
    left_end = pdf.get_y()
    pdf.set_xy(RIGHT_X, top)
    if letter.signer_position:
        _centered(pdf, RIGHT_X, RIGHT_COLUMN, letter.signer_position, "B", 13.5, 6.4)
    if letter.signer_name:
        pdf.set_y(pdf.get_y() + 26)  # room for the signature and the seal
        _centered(pdf, RIGHT_X, RIGHT_COLUMN, letter.signer_name, "B", 13.5, 6.4)
    if letter.signer_note:
        _centered(pdf, RIGHT_X, RIGHT_COLUMN, letter.signer_note, "I", 11, 5)
    pdf.set_y(max(left_end, pdf.get_y()))
