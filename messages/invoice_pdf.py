"""The invoice PDF, drawn with fpdf2 from an invoice's frozen snapshot.

The core Helvetica font needs no font file but only knows Latin-1, so text is folded to it
(`×` → `x`, `é` stays, emoji dropped). The same snapshot always gives the same bytes: the
creation date is the issue time, so a re-sent invoice is the very same document.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from domain.fulfilment.invoices import Invoice, InvoiceContent
from domain.validation import format_phone
from messages.formatting import BABEL_LOCALES, rupiah
from messages.render import Messages

_FOLD = {
    "×": "x",
    "–": "-",
    "—": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "•": "-",
    "€": "EUR",
    "Ł": "L",
    "ł": "l",
    "\u00a0": " ",
}
MARGIN = 15
WIDTH = 210 - 2 * MARGIN  # A4
COLUMNS = (10, 86, 14, 35, 35)
LEFT = 88  # the shop's block; the invoice's own details sit right of it


def latin1(text: str) -> str:
    """Text the core font can draw: Latin-1, with look-alikes for common symbols."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        ch = _FOLD.get(ch, ch)
        if len(ch) > 1 or ord(ch) < 256:
            out.append(ch)
        elif unicodedata.category(ch) in ("So", "Sk", "Cf", "Mn", "Cs", "Co"):
            continue  # emoji, joiners, variation selectors: nothing to draw
        else:
            base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return re.sub(r" {2,}", " ", "".join(out)).strip()


class Labels:
    """A document's words in its language, from messages/templates/<lang>/<template>."""

    def __init__(self, messages: Messages, language: str, template: str) -> None:
        lang = messages.lang(language)
        self._module = messages.env.get_template(f"{lang}/{template}").module

    def __call__(self, key: str, **ctx: Any) -> str:
        return latin1(str(getattr(self._module, key)(**ctx)).strip())


def day_format(language: str, timezone: str) -> Callable[[datetime], str]:
    """A date as the document's reader writes it ("5 Desember 2026"), in the shop's zone."""
    zone = ZoneInfo(timezone)
    locale = BABEL_LOCALES.get(language, "id_ID")

    def day(moment: datetime) -> str:
        return format_date(moment.astimezone(zone), "d MMMM yyyy", locale=locale)

    return day


