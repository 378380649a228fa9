"""The customer's keyboards while shopping: menu, catalog, cart, checkout, orders, language
and settings."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from domain.catalog.catalog import Page
from domain.models import Cart, CartLine, Order, PaymentMethod, Product, ShippingOption, Status
from domain.ordering import lifecycle
from domain.validation import MAX_QUANTITY
from handlers import callbacks as cb
from handlers.keyboards.base import Rows, button
from messages import Messages


def main_menu(messages: Messages, lang: str) -> InlineKeyboardMarkup:
    b = lambda key, data: button(messages, lang, key, data)  # noqa: E731
    return InlineKeyboardMarkup(
        [
            [b("catalog", cb.MenuCategories()), b("cart", cb.CartView())],
            [b("my_orders", cb.OrderList(page=0))],
        ]
    )


def _category(name: str) -> cb.CategoryPage:
    return cb.CategoryPage(key=cb.category_key(name), page=0)


def categories(messages: Messages, lang: str, names: list[str]) -> InlineKeyboardMarkup:
    rows: Rows = [
        [InlineKeyboardButton(name, callback_data=_category(name).pack())]
        for name in names
    ]
    rows.append([button(messages, lang, "home", cb.MenuHome())])
    return InlineKeyboardMarkup(rows)


def category_page(messages: Messages, lang: str, category: str, page: Page) -> InlineKeyboardMarkup:
    key = cb.category_key(category)
    rows: Rows = [
        [button(messages, lang, "product", cb.ProductView(sku=p.sku), product=p)]
        for p in page.items
    ]
    pager = []
    if page.page > 0:
        pager.append(button(messages, lang, "prev", cb.CategoryPage(key=key, page=page.page - 1)))
    if page.page + 1 < min(page.pages, cb.MAX_PAGE + 1):
        pager.append(button(messages, lang, "next", cb.CategoryPage(key=key, page=page.page + 1)))
    if pager:
        rows.append(pager)
    rows.append(
        [
            button(messages, lang, "categories", cb.MenuCategories()),
            button(messages, lang, "cart", cb.CartView()),
        ]
    )
    return InlineKeyboardMarkup(rows)


def product(messages: Messages, lang: str, item: Product) -> InlineKeyboardMarkup:
    rows: Rows = []
    if item.available > 0:
        rows.append(
            [
                button(messages, lang, "add_qty", cb.AddToCart(sku=item.sku, quantity=n), qty=n)
                for n in (1, 2, 3)
                if n <= item.available
            ]
        )
        rows.append([button(messages, lang, "other_qty", cb.AskQuantity(sku=item.sku))])
    rows.append(
        [
            button(messages, lang, "back", _category(item.category)),
            button(messages, lang, "cart", cb.CartView()),
        ]
    )
    return InlineKeyboardMarkup(rows)


def cart(messages: Messages, lang: str, content: Cart) -> InlineKeyboardMarkup:
    rows: Rows = []
    for line in content.lines:
        def set_to(key: str, qty: int, line: CartLine = line) -> InlineKeyboardButton:
            return button(messages, lang, key, cb.CartSet(sku=line.sku, quantity=qty), line=line)

        row = []
        # A product taken off sale can only leave the cart (the domain refuses more of it).
        if line.active:
            row.append(set_to("dec", line.quantity - 1))
            if line.quantity < MAX_QUANTITY:
                row.append(set_to("inc", line.quantity + 1))
        row.append(set_to("remove", 0))
        rows.append(row)
    if content.lines:
        rows.append(
            [
                button(messages, lang, "empty_cart", cb.CartClear()),
                button(messages, lang, "checkout", cb.CartCheckout()),
            ]
        )
    rows.append([button(messages, lang, "continue_shopping", cb.MenuCategories())])
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
            [button(messages, lang, "use_saved", cb.CheckoutStep(step="use"), value=use_saved)]
        )
    if skip:
        rows.append([button(messages, lang, "skip_note", cb.CheckoutStep(step="skip"))])
    nav = []
    if back:
        nav.append(button(messages, lang, "back", cb.CheckoutStep(step="back")))
    nav.append(button(messages, lang, "cancel_checkout", cb.CheckoutStep(step="x")))
    rows.append(nav)
    return InlineKeyboardMarkup(rows)


def share_phone(messages: Messages, lang: str, saved: str | None) -> ReplyKeyboardMarkup:
    """The phone step's keyboard: share the contact, reuse the last number (its text is the
    number itself), or go back / cancel (read back as typed text by the checkout)."""
    rows = [[KeyboardButton(messages.button(lang, "share_phone"), request_contact=True)]]
    if saved:
        rows.append([KeyboardButton(messages.button(lang, "saved_phone", phone=saved))])
    rows.append([
        KeyboardButton(messages.button(lang, "back")),
        KeyboardButton(messages.button(lang, "cancel_checkout")),
    ])
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


def shipping(messages: Messages, lang: str, options: list[ShippingOption]) -> InlineKeyboardMarkup:
    rows: Rows = [
        [
            button(
                messages, lang, "shipping_option", cb.CheckoutShipping(code=o.code), option=o
            )
        ]
        for o in options
    ]
    return InlineKeyboardMarkup(rows + list(checkout_nav(messages, lang).inline_keyboard))


def payment(messages: Messages, lang: str, methods: list[PaymentMethod]) -> InlineKeyboardMarkup:
    rows: Rows = [
        [button(messages, lang, "payment_method", cb.CheckoutPayment(method=m), method=m)]
        for m in methods
    ]
    return InlineKeyboardMarkup(rows + list(checkout_nav(messages, lang).inline_keyboard))


def confirm(messages: Messages, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(messages, lang, "confirm_order", cb.CheckoutStep(step="ok"))]]
        + list(checkout_nav(messages, lang).inline_keyboard)
    )


def orders_list(
    messages: Messages, lang: str, items: list[Order], page: int, pages: int
) -> InlineKeyboardMarkup:
    rows: Rows = [
        [button(messages, lang, "order_row", cb.OrderView(number=o.number), order=o)]
        for o in items
    ]
    pager = []
    if page > 0:
        pager.append(button(messages, lang, "prev", cb.OrderList(page=page - 1)))
    if page + 1 < min(pages, cb.MAX_PAGE + 1):
        pager.append(button(messages, lang, "next", cb.OrderList(page=page + 1)))
    if pager:
        rows.append(pager)
    rows.append([button(messages, lang, "home", cb.MenuHome())])
    return InlineKeyboardMarkup(rows)


def order_detail(
    messages: Messages, lang: str, order: Order, extra: Rows | None = None
) -> InlineKeyboardMarkup:
    """The order's own buttons; `extra` rows (the complaint's) come before "my orders"."""
    rows: Rows = []
    if order.status in lifecycle.CUSTOMER_CANCELLABLE:
        rows.append(
            [button(messages, lang, "cancel_order", cb.OrderCancel(number=order.number))]
        )
    if order.status == Status.SHIPPED:
        rows.append([button(messages, lang, "received", cb.Received(number=order.number))])
    rows.extend(extra or [])
    rows.append([button(messages, lang, "my_orders", cb.OrderList(page=0))])
    return InlineKeyboardMarkup(rows)


def confirm_cancel(messages: Messages, lang: str, order: Order) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(
                    messages, lang, "yes_cancel", cb.OrderCancelConfirm(number=order.number)
                ),
                button(messages, lang, "no_keep", cb.OrderView(number=order.number)),
            ]
        ]
    )


def languages(messages: Messages, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(messages, lang, "lang_id", cb.LanguageChoice(language="id")),
                button(messages, lang, "lang_en", cb.LanguageChoice(language="en")),
            ]
        ]
    )


def preferences(
    messages: Messages, lang: str, *, reminders: bool, surveys: bool
) -> InlineKeyboardMarkup:
    def switch(topic: str, on: bool) -> list[InlineKeyboardButton]:
        """One switch ("pref_<topic>" label): shows its state, a press turns it over."""
        flip = cb.PreferenceSet(topic=topic, on=not on)
        return [button(messages, lang, f"pref_{topic}", flip, on=on)]

    return InlineKeyboardMarkup(
        [
            switch("reminders", reminders),
            switch("surveys", surveys),
            [button(messages, lang, "home", cb.MenuHome())],
        ]
    )


def survey_comment(messages: Messages, lang: str, number: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(messages, lang, "survey_skip", cb.SurveySkip(number=number))]]
    )
