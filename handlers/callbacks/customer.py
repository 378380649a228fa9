"""The buttons of the customer's shopping: menu, catalog, cart, checkout, orders, language
and the settings screen."""

from __future__ import annotations

import hashlib
from typing import Annotated

from domain.models import PaymentMethod
from handlers.callbacks.base import (
    ADD,
    ASK_QTY,
    CART,
    CATEGORY,
    CHECKOUT,
    LANGUAGE,
    MENU,
    ORDERS,
    PREFERENCES,
    PRODUCT,
    Callback,
)
from handlers.callbacks.fields import (
    CategoryKey,
    Coded,
    Flag,
    LineQuantity,
    OrderNumber,
    Page,
    Quantity,
    ShippingCode,
    Sku,
    one_of,
)
from handlers.callbacks.follow_up import PREFERENCE_TOPICS
from messages.render import LANGUAGES


def category_key(category: str) -> str:
    """A short stable key for a category name (names may be long or non-ASCII)."""
    return hashlib.sha1(category.encode()).hexdigest()[:8]


class MenuHome(Callback, prefix=MENU, word="home"):
    """m:home"""


class MenuCategories(Callback, prefix=MENU, word="cats"):
    """m:cats"""


class CategoryPage(Callback, prefix=CATEGORY):
    """c:<category key>:<page>"""

    key: CategoryKey
    page: Page


class ProductView(Callback, prefix=PRODUCT):
    """p:<sku>"""

    sku: Sku


class AddToCart(Callback, prefix=ADD):
    """a:<sku>:<quantity 1..99>"""

    sku: Sku
    quantity: Quantity


class AskQuantity(Callback, prefix=ASK_QTY):
    """q:<sku> — "other amount": the quantity is typed next."""

    sku: Sku


class CartView(Callback, prefix=CART, word="view"):
    """k:view"""


class CartSet(Callback, prefix=CART, word="set"):
    """k:set:<sku>:<quantity 0..99> — the quantity to set, so a repeated press is harmless."""

    sku: Sku
    quantity: LineQuantity


class CartClear(Callback, prefix=CART, word="clear"):
    """k:clear"""


class CartCheckout(Callback, prefix=CART, word="go"):
    """k:go — starts the checkout conversation."""


class CheckoutStep(Callback, prefix=CHECKOUT):
    """co:<use|skip|back|x|ok> — use the saved value, skip the note, back, cancel, confirm."""

    step: Annotated[str, one_of("use", "skip", "back", "x", "ok")]


class CheckoutShipping(Callback, prefix=CHECKOUT, word="ship"):
    """co:ship:<shipping option code>"""

    code: ShippingCode


class CheckoutPayment(Callback, prefix=CHECKOUT, word="pay"):
    """co:pay:<transfer|cod>"""

    method: Annotated[str, one_of(*(m.value for m in PaymentMethod))]


class OrderList(Callback, prefix=ORDERS, word="list"):
    """o:list:<page>"""

    page: Page


class OrderView(Callback, prefix=ORDERS, word="view"):
    """o:view:<order no>"""

    number: OrderNumber


class OrderCancel(Callback, prefix=ORDERS, word="cancel"):
    """o:cancel:<order no> — asks "really cancel?"."""

    number: OrderNumber


class OrderCancelConfirm(Callback, prefix=ORDERS, word="cancelyes"):
    """o:cancelyes:<order no>"""

    number: OrderNumber


class LanguageChoice(Callback, prefix=LANGUAGE):
    """lang:<id|en>"""

    language: Annotated[str, one_of(*LANGUAGES)]


class PreferenceSet(Callback, prefix=PREFERENCES):
    """pref:<rem|srv>:<0|1> — on the settings screen."""

    topic: Annotated[str, Coded(PREFERENCE_TOPICS)]
    on: Annotated[bool, Flag()]
