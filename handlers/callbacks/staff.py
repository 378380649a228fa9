"""The staff group's buttons: an action on an order card, the courier chosen for shipping,
the pages of a /queue answer, Import/Cancel under a catalog preview, a product card's
edit buttons and the periods of /laporan."""

from __future__ import annotations

from typing import Annotated

from domain.models import Status
from domain.reports.periods import QUICK
from handlers.callbacks.base import (
    STAFF,
    STAFF_CATALOG,
    STAFF_PRODUCT,
    STAFF_QUEUE,
    STAFF_REPORT,
    Callback,
)
from handlers.callbacks.fields import (
    Coded,
    CourierCode,
    Digits,
    OrderNumber,
    Page,
    Sku,
    one_of,
)

# The staff card's actions, by the one-letter code they are written with.
STAFF_CODES = {
    "verify": "v",
    "reject": "r",
    "pack": "p",
    "ship": "s",
    "invoice": "i",
    "deliver": "d",
    "cancel": "x",
    "note": "n",
    "courier": "c",  # StaffCourier
    "back": "b",  # the card's own buttons again (leaves the courier choice)
    "open": "o",  # post the order's card and history
}


class StaffPress(Callback, prefix=STAFF):
    """st:<code>:<order no> — an action on a card in the staff group (`action` is its name)."""

    action: Annotated[
        str, Coded({code: name for name, code in STAFF_CODES.items() if name != "courier"})
    ]
    number: OrderNumber


class StaffCourier(Callback, prefix=STAFF, word=STAFF_CODES["courier"]):
    """st:c:<order no>:<courier code> — the courier chosen for shipping."""

    number: OrderNumber
    courier: CourierCode


class StaffQueuePage(Callback, prefix=STAFF_QUEUE):
    """sq:<open|status>:<page> — a page of a /queue answer."""

    stage: Annotated[str, one_of("open", *(s.value for s in Status))]
    page: Page


class StaffCatalogImport(Callback, prefix=STAFF_CATALOG):
    """ci:<i|x>:<preview id> — Import or Cancel under a catalog file's preview."""

    action: Annotated[str, Coded({"i": "import", "x": "cancel"})]
    preview: Annotated[int, Digits(1, 999_999_999)]


# A product card's buttons: the field to change (or the stock's choices, on/off sale, back to
# the card's own buttons), by the code they are written with.
PRODUCT_CODES = {
    "price": "p",
    "stock": "s",
    "name": "n",
    "description": "d",
    "category": "c",
    "on": "on",
    "off": "off",
    "low_stock_threshold": "t",
    "photo": "f",
    "stock_set": "ss",
    "stock_add": "sa",
    "stock_remove": "sr",
    "card": "b",
}


class StaffProductEdit(Callback, prefix=STAFF_PRODUCT):
    """pe:<code>:<sku> — a button on a product's card in the staff group."""

    field: Annotated[str, Coded({code: name for name, code in PRODUCT_CODES.items()})]
    sku: Sku


class StaffReportPeriod(Callback, prefix=STAFF_REPORT):
    """rp:<today|7d|month|lastmonth> — /laporan for another period."""

    period: Annotated[str, one_of(*QUICK)]
