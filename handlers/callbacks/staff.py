"""The staff group's buttons: an action on an order card, the courier chosen for shipping,
the pages of a /queue answer, and the periods of /laporan."""

from __future__ import annotations

from typing import Annotated

from domain.models import Status
from domain.reports.periods import QUICK
from handlers.callbacks.base import STAFF, STAFF_QUEUE, STAFF_REPORT, Callback
from handlers.callbacks.fields import Coded, CourierCode, OrderNumber, Page, one_of

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


class StaffReportPeriod(Callback, prefix=STAFF_REPORT):
    """rp:<today|7d|month|lastmonth> — /laporan for another period."""

    period: Annotated[str, one_of(*QUICK)]
