"""Inline keyboards. Labels come from messages/ (buttons.txt); data from handlers.callbacks."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from domain import lifecycle
from domain.catalog import Page
from domain.couriers import Courier
from domain.models import Cart, CartLine, Order, PaymentMethod, Product, ShippingOption, Status
from domain.staff_actions import allowed_actions
from domain.validation import MAX_QUANTITY
from domain.worklist import QueuePage, stage_key
from handlers import callbacks as cb
from messages import Messages

Rows = list[list[InlineKeyboardButton]]


def _button(
    messages: Messages, lang: str, key: str, data: cb.Callback, **ctx: object
) -> InlineKeyboardButton:
    return InlineKeyboardButton(messages.button(lang, key, **ctx), callback_data=data.pack())


def main_menu(messages: Messages, lang: str) -> InlineKeyboardMarkup:
    b = lambda key, data: _button(messages, lang, key, data)  # noqa: E731
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
    rows.append([_button(messages, lang, "home", cb.MenuHome())])
    return InlineKeyboardMarkup(rows)


def category_page(messages: Messages, lang: str, category: str, page: Page) -> InlineKeyboardMarkup:
    key = cb.category_key(category)
    rows: Rows = [
        [_button(messages, lang, "product", cb.ProductView(sku=p.sku), product=p)]
        for p in page.items
    ]
    pager = []
    if page.page > 0:
        pager.append(_button(messages, lang, "prev", cb.CategoryPage(key=key, page=page.page - 1)))
    if page.page + 1 < min(page.pages, cb.MAX_PAGE + 1):
        pager.append(_button(messages, lang, "next", cb.CategoryPage(key=key, page=page.page + 1)))
    if pager:
        rows.append(pager)
    rows.append(
        [
            _button(messages, lang, "categories", cb.MenuCategories()),
            _button(messages, lang, "cart", cb.CartView()),
        ]
    )
    return InlineKeyboardMarkup(rows)


def product(messages: Messages, lang: str, item: Product) -> InlineKeyboardMarkup:
    rows: Rows = []
    if item.available > 0:
        rows.append(
            [
                _button(messages, lang, "add_qty", cb.AddToCart(sku=item.sku, quantity=n), qty=n)
                for n in (1, 2, 3)
                if n <= item.available
            ]
        )
        rows.append([_button(messages, lang, "other_qty", cb.AskQuantity(sku=item.sku))])
    rows.append(
        [
            _button(messages, lang, "back", _category(item.category)),
            _button(messages, lang, "cart", cb.CartView()),
        ]
    )
    return InlineKeyboardMarkup(rows)


def cart(messages: Messages, lang: str, content: Cart) -> InlineKeyboardMarkup:
    rows: Rows = []
    for line in content.lines:
        def set_to(key: str, qty: int, line: CartLine = line) -> InlineKeyboardButton:
            return _button(messages, lang, key, cb.CartSet(sku=line.sku, quantity=qty), line=line)

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
                _button(messages, lang, "empty_cart", cb.CartClear()),
                _button(messages, lang, "checkout", cb.CartCheckout()),
            ]
        )
    rows.append([_button(messages, lang, "continue_shopping", cb.MenuCategories())])
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
            [_button(messages, lang, "use_saved", cb.CheckoutStep(step="use"), value=use_saved)]
        )
    if skip:
        rows.append([_button(messages, lang, "skip_note", cb.CheckoutStep(step="skip"))])
    nav = []
    if back:
        nav.append(_button(messages, lang, "back", cb.CheckoutStep(step="back")))
    nav.append(_button(messages, lang, "cancel_checkout", cb.CheckoutStep(step="x")))
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
            _button(
                messages, lang, "shipping_option", cb.CheckoutShipping(code=o.code), option=o
            )
        ]
        for o in options
    ]
    return InlineKeyboardMarkup(rows + list(checkout_nav(messages, lang).inline_keyboard))


def payment(messages: Messages, lang: str, methods: list[PaymentMethod]) -> InlineKeyboardMarkup:
    rows: Rows = [
        [_button(messages, lang, "payment_method", cb.CheckoutPayment(method=m), method=m)]
        for m in methods
    ]
    return InlineKeyboardMarkup(rows + list(checkout_nav(messages, lang).inline_keyboard))


def confirm(messages: Messages, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(messages, lang, "confirm_order", cb.CheckoutStep(step="ok"))]]
        + list(checkout_nav(messages, lang).inline_keyboard)
    )


def orders_list(
    messages: Messages, lang: str, items: list[Order], page: int, pages: int
) -> InlineKeyboardMarkup:
    rows: Rows = [
        [_button(messages, lang, "order_row", cb.OrderView(number=o.number), order=o)]
        for o in items
    ]
    pager = []
    if page > 0:
        pager.append(_button(messages, lang, "prev", cb.OrderList(page=page - 1)))
    if page + 1 < min(pages, cb.MAX_PAGE + 1):
        pager.append(_button(messages, lang, "next", cb.OrderList(page=page + 1)))
    if pager:
        rows.append(pager)
    rows.append([_button(messages, lang, "home", cb.MenuHome())])
    return InlineKeyboardMarkup(rows)


def order_detail(messages: Messages, lang: str, order: Order) -> InlineKeyboardMarkup:
    rows: Rows = []
    if order.status in lifecycle.CUSTOMER_CANCELLABLE:
        rows.append(
            [_button(messages, lang, "cancel_order", cb.OrderCancel(number=order.number))]
        )
    if order.status == Status.SHIPPED:
        rows.append([_button(messages, lang, "received", cb.Received(number=order.number))])
    rows.append([_button(messages, lang, "my_orders", cb.OrderList(page=0))])
    return InlineKeyboardMarkup(rows)


def confirm_cancel(messages: Messages, lang: str, order: Order) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    messages, lang, "yes_cancel", cb.OrderCancelConfirm(number=order.number)
                ),
                _button(messages, lang, "no_keep", cb.OrderView(number=order.number)),
            ]
        ]
    )


def order_notice(messages: Messages, lang: str, order: Order) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(messages, lang, "see_order", cb.OrderView(number=order.number))]]
    )


def languages(messages: Messages, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(messages, lang, "lang_id", cb.LanguageChoice(language="id")),
                _button(messages, lang, "lang_en", cb.LanguageChoice(language="en")),
            ]
        ]
    )


def _staff(
    messages: Messages, lang: str, action: str, number: str, **ctx: object
) -> InlineKeyboardButton:
    return _button(
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
    rows: Rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(rows) if rows else None


def staff_couriers(
    messages: Messages, lang: str, order: Order, couriers: Iterable[Courier]
) -> InlineKeyboardMarkup:
    """Ship: which courier (the card's buttons give way to this choice, then come back)."""
    buttons = [
        _button(
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
            _button(
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
        _button(
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
            _button(messages, lang, "prev", cb.StaffQueuePage(stage=key, page=page.page - 1))
        )
    if page.page + 1 < min(page.pages, cb.MAX_PAGE + 1):
        pager.append(
            _button(messages, lang, "next", cb.StaffQueuePage(stage=key, page=page.page + 1))
        )
    return staff_open_orders(messages, lang, [i.number for i in page.items], pager)


def shipped_notice(
    messages: Messages, lang: str, order: Order, tracking_url: str | None
) -> InlineKeyboardMarkup:
    """The customer's shipment notice: confirm arrival, follow the parcel, see the order."""
    rows: Rows = []
    if order.status == Status.SHIPPED:
        rows.append([_button(messages, lang, "received", cb.Received(number=order.number))])
    if tracking_url:
        rows.append([InlineKeyboardButton(messages.button(lang, "track_parcel"), url=tracking_url)])
    rows.append([_button(messages, lang, "see_order", cb.OrderView(number=order.number))])
    return InlineKeyboardMarkup(rows)


# ---------------------------------------------------------------- scheduled follow-up


def _off(messages: Messages, lang: str, topic: str) -> InlineKeyboardButton:
    """Turn reminders (rem) or surveys (srv) off straight from the message that asks."""
    off = cb.PreferenceOff(topic=cb.PREFERENCE_TOPICS[topic])
    return _button(messages, lang, f"{topic}_off", off)


def payment_reminder(messages: Messages, lang: str, number: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(messages, lang, "see_order", cb.OrderView(number=number))],
            [_off(messages, lang, "rem")],
        ]
    )


def cart_reminder(messages: Messages, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(messages, lang, "cart", cb.CartView()),
                _button(messages, lang, "checkout", cb.CartCheckout()),
            ],
            [_off(messages, lang, "rem")],
        ]
    )