def new_document(issued_at: datetime, title: str, author: str) -> FPDF:
    """An A4 page set up the same way for every document; the creation date is the issue
    time, so the same snapshot always gives the same bytes."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(issued_at)
    pdf.set_title(latin1(title))
    pdf.set_author(latin1(author))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    return pdf


def line_table(pdf: FPDF, t: Labels, lines: Iterable[Any]) -> None:
    """The numbered lines (sku, name, quantity, unit price, amount) as a table."""
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
        for n, line in enumerate(lines, start=1):
            row = table.row()
            row.cell(str(n))
            row.cell(latin1(f"{line.name} ({line.sku})"))
            row.cell(str(line.quantity))
            row.cell(rupiah(line.unit_price))
            row.cell(rupiah(line.amount))


def render_invoice(invoice: Invoice, messages: Messages) -> bytes:
    c = invoice.content
    t = Labels(messages, c.language, "invoice_pdf.txt")
    day = day_format(c.language, c.timezone)
    pdf = new_document(c.issued_at, f"{t('title')} {c.number}", c.shop_name)

    _header(pdf, c, t, day)
    _bill_to(pdf, c, t)
    _lines(pdf, c, t)
    _totals(pdf, c, t)
    _payment(pdf, c, t)
    return bytes(pdf.output())


def _cell(pdf: FPDF, w: float, h: float, text: str, **kw: Any) -> None:
    pdf.cell(w, h, latin1(text), new_x=XPos.RIGHT, new_y=YPos.TOP, **kw)


def _line(pdf: FPDF, h: float, text: str, **kw: Any) -> None:
    pdf.multi_cell(WIDTH, h, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, **kw)


def _header(pdf: FPDF, c: InvoiceContent, t: Labels, day: Any) -> None:
    top = pdf.get_y()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(LEFT, 8, latin1(c.shop_name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(LEFT, 4.5, latin1(c.shop_address), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if c.tax_id:
        pdf.multi_cell(
            LEFT, 4.5, latin1(f"{t('tax_id')}: {c.tax_id}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    left_bottom = pdf.get_y()

    pdf.set_xy(MARGIN + LEFT + 4, top)
    pdf.set_font("Helvetica", "B", 18)
    _cell(pdf, WIDTH - LEFT - 4, 9, t("title"), align="R")
    rows = (
        (t("number"), c.number),
        (t("date"), day(c.issued_at)),
        (t("order"), f"#{c.order_number}"),
        (t("order_date"), day(c.order_date)),
    )
    pdf.set_y(top + 10)
    for label, value in rows:
        pdf.set_x(MARGIN + LEFT + 4)
        pdf.set_font("Helvetica", "", 9)
        _cell(pdf, 30, 5, label)
        pdf.set_font("Helvetica", "B", 9)
        _cell(pdf, WIDTH - LEFT - 34, 5, value, align="R")
        pdf.ln(5)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)
    pdf.set_draw_color(120, 120, 120)
    pdf.line(MARGIN, pdf.get_y(), MARGIN + WIDTH, pdf.get_y())
    pdf.ln(4)


def _bill_to(pdf: FPDF, c: InvoiceContent, t: Labels) -> None:
    pdf.set_font("Helvetica", "B", 9)
    _line(pdf, 5, t("bill_to"))
    pdf.set_font("Helvetica", "", 10)
    _line(pdf, 5, c.customer_name)
    _line(pdf, 5, format_phone(c.phone))
    pdf.set_font("Helvetica", "", 9)
    _line(pdf, 4.5, c.address)
    pdf.ln(5)


def _lines(pdf: FPDF, c: InvoiceContent, t: Labels) -> None:
    pdf.set_font("Helvetica", "", 9)
    line_table(pdf, t, c.lines)
    pdf.ln(3)


def _totals(pdf: FPDF, c: InvoiceContent, t: Labels) -> None:
    rows = [
        (t("subtotal"), rupiah(c.subtotal), False),
        (t("shipping", name=c.shipping_name), rupiah(c.shipping_fee), False),
    ]
    vat = c.vat  # only a VAT-registered seller's invoice has one
    if vat is None:
        rows.append((t("total"), rupiah(c.total), True))
    else:
        rate = format_decimal(c.vat_rate, locale=BABEL_LOCALES.get(c.language, "id_ID"))
        rows += [
            (t("total_incl_vat"), rupiah(c.total), True),
            (t("tax_base"), rupiah(vat.base), False),
            (t("vat", rate=rate), rupiah(vat.vat), False),
        ]
    for label, value, bold in rows:
        pdf.set_font("Helvetica", "B" if bold else "", 11 if bold else 9)
        pdf.set_x(MARGIN + WIDTH - 120)
        _cell(pdf, 85, 6, label, align="R")
        _cell(pdf, 35, 6, value, align="R")
        pdf.ln(6)
    pdf.ln(4)


def _payment(pdf: FPDF, c: InvoiceContent, t: Labels) -> None:
    pdf.set_font("Helvetica", "B", 10)
    _line(
        pdf,
        6,
        f"{t('payment')}: {t('method', m=c.payment_method)} - {t('status', s=c.payment_status)}",
    )
    pdf.set_font("Helvetica", "", 9)
    if c.payment_method == "transfer" and c.payment_status != "paid":
        _line(pdf, 5, t("bank", name=c.bank_name, number=c.bank_number, holder=c.bank_holder))
    if c.payment_method == "cod" and c.payment_status != "paid":
        _line(pdf, 5, t("cod_due", total=rupiah(c.total)))
    pdf.ln(6)
    _line(pdf, 5, t("thanks", shop=c.shop_name))
    pdf.set_font("Helvetica", "I", 8)
    pdf.set_text_color(110, 110, 110)
    _line(pdf, 4.5, t("footer"))
