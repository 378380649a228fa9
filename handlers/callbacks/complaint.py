"""The customer's complaint buttons (issue 9, part A): "Ajukan komplain / retur" on a delivered
order, each step of the complaint (reason, lines, evidence, solution, summary), and the
buttons on the complaint's notices: send more evidence, send the return's tracking number.

Short codes keep every button within 64 bytes; a line is named by its position in the order
(an order has at most MAX_LINES lines; its SKU may be long) and checked again on the server.
"""

from __future__ import annotations

from typing import Annotated

from domain.aftersales.models import CUSTOMER_REASONS, CUSTOMER_SOLUTIONS
from domain.ordering.cart import MAX_LINES
from domain.validation import MAX_QUANTITY
from handlers.callbacks.base import Callback
from handlers.callbacks.fields import Coded, CourierCode, Digits, OrderNumber, one_of

COMPLAINT = "cp"

REASON_CODES = {
    "nr": "not_received",
    "in": "incomplete",
    "wi": "wrong_item",
    "dm": "damaged",
    "nd": "not_as_described",
    "cm": "change_of_mind",
}
SOLUTION_CODES = {
    "ro": "refund_only",
    "rr": "return_refund",
    "rp": "replacement",
    "mp": "missing_part",
}
assert set(REASON_CODES.values()) == {str(r) for r in CUSTOMER_REASONS}
assert set(SOLUTION_CODES.values()) == {str(s) for s in CUSTOMER_SOLUTIONS}

ComplaintId = Annotated[int, Digits(1, 999_999_999)]  # what Digits reads (9 digits)


class ComplaintStart(Callback, prefix=COMPLAINT, word="new"):
    """cp:new:<order no> — "Ajukan komplain / retur" under a delivered order."""

    number: OrderNumber


class ComplaintStep(Callback, prefix=COMPLAINT):
    """cp:<next|send|back|x> — done with this step, send the complaint, back, cancel."""

    step: Annotated[str, one_of("next", "send", "back", "x")]


class ComplaintReasonPick(Callback, prefix=COMPLAINT, word="r"):
    """cp:r:<reason code>"""

    reason: Annotated[str, Coded(REASON_CODES)]


class ComplaintLineSet(Callback, prefix=COMPLAINT, word="l"):
    """cp:l:<line index>:<quantity 0..99> — the units of that line claimed (set, not added:
    a repeated press is harmless)."""

    index: Annotated[int, Digits(0, MAX_LINES - 1)]
    quantity: Annotated[int, Digits(0, MAX_QUANTITY)]


class ComplaintSolutionPick(Callback, prefix=COMPLAINT, word="s"):
    """cp:s:<solution code>"""

    solution: Annotated[str, Coded(SOLUTION_CODES)]


class ComplaintMoreEvidence(Callback, prefix=COMPLAINT, word="ev"):
    """cp:ev:<complaint id> — on the "more evidence, please" notice: send more."""

    complaint_id: ComplaintId


class ComplaintReturnShipment(Callback, prefix=COMPLAINT, word="rt"):
    """cp:rt:<complaint id> — on the approved notice: enter the return's courier and resi."""

    complaint_id: ComplaintId


class ComplaintCourier(Callback, prefix=COMPLAINT, word="c"):
    """cp:c:<courier code> — the return parcel's courier."""

    courier: CourierCode


# Every kind the complaint conversation answers while it is open.
STEP_KINDS: tuple[type[Callback], ...] = (
    ComplaintStep,
    ComplaintReasonPick,
    ComplaintLineSet,
    ComplaintSolutionPick,
    ComplaintCourier,
)
