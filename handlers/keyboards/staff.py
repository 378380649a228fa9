"""The staff group's keyboards: an order card's actions, the courier choice, buttons that
open orders (lists, /queue pages, nudges), and the catalog's (a preview's Import/Cancel, a
product card's edit buttons)."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.fulfilment.couriers import Courier
from domain.fulfilment.worklist import QueuePage, stage_key
from domain.models import Order, Product
from domain.ordering.staff_actions import allowed_actions
from domain.reports.periods import QUICK
from handlers import callbacks as cb
from handlers.keyboards.aftersales import returned_to_sender_offered, rts_button
from handlers.keyboards.base import Rows, button
from messages import Messages


def _staff(
    messages: Messages, lang: str, action: str, number: str, **ctx: object
) -> InlineKeyboardButton:
    return button(
        messages,
        lang,
        "staff_action",
        cb.StaffPress(action=action, number=number),
        action=action,
        **ctx,
    )


def staff_order_actions(messages: Messages, lang: str, order: Order) -> InlineKeyboardMarkup | None:
    """Buttons on the staff card: exactly the actions allowed now (staff workflow)."""
    actions = allowed_actions(order.status)
    buttons = [
        _staff(messages, lang, a, order.number, invoiced=bool(order.invoice_number))
        for a in actions
    ]
    if returned_to_sender_offered(order):  # after-sales (part B): a refused COD parcel
        buttons.append(rts_button(messages, lang, order))
    rows: Rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(rows) if rows else None


def staff_couriers(
    messages: Messages, lang: str, order: Order, couriers: Iterable[Courier]
) -> InlineKeyboardMarkup:
    """Ship: which courier (the card's buttons give way to this choice, then come back)."""
    buttons = [
        button(
            messages,
            lang,
            "courier",
            cb.StaffCourier(number=order.number, courier=c.code),
            courier=c,
        )
        for c in couriers
    ]
    rows: Rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            button(
                messages,
                lang,
                "staff_back",
                cb.StaffPress(action="back", number=order.number),
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


def staff_open_orders(
    messages: Messages, lang: str, numbers: Iterable[str], pager: list[InlineKeyboardButton]
) -> InlineKeyboardMarkup | None:
    """One button per listed order (posts its card and history), three to a row."""
    buttons = [
        button(
            messages,
            lang,
            "open_order",
            cb.StaffPress(action="open", number=n),
            number=n,
        )
        for n in numbers
    ]
    rows: Rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    if pager:
        rows.append(pager)
    return InlineKeyboardMarkup(rows) if rows else None


def staff_queue(messages: Messages, lang: str, page: QueuePage) -> InlineKeyboardMarkup | None:
    key = stage_key(page.stages)
    pager = []
    if page.page > 0:
        pager.append(
            button(messages, lang, "prev", cb.StaffQueuePage(stage=key, page=page.page - 1))
        )
    if page.page + 1 < min(page.pages, cb.MAX_PAGE + 1):
        pager.append(
            button(messages, lang, "next", cb.StaffQueuePage(stage=key, page=page.page + 1))
        )
    return staff_open_orders(messages, lang, [i.number for i in page.items], pager)


def staff_nudge(messages: Messages, lang: str, numbers: list[str]) -> InlineKeyboardMarkup | None:
    """One button per order listed (the first few): opens its card in the group."""
    return staff_open_orders(messages, lang, numbers[:12], [])


# ---------------------------------------------------------------- the catalog


def catalog_preview(messages: Messages, lang: str, preview_id: int) -> InlineKeyboardMarkup:
    """Import / Cancel under a catalog file's preview."""
    return InlineKeyboardMarkup(
        [
            [
                button(
                    messages,
                    lang,
                    "staff_catalog_import",
                    cb.StaffCatalogImport(action="import", preview=preview_id),
                ),
                button(
                    messages,
                    lang,
                    "staff_catalog_cancel",
                    cb.StaffCatalogImport(action="cancel", preview=preview_id),
                ),
            ]
        ]
    )


def _product_button(messages: Messages, lang: str, field: str, sku: str) -> InlineKeyboardButton:
    return button(
        messages,
        lang,
        "staff_product_field",
        cb.StaffProductEdit(field=field, sku=sku),
        field=field,
    )


def product_card(messages: Messages, lang: str, product: Product) -> InlineKeyboardMarkup:
    """A product card's edit buttons; on/off sale shows the one that changes something."""
    fields = [
        "price",
        "stock",
        "name",
        "category",
        "description",
        "photo",
        "low_stock_threshold",
        "off" if product.active else "on",
    ]
    buttons = [_product_button(messages, lang, f, product.sku) for f in fields]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def product_stock(messages: Messages, lang: str, product: Product) -> InlineKeyboardMarkup:
    """Stock: count it, add or remove units (each with a reason), or back to the card."""
    fields = ("stock_set", "stock_add", "stock_remove", "card")
    buttons = [_product_button(messages, lang, f, product.sku) for f in fields]
    return InlineKeyboardMarkup([buttons[:3], buttons[3:]])


# ---------------------------------------------------------------- reports


def report_periods(messages: Messages, lang: str) -> InlineKeyboardMarkup:
    """Under a /laporan answer: the same report for another period."""
    buttons = [
        button(messages, lang, "report_period", cb.StaffReportPeriod(period=p), period=p)
        for p in QUICK
    ]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]])