def delivery_check(messages: Messages, lang: str, number: str) -> InlineKeyboardMarkup:
    def answer(key: str, code: str) -> InlineKeyboardButton:
        return _button(messages, lang, key, cb.DeliveryAnswer(answer=code, number=number))

    return InlineKeyboardMarkup(
        [
            [answer("delivery_received", "received")],
            [answer("delivery_not_yet", "not_yet"), answer("delivery_problem", "problem")],
        ]
    )


def survey_scores(messages: Messages, lang: str, number: str) -> InlineKeyboardMarkup:
    def score(n: int) -> InlineKeyboardButton:
        data = cb.SurveyScore(number=number, score=n)
        return _button(messages, lang, "survey_score", data, score=n)

    return InlineKeyboardMarkup(
        [
            [score(n) for n in range(0, 6)],
            [score(n) for n in range(6, 11)],
            [_off(messages, lang, "srv")],
        ]
    )


def survey_comment(messages: Messages, lang: str, number: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(messages, lang, "survey_skip", cb.SurveySkip(number=number))]]
    )


def preferences(
    messages: Messages, lang: str, *, reminders: bool, surveys: bool
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    messages,
                    lang,
                    "pref_reminders",
                    cb.PreferenceSet(topic="reminders", on=not reminders),
                    on=reminders,
                )
            ],
            [
                _button(
                    messages,
                    lang,
                    "pref_surveys",
                    cb.PreferenceSet(topic="surveys", on=not surveys),
                    on=surveys,
                )
            ],
            [_button(messages, lang, "home", cb.MenuHome())],
        ]
    )


def staff_nudge(messages: Messages, lang: str, numbers: list[str]) -> InlineKeyboardMarkup | None:
    """One button per order listed (the first few): opens its card in the group."""
    buttons = [
        _button(
            messages,
            lang,
            "open_order",
            cb.StaffPress(action="open", number=number),
            number=number,
        )
        for number in numbers[:12]
    ]
    rows: Rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    return InlineKeyboardMarkup(rows) if rows else None
