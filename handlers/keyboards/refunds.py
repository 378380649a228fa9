"""Refund keyboards (issue 9, part C): under the customer's refund notice, the bank choice
while they give their details, and a refund's actions on its own staff message."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from domain.aftersales.models import BankDetails, Refund, RefundStatus
from domain.models import Order
from handlers import callbacks as cb
from handlers.callbacks import refunds as rcb
from handlers.keyboards.base import Rows, button
from messages import Messages

# The banks and e-wallets offered as buttons, as Indonesian customers name them (the most
# used first); any other is typed (domain/aftersales/bank.py accepts it by name).
COMMON_BANKS = (
    "BCA", "Mandiri", "BRI", "BNI", "BSI", "CIMB Niaga", "Permata", "Jago", "SeaBank",
    "DANA", "OVO", "GoPay", "ShopeePay",
)
OPEN = (RefundStatus.AWAITING_DETAILS, RefundStatus.READY)


def refund_notice(
    messages: Messages, lang: str, order: Order, refund: Refund | None, last: BankDetails | None
) -> InlineKeyboardMarkup:
    """The customer's refund notice: give bank details (or reuse the last ones) while the
    refund is still to be paid; always the order."""
    rows = refund_rows(messages, lang, refund, last)
    rows.append([button(messages, lang, "see_order", cb.OrderView(number=order.number))])
    return InlineKeyboardMarkup(rows)


def refund_rows(
    messages: Messages, lang: str, refund: Refund | None, last: BankDetails | None
) -> Rows:
    """Give bank details (or reuse the last ones) while the refund is still to be paid: under
    its notice, and on the order's view (which "see order" on the notice turns it into)."""
    rows: Rows = []
    if refund is not None and refund.status in OPEN:
        rows.append([button(messages, lang, "refund_give_details",
                            rcb.RefundDetails(refund_id=refund.id))])
        if last is not None and refund.bank != last:
            rows.append([button(messages, lang, "refund_reuse",
                                rcb.RefundReuse(refund_id=refund.id), bank=last)])
    return rows


def bank_choice(
    messages: Messages, lang: str, refund_id: int, last: BankDetails | None
) -> InlineKeyboardMarkup:
    """The common banks, three to a row; the last details to reuse; stop."""
    banks = [
        button(messages, lang, "refund_bank", rcb.RefundBank(bank=name), name=name)
        for name in COMMON_BANKS
    ]
    rows: Rows = [banks[i : i + 3] for i in range(0, len(banks), 3)]
    if last is not None:
        rows.append([button(messages, lang, "refund_reuse", rcb.RefundReuse(refund_id=refund_id),
                            bank=last)])
    rows.append([button(messages, lang, "refund_quit", rcb.RefundQuit(refund_id=refund_id))])
    return InlineKeyboardMarkup(rows)


def quit_only(messages: Messages, lang: str, refund_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(messages, lang, "refund_quit", rcb.RefundQuit(refund_id=refund_id))]]
    )


def staff_refund(messages: Messages, lang: str, refund: Refund) -> InlineKeyboardMarkup | None:
    """A refund's actions in the staff group: exactly what its status allows."""
    if refund.status not in OPEN:
        return None
    actions = ["amount", "cancel"]
    if refund.status == RefundStatus.READY:
        actions.insert(0, "paid")
    buttons = [
        button(messages, lang, "refund_staff_action",
               rcb.RefundStaffPress(action=a, refund_id=refund.id), action=a)
        for a in actions
    ]
    rows: Rows = [buttons[:1], buttons[1:]] if len(buttons) == 3 else [buttons]
    return InlineKeyboardMarkup(rows)
