"""The staff group's after-sales keyboards (part B): a complaint card's buttons, which follow
from its status (domain/aftersales/lifecycle.py), the solution choice, the courier choice, the
per-line inspection, and "returned to sender" on a shipped COD order's card."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.aftersales.inspection import INSPECTABLE
from domain.aftersales.lifecycle import UNDECIDED
from domain.aftersales.models import (
    SOLUTIONS_FOR,
    ComplaintStatus,
    ComplaintView,
    ShipmentStatus,
    Solution,
)
from domain.fulfilment.couriers import Courier
from domain.models import Order, PaymentMethod, Status
from handlers import callbacks as cb
from handlers.keyboards.base import Rows, button
from messages import Messages

# Lines listed in the inspection choice (an order has far fewer; more stay reachable by
# /return after the first ones are judged).
MAX_LINES = 40
# A follow-up parcel staff may ship (reserved) or correct (shipped).
SHIPPABLE = frozenset({ShipmentStatus.RESERVED, ShipmentStatus.SHIPPED})


def _rows(buttons: list[InlineKeyboardButton], per_row: int = 2) -> Rows:
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def card_actions(view: ComplaintView) -> tuple[str, ...]:
    """The card's actions allowed now, in display order."""
    c, shipment = view.complaint, view.shipment
    actions: list[str] = []
    if c.status in UNDECIDED:
        actions += ["approve", "reject", "evidence"]
    if c.expects_return and c.status in INSPECTABLE:
        actions.append("return")
        if c.uninspected:
            actions.append("inspect")
    parcel_due = shipment is not None and shipment.status in SHIPPABLE
    if parcel_due and c.status is not ComplaintStatus.REJECTED:
        actions.append("follow_up")
    actions.append("note")
    return tuple(actions)


def complaint_actions(
    messages: Messages, lang: str, view: ComplaintView
) -> InlineKeyboardMarkup:
    c = view.complaint
    shipped = view.shipment is not None and view.shipment.status is ShipmentStatus.SHIPPED
    buttons = [
        button(
            messages,
            lang,
            "complaint_action",
            cb.ComplaintPress(action=a, complaint=c.id),
            action=a,
            again=(a == "return" and c.return_tracking is not None)
            or (a == "follow_up" and shipped),
        )
        for a in card_actions(view)
    ]
    return InlineKeyboardMarkup(_rows(buttons))


def _back(messages: Messages, lang: str, complaint_id: int) -> list[InlineKeyboardButton]:
    data = cb.ComplaintPress(action="back", complaint=complaint_id)
    return [button(messages, lang, "staff_back", data)]


def solutions(
    messages: Messages, lang: str, view: ComplaintView, proposed: int
) -> InlineKeyboardMarkup:
    """Approve: with which solution (those the reason allows; the customer's wish first)."""
    c = view.complaint
    allowed = [s for s in SOLUTIONS_FOR[c.reason] if s is not Solution.RETURN_TO_SENDER]
    allowed.sort(key=lambda s: s != c.solution_wanted)
    buttons = [
        button(
            messages,
            lang,
            "complaint_solution",
            cb.ComplaintSolution(complaint=c.id, solution=s.value),
            solution=s.value,
            amount=proposed,
            wanted=s == c.solution_wanted,
        )
        for s in allowed
    ]
    rows = _rows(buttons, 1)
    rows.append(_back(messages, lang, c.id))
    return InlineKeyboardMarkup(rows)


def couriers(
    messages: Messages, lang: str, complaint_id: int, purpose: str, found: Iterable[Courier]
) -> InlineKeyboardMarkup:
    buttons = [
        button(
            messages,
            lang,
            "courier",
            cb.StaffComplaintCourier(complaint=complaint_id, purpose=purpose, courier=c.code),
            courier=c,
        )
        for c in found
    ]
    rows = _rows(buttons)
    rows.append(_back(messages, lang, complaint_id))
    return InlineKeyboardMarkup(rows)


def inspect_lines(messages: Messages, lang: str, view: ComplaintView) -> InlineKeyboardMarkup:
    """The lines with units still to judge, one button each."""
    c = view.complaint
    buttons = [
        button(
            messages,
            lang,
            "staff_inspect_line",
            cb.ComplaintLine(complaint=c.id, line=i, split=False),
            sku=line.sku,
            left=line.uninspected,
        )
        for i, line in enumerate(c.lines)
        if line.uninspected > 0
    ][:MAX_LINES]
    rows = _rows(buttons, 1)
    rows.append(_back(messages, lang, c.id))
    return InlineKeyboardMarkup(rows)


def inspect_line(
    messages: Messages, lang: str, view: ComplaintView, index: int
) -> InlineKeyboardMarkup:
    """One line: all left resellable or damaged, or one unit at a time (each press names the
    units it saw left, so pressing twice judges nothing twice); a split is typed."""
    c = view.complaint
    left = c.lines[index].uninspected

    def judge(key: str, resellable: int, damaged: int) -> InlineKeyboardButton:
        data = cb.ComplaintInspect(
            complaint=c.id, line=index, resellable=resellable, damaged=damaged, left=left
        )
        return button(messages, lang, key, data, count=resellable + damaged)

    rows: Rows = [[judge("inspect_resellable", left, 0), judge("inspect_damaged", 0, left)]]
    if left > 1:
        rows.append([judge("inspect_resellable", 1, 0), judge("inspect_damaged", 0, 1)])
        rows.append(
            [
                button(
                    messages,
                    lang,
                    "inspect_split",
                    cb.ComplaintLine(complaint=c.id, line=index, split=True),
                )
            ]
        )
    rows.append(
        [button(messages, lang, "staff_back", cb.ComplaintPress(action="inspect", complaint=c.id))]
    )
    return InlineKeyboardMarkup(rows)


def returned_to_sender_offered(order: Order) -> bool:
    return order.status is Status.SHIPPED and order.payment_method is PaymentMethod.COD


def rts_button(messages: Messages, lang: str, order: Order) -> InlineKeyboardButton:
    return button(
        messages, lang, "rts", cb.OrderRts(number=order.number, confirmed=False), confirm=False
    )


def rts_confirm(messages: Messages, lang: str, order: Order) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(
                    messages,
                    lang,
                    "rts",
                    cb.OrderRts(number=order.number, confirmed=True),
                    confirm=True,
                )
            ],
            [
                button(
                    messages, lang, "staff_back", cb.StaffPress(action="back", number=order.number)
                )
            ],
        ]
    )
