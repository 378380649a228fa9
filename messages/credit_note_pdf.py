"""The credit note (nota kredit) PDF, drawn with fpdf2 from its frozen snapshot like the
invoice (messages/invoice_pdf.py): the same snapshot always gives the same bytes. It names the
invoice it corrects; the invoice itself is never changed."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from domain.aftersales.credit_notes import CreditNote, CreditNoteContent
from messages.formatting import rupiah
from messages.invoice_pdf import WIDTH, Labels, day_format, latin1, line_table, new_document
from messages.render import Messages


def _line(pdf: FPDF, h: float, text: str) -> None:
    pdf.multi_cell(WIDTH, h, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_credit_note(note: CreditNote, messages: Messages) -> bytes:
    c: CreditNoteContent = note.content
    t = Labels(messages, c.language, "aftersales_credit_note_pdf.txt")
    day = day_format(c.language, c.timezone)
    pdf = new_document(c.issued_at, f"{t('title')} {c.number}", c.shop_name)

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
    line_table(pdf, t, c.lines)
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
