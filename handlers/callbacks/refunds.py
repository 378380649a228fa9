"""Refund buttons (issue 9, part C): the customer's bank details for a refund, and staff's
actions on a refund's own message in the group. Each names the refund by id; the handlers
check on the server that it exists, belongs to the presser (customer) and still allows it."""

from __future__ import annotations

from typing import Annotated

from domain.aftersales.bank import BANKS
from handlers.callbacks.base import Callback
from handlers.callbacks.fields import Coded, Digits

REFUND = "rf"  # the customer's
REFUND_STAFF = "rs"  # the staff group's

RefundId = Annotated[int, Digits(1, 999_999_999)]


def bank_code(name: str) -> str:
    """A bank's short code in button data: its name in lower case, letters and digits."""
    return "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum())[:12]


# Every known bank and e-wallet (domain/aftersales/bank.py), by code.
BANK_CODES = {bank_code(b.name): b.name for b in BANKS}


class RefundDetails(Callback, prefix=REFUND, word="d"):
    """rf:d:<refund id> — give bank details for this refund (starts the conversation)."""

    refund_id: RefundId


class RefundReuse(Callback, prefix=REFUND, word="u"):
    """rf:u:<refund id> — use the bank details given last time."""

    refund_id: RefundId


class RefundBank(Callback, prefix=REFUND, word="b"):
    """rf:b:<bank code> — a bank or e-wallet chosen from the buttons (inside the
    conversation: the refund is the one it is about)."""

    bank: Annotated[str, Coded(BANK_CODES)]


class RefundQuit(Callback, prefix=REFUND, word="x"):
    """rf:x:<refund id> — stop giving bank details (nothing is changed)."""

    refund_id: RefundId


STAFF_REFUND_ACTIONS = {"p": "paid", "a": "amount", "x": "cancel"}


class RefundStaffPress(Callback, prefix=REFUND_STAFF):
    """rs:<p|a|x>:<refund id> — record the transfer (asks for the proof photo), change the
    amount, call the refund off (both ask for the text)."""

    action: Annotated[str, Coded(STAFF_REFUND_ACTIONS)]
    refund_id: RefundId
