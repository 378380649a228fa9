"""Inline keyboards. Labels come from messages/ (buttons.txt); data from handlers.callbacks."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from domain import lifecycle
from domain.catalog import Page
from domain.models import Cart, Order, PaymentMethod, Product, ShippingOption
from handlers import callbacks as cb
from messages import Messages

Rows = list[list[InlineKeyboardButton]]


def _button(
    messages: Messages, lang: str, key: str, data: str, **ctx: object
) -> InlineKeyboardButton:
    return InlineKeyboardButton(messages.button(lang, key, **ctx), callback_data=data)


def main_menu(messages: Messages, lang: str) -> InlineKeyboardMarkup:
    b = lambda key, data: _button(messages, lang, key, data)  # noqa: E731
    return InlineKeyboardMarkup(
        [
            [b("catalog", cb.make(cb.MENU, "cats")), b("cart", cb.make(cb.CART, "view"))],
            [b("my_orders", cb.make(cb.ORDERS, "list", 0))],
        ]
    )


def categories(messages: Messages, lang: str, names: list[str]) -> InlineKeyboardMarkup:
    rows: Rows = [
        [InlineKeyboardButton(name, callback_data=cb.make(cb.CATEGORY, cb.category_key(name), 0))]
        for name in names
    ]
    rows.append([_button(messages, lang, "home", cb.make(cb.MENU, "home"))])
    return InlineKeyboardMarkup(rows)


def category_page(messages: Messages, lang: str, category: str, page: Page) -> InlineKeyboardMarkup:
    key = cb.category_key(category)
    rows: Rows = [
        [_button(messages, lang, "product", cb.make(cb.PRODUCT, p.sku), product=p)]
        for p in page.items
    ]
    pager = []
    if page.page > 0:
        pager.append(_button(messages, lang, "prev", cb.make(cb.CATEGORY, key, page.page - 1)))
    if page.page + 1 < page.pages:
        pager.append(_button(messages, lang, "next", cb.make(cb.CATEGORY, key, page.page + 1)))
    if pager:
        rows.append(pager)
    rows.append(
        [
            _button(messages, lang, "categories", cb.make(cb.MENU, "cats")),
            _button(messages, lang, "cart", cb.make(cb.CART, "view")),
        ]
    )
    return InlineKeyboardMarkup(rows)


def product(messages: Messages, lang: str, item: Product) -> InlineKeyboardMarkup:
    rows: Rows = []
    if item.available > 0:
        rows.append(
            [
                _button(messages, lang, "add_qty", cb.make(cb.ADD, item.sku, n), qty=n)
                for n in (1, 2, 3)
                if n <= item.available
            ]
        )
        rows.append([_button(messages, lang, "other_qty", cb.make(cb.ASK_QTY, item.sku))])
    rows.append(
        [
            _button(
                messages, lang, "back", cb.make(cb.CATEGORY, cb.category_key(item.category), 0)
            ),
            _button(messages, lang, "cart", cb.make(cb.CART, "view")),
        ]
    )
    return InlineKeyboardMarkup(rows)


def cart(messages: Messages, lang: str, content: Cart) -> InlineKeyboardMarkup:
    rows: Rows = []
    for line in content.lines:
        rows.append(
            [
                _button(messages, lang, "dec", cb.make(cb.CART, "dec", line.sku), line=line),
                _button(messages, lang, "inc", cb.make(cb.CART, "inc", line.sku), line=line),
                _button(messages, lang, "remove", cb.make(cb.CART, "rm", line.sku), line=line),
            ]
        )
    if content.lines:
        rows.append(
            [
                _button(messages, lang, "empty_cart", cb.make(cb.CART, "clear")),
                _button(messages, lang, "checkout", cb.make(cb.CART, "go")),
            ]
        )
    rows.append([_button(messages, lang, "continue_shopping", cb.make(cb.MENU, "cats"))])
    return InlineKeyboardMarkup(rows)


def checkout_nav(
    messages: Messages,
    lang: str,
    *,
    back: bool = True,
    use_saved: str | None = None,
    skip: bool = False,
) -> InlineKeyboardMarkup:
    rows: Rows = []
    if use_saved:
        rows.append(
            [_button(messages, lang, "use_saved", cb.make(cb.CHECKOUT, "use"), value=use_saved)]
        )
    if skip:
        rows.append([_button(messages, lang, "skip_note", cb.make(cb.CHECKOUT, "skip"))])
    nav = []
    if back:
        nav.append(_button(messages, lang, "back", cb.make(cb.CHECKOUT, "back")))
    nav.append(_button(messages, lang, "cancel_checkout", cb.make(cb.CHECKOUT, "x")))
    rows.append(nav)
    return InlineKeyboardMarkup(rows)


def share_phone(messages: Messages, lang: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(messages.button(lang, "share_phone"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def shipping(messages: Messages, lang: str, options: list[ShippingOption]) -> InlineKeyboardMarkup:
    rows: Rows = [
        [_button(messages, lang, "shipping_option", cb.make(cb.CHECKOUT, "ship", o.code), option=o)]
        for o in options
    ]
    return InlineKeyboardMarkup(rows + list(checkout_nav(messages, lang).inline_keyboard))


def payment(messages: Messages, lang: str, methods: list[PaymentMethod]) -> InlineKeyboardMarkup:
    rows: Rows = [
        [_button(messages, lang, "payment_method", cb.make(cb.CHECKOUT, "pay", m), method=m)]
        for m in methods
    ]
    return InlineKeyboardMarkup(rows + list(checkout_nav(messages, lang).inline_keyboard))


def confirm(messages: Messages, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(messages, lang, "confirm_order", cb.make(cb.CHECKOUT, "ok"))]]
        + list(checkout_nav(messages, lang).inline_keyboard)
    )


def orders_list(
    messages: Messages, lang: str, items: list[Order], page: int, pages: int
) -> InlineKeyboardMarkup:
    rows: Rows = [
        [_button(messages, lang, "order_row", cb.make(cb.ORDERS, "view", o.number), order=o)]
        for o in items
    ]
    pager = []
    if page > 0:
        pager.append(_button(messages, lang, "prev", cb.make(cb.ORDERS, "list", page - 1)))
    if page + 1 < pages:
        pager.append(_button(messages, lang, "next", cb.make(cb.ORDERS, "list", page + 1)))
    if pager:
        rows.append(pager)
    rows.append([_button(messages, lang, "home", cb.make(cb.MENU, "home"))])
    return InlineKeyboardMarkup(rows)


def order_detail(messages: Messages, lang: str, order: Order) -> InlineKeyboardMarkup:
    rows: Rows = []
    if order.status in lifecycle.CUSTOMER_CANCELLABLE:
        rows.append(
            [_button(messages, lang, "cancel_order", cb.make(cb.ORDERS, "cancel", order.number))]
        )
    rows.append([_button(messages, lang, "my_orders", cb.make(cb.ORDERS, "list", 0))])
    return InlineKeyboardMarkup(rows)


def confirm_cancel(messages: Messages, lang: str, order: Order) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    messages, lang, "yes_cancel", cb.make(cb.ORDERS, "cancelyes", order.number)
                ),
                _button(messages, lang, "no_keep", cb.make(cb.ORDERS, "view", order.number)),
            ]
        ]
    )


def order_notice(messages: Messages, lang: str, order: Order) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(messages, lang, "see_order", cb.make(cb.ORDERS, "view", order.number))]]
    )


def languages(messages: Messages, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(messages, lang, "lang_id", cb.make(cb.LANGUAGE, "id")),
                _button(messages, lang, "lang_en", cb.make(cb.LANGUAGE, "en")),
            ]
        ]
    )


def staff_order_actions(messages: Messages, lang: str, order: Order) -> InlineKeyboardMarkup | None:
    """Buttons on the staff card: exactly the actions allowed now (staff workflow)."""
    return None
