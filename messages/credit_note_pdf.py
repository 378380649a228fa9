"""The credit note (nota kredit) PDF, drawn with fpdf2 from its frozen snapshot like the
invoice (messages/invoice_pdf.py): the same snapshot always gives the same bytes. It names the
invoice it corrects; the invoice itself is never changed."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from domain.aftersales.credit_notes import CreditNote, CreditNoteContent
from messages.formatting import BABEL_LOCALES, rupiah
from messages.invoice_pdf import COLUMNS, MARGIN, WIDTH, latin1
from messages.render import Messages


class _Labels:
    """The PDF's words, from messages/templates/*/aftersales_credit_note_pdf.txt."""

    def __init__(self, messages: Messages, language: str) -> None:
        lang = messages.lang(language)
        self._module = messages.env.get_template(f"{lang}/aftersales_credit_note_pdf.txt").module

    def __call__(self, key: str, **ctx: Any) -> str:
        return latin1(str(getattr(self._module, key)(**ctx)).strip())


def _line(pdf: FPDF, h: float, text: str) -> None:
    pdf.multi_cell(WIDTH, h, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_credit_note(note: CreditNote, messages: Messages) -> bytes:
    c: CreditNoteContent = note.content
    t = _Labels(messages, c.language)
    zone = ZoneInfo(c.timezone)
    locale = BABEL_LOCALES.get(c.language, "id_ID")

    def day(moment: Any) -> str:
        return format_date(moment.astimezone(zone), "d MMMM yyyy", locale=locale)

    pdf = FPDF(format="A4")
    pdf.set_creation_date(c.issued_at)
    pdf.set_title(latin1(f"{t('title')} {c.number}"))
    pdf.set_author(latin1(c.shop_name))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()

    pdf.set_font("Helvetica", "B", 16)
    _line(pdf, 8, c.shop_name)
    pdf.set_font("Helvetica", "", 9)
    _line(pdf, 4.5, c.shop_address)
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 18)
    _line(pdf, 9, t("title"))
    pdf.set_font("Helvetica", "", 10)
    for label, value in (
        (t("number"), c.number),
        (t("date"), day(c.issued_at)),
        (t("invoice"), c.invoice_number or "-"),
        (t("order"), f"#{c.order_number} ({day(c.order_date)})"),
        (t("customer"), c.customer_name),
        (t("reason"), t("reason_text", r=c.reason)),
    ):
        _line(pdf, 5.5, f"{label}: {value}")
    pdf.ln(4)
    with pdf.table(
        col_widths=COLUMNS,
        width=WIDTH,
        text_align=("CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=5.5,
        first_row_as_headings=True,
    ) as table:
        head = table.row()
        for key in ("col_no", "col_item", "col_qty", "col_price", "col_amount"):
            head.cell(t(key))
        for n, line in enumerate(c.lines, start=1):
            row = table.row()
            row.cell(str(n))
            row.cell(latin1(f"{line.name} ({line.sku})"))
            row.cell(str(line.quantity))
            row.cell(rupiah(line.unit_price))
            row.cell(rupiah(line.amount))
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 10)
    if c.shipping_fee:
        _line(pdf, 6, f"{t('shipping')}: {rupiah(c.shipping_fee)}")
    pdf.set_font("Helvetica", "B", 12)
    _line(pdf, 7, f"{t('amount')}: {rupiah(c.amount)}")
    pdf.set_font("Helvetica", "", 9)
    _line(pdf, 5, t("paid_to", bank=c.refund_bank))
    pdf.ln(4)
    pdf.set_font("Helvetica", "I", 8)
    pdf.set_text_color(110, 110, 110)
    _line(pdf, 4.5, t("footer", invoice=c.invoice_number or "-"))
    return bytes(pdf.output())
