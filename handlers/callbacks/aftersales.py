"""The staff group's after-sales buttons (part B): actions on a complaint's card, the solution
approved, the courier of a return or follow-up parcel, the per-line inspection, and "returned
to sender" on a shipped COD order's card.

Each carries the complaint's id (or the order's number) and, where a press must not count
twice, what the presser saw: an inspection press names the units still left on the line, so a
repeated or concurrent press finds a different count and changes nothing.
"""

from __future__ import annotations

from typing import Annotated

from domain.aftersales.models import Solution
from handlers.callbacks.base import STAFF_COMPLAINT, Callback
from handlers.callbacks.fields import Coded, CourierCode, Digits, Flag, OrderNumber

ComplaintId = Annotated[int, Digits(1, 999_999_999)]
LineIndex = Annotated[int, Digits(0, 199)]
Units = Annotated[int, Digits(0, 9_999)]

# The complaint card's actions, by the one-letter code they are written with.
COMPLAINT_CODES = {
    "approve": "a",  # opens the solution choice
    "reject": "r",  # asks for the reason
    "evidence": "e",  # asks what evidence is missing
    "return": "t",  # the return parcel's courier, then its tracking number
    "follow_up": "f",  # the replacement / missing part's courier, then tracking
    "inspect": "i",  # the lines still to inspect
    "note": "n",  # a staff-only note
    "back": "b",  # the card's own buttons again
    "open": "o",  # post the card again (from /returns)
}
SOLUTION_CODES = {
    "ro": Solution.REFUND_ONLY.value,
    "rr": Solution.RETURN_REFUND.value,
    "rp": Solution.REPLACEMENT.value,
    "mp": Solution.MISSING_PART.value,
}
PURPOSES = {"t": "return", "f": "follow_up"}


class ComplaintPress(Callback, prefix=STAFF_COMPLAINT):
    """cs:<code>:<complaint id> — an action on a complaint's card."""

    action: Annotated[str, Coded({code: name for name, code in COMPLAINT_CODES.items()})]
    complaint: ComplaintId


class ComplaintSolution(Callback, prefix=STAFF_COMPLAINT, word="ok"):
    """cs:ok:<complaint id>:<solution> — approve with that solution."""

    complaint: ComplaintId
    solution: Annotated[str, Coded(SOLUTION_CODES)]


class StaffComplaintCourier(Callback, prefix=STAFF_COMPLAINT, word="c"):
    """cs:c:<complaint id>:<t|f>:<courier> — the courier of the return or follow-up parcel."""

    complaint: ComplaintId
    purpose: Annotated[str, Coded(PURPOSES)]
    courier: CourierCode


class ComplaintLine(Callback, prefix=STAFF_COMPLAINT, word="l"):
    """cs:l:<complaint id>:<line>:<0|1> — the inspection choices of one line; 1: type a split
    ("resellable damaged") instead."""

    complaint: ComplaintId
    line: LineIndex
    split: Annotated[bool, Flag()]


class ComplaintInspect(Callback, prefix=STAFF_COMPLAINT, word="in"):
    """cs:in:<complaint id>:<line>:<resellable>:<damaged>:<left> — judge units of a line;
    `left` is what the presser saw still uninspected (a stale count changes nothing)."""

    complaint: ComplaintId
    line: LineIndex
    resellable: Units
    damaged: Units
    left: Units


class OrderRts(Callback, prefix=STAFF_COMPLAINT, word="rts"):
    """cs:rts:<order no>:<0|1> — "returned to sender" on a shipped COD order's card: 0 asks
    to confirm, 1 confirms."""

    number: OrderNumber
    confirmed: Annotated[bool, Flag()]
