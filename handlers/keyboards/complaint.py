"""The customer's complaint keyboards (issue 9, part A): the order view's complaint buttons,
each step of the complaint, and the buttons under the complaint's notices (bot/ renders
those)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.aftersales.models import Complaint, ComplaintReason, ComplaintStatus, Solution
from domain.fulfilment.couriers import Courier
from handlers import callbacks as cb
from handlers.keyboards.base import Rows, button
from messages import Messages

BACK = cb.ComplaintStep(step="back")
CANCEL = cb.ComplaintStep(step="x")
NEXT = cb.ComplaintStep(step="next")
SEND = cb.ComplaintStep(step="send")


@dataclass(frozen=True, slots=True)
class PickLine:
    """An order line as the picker shows it: `quantity` is what may still be claimed."""

    index: int
    sku: str
    name: str
    quantity: int
    chosen: int


def wants_evidence(complaint: Complaint) -> bool:
    return complaint.status == ComplaintStatus.NEEDS_EVIDENCE


def wants_return(complaint: Complaint) -> bool:
    """Approved with the goods to come back, and no return tracking number yet."""
    return (
        complaint.expects_return
        and complaint.status == ComplaintStatus.APPROVED
        and complaint.return_tracking is None
    )


def order_rows(
    messages: Messages, lang: str, number: str, complaint: Complaint | None, may_open: bool
) -> Rows:
    """The complaint's buttons on the customer's order view: open one (within the window,
    none open), or the step the open one waits for from the customer."""
    rows: Rows = []
    if complaint is not None and complaint.is_open:
        if wants_evidence(complaint):
            data = cb.ComplaintMoreEvidence(complaint_id=complaint.id)
            rows.append([button(messages, lang, "complaint_more_evidence", data)])
        if wants_return(complaint):
            data2 = cb.ComplaintReturnShipment(complaint_id=complaint.id)
            rows.append([button(messages, lang, "complaint_return_shipment", data2)])
    elif may_open:
        start = cb.ComplaintStart(number=number)
        rows.append([button(messages, lang, "complaint_start", start)])
    return rows


def notice_rows(messages: Messages, lang: str, complaint: Complaint) -> Rows:
    """Under a COMPLAINT_STATUS notice: what the customer may do next, if anything."""
    return order_rows(messages, lang, complaint.order_number, complaint, may_open=False)


def _nav(messages: Messages, lang: str, *, back: bool = True) -> list[InlineKeyboardButton]:
    row = [button(messages, lang, "back", BACK)] if back else []
    row.append(button(messages, lang, "complaint_cancel", CANCEL))
    return row


def reasons(
    messages: Messages, lang: str, offered: Sequence[ComplaintReason]
) -> InlineKeyboardMarkup:
    rows: Rows = [
        [button(messages, lang, f"complaint_reason_{r}", cb.ComplaintReasonPick(reason=str(r)))]
        for r in offered
    ]
    rows.append(_nav(messages, lang, back=False))
    return InlineKeyboardMarkup(rows)


def lines(messages: Messages, lang: str, items: Sequence[PickLine]) -> InlineKeyboardMarkup:
    """One row per line: ➖, the line (a press takes all its units, or none again), ➕.
    At most 20 lines × 3 + 3: within Telegram's 100 buttons."""
    rows: Rows = []
    for x in items:
        def set_to(key: str, qty: int, x: PickLine = x) -> InlineKeyboardButton:
            data = cb.ComplaintLineSet(index=x.index, quantity=qty)
            if key == "complaint_line":
                return button(messages, lang, key, data, line=x, qty=x.chosen)
            return button(messages, lang, key, data)

        row = []
        if x.quantity > 1:
            row.append(set_to("complaint_less", max(x.chosen - 1, 0)))
        row.append(set_to("complaint_line", 0 if x.chosen else x.quantity))
        if x.quantity > 1:
            row.append(set_to("complaint_more", min(x.chosen + 1, x.quantity)))
        rows.append(row)
    if any(x.chosen for x in items):
        rows.append([button(messages, lang, "complaint_next", NEXT)])
    rows.append(_nav(messages, lang))
    return InlineKeyboardMarkup(rows)


def evidence(messages: Messages, lang: str, *, ready: bool) -> InlineKeyboardMarkup:
    rows: Rows = [[button(messages, lang, "complaint_next", NEXT)]] if ready else []
    rows.append(_nav(messages, lang))
    return InlineKeyboardMarkup(rows)


def solutions(
    messages: Messages, lang: str, offered: Sequence[Solution]
) -> InlineKeyboardMarkup:
    rows: Rows = [
        [
            button(
                messages, lang, f"complaint_solution_{s}",
                cb.ComplaintSolutionPick(solution=str(s)),
            )
        ]
        for s in offered
    ]
    rows.append(_nav(messages, lang))
    return InlineKeyboardMarkup(rows)


def summary(messages: Messages, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(messages, lang, "complaint_send", SEND)], _nav(messages, lang)]
    )


def more_evidence(messages: Messages, lang: str) -> InlineKeyboardMarkup:
    """While adding evidence to a sent complaint: each file is kept as it comes; Done ends."""
    return InlineKeyboardMarkup([[button(messages, lang, "complaint_done", NEXT)]])


def couriers(
    messages: Messages, lang: str, items: Sequence[Courier]
) -> InlineKeyboardMarkup:
    buttons = [
        button(messages, lang, "courier", cb.ComplaintCourier(courier=c.code), courier=c)
        for c in items
    ]
    rows: Rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(_nav(messages, lang, back=False))
    return InlineKeyboardMarkup(rows)


def tracking(messages: Messages, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([_nav(messages, lang)])


def with_order(messages: Messages, lang: str, rows: Rows, number: str) -> InlineKeyboardMarkup:
    """`rows`, then "see order" (a notice's own button)."""
    see = [button(messages, lang, "see_order", cb.OrderView(number=number))]
    return InlineKeyboardMarkup([*rows, see])
