"""The bot's questions in the staff group about a complaint (part B: why it is rejected, what
evidence is missing, a return or follow-up parcel's tracking number, a split inspection, a
staff note) or a refund (part C: the proof photo of the transfer, a new amount, why it is
called off). Kept in the store (aftersales_prompts, migration 010), so a restart loses none;
staff answer by replying to the question's message."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.store import Row, Store
from domain.store import aftersales_prompts as rows


class Subject(StrEnum):
    COMPLAINT = "complaint"
    REFUND = "refund"


class Ask(StrEnum):
    """A complaint's questions."""

    REJECT = "reject"  # the reason told to the customer
    EVIDENCE = "evidence"  # what more evidence the customer should send
    RETURN = "return"  # the return parcel's tracking number (extra: courier code)
    FOLLOW_UP = "follow_up"  # the follow-up parcel's tracking number (extra: courier code)
    INSPECT = "inspect"  # "resellable damaged" for one line (extra: "line.units left")
    NOTE = "note"  # staff's own note


class RefundAsk(StrEnum):
    """A refund's questions."""

    PAID = "paid"  # the proof photo of the transfer
    AMOUNT = "amount"  # the new amount
    CANCEL = "cancel"  # why the refund is called off


@dataclass(frozen=True, slots=True)
class ComplaintPrompt:
    chat_id: int
    message_id: int
    complaint_id: int
    ask: Ask
    extra: str | None
    closed: bool = False


@dataclass(frozen=True, slots=True)
class RefundPrompt:
    chat_id: int
    message_id: int
    refund_id: int
    ask: RefundAsk
    closed: bool = False


async def open_prompt(
    store: Store,
    chat_id: int,
    message_id: int,
    order_id: int,
    complaint_id: int,
    ask: Ask,
    *,
    extra: str | None = None,
    created_by: int | None = None,
) -> ComplaintPrompt:
    async with store.transaction() as db:
        await rows.add(db, chat_id, message_id, order_id, Subject.COMPLAINT, complaint_id,
                       ask, extra, created_by, store.now())
    return ComplaintPrompt(chat_id, message_id, complaint_id, ask, extra)


async def open_refund_prompt(
    store: Store,
    chat_id: int,
    message_id: int,
    order_id: int,
    refund_id: int,
    ask: RefundAsk,
    *,
    created_by: int | None = None,
) -> RefundPrompt:
    async with store.transaction() as db:
        await rows.add(db, chat_id, message_id, order_id, Subject.REFUND, refund_id, ask,
                       None, created_by, store.now())
    return RefundPrompt(chat_id, message_id, refund_id, ask)


def _prompt(row: Row) -> ComplaintPrompt | RefundPrompt:
    closed = row["closed_at"] is not None
    if row["subject"] == Subject.REFUND:
        return RefundPrompt(row["chat_id"], row["message_id"], row["subject_id"],
                            RefundAsk(row["ask"]), closed)
    return ComplaintPrompt(row["chat_id"], row["message_id"], row["subject_id"],
                           Ask(row["ask"]), row["extra"], closed)


async def find(
    store: Store, chat_id: int, message_id: int
) -> ComplaintPrompt | RefundPrompt | None:
    """The after-sales question asked in that message, or None (an order's, or none)."""
    row = await rows.get(store.reader, chat_id, message_id)
    return None if row is None else _prompt(row)


async def open_refund_prompts(store: Store, refund_id: int) -> list[RefundPrompt]:
    """The questions still open about a refund (another staff member pressed too)."""
    found = await rows.open_about(store.reader, Subject.REFUND, refund_id)
    return [p for p in map(_prompt, found) if isinstance(p, RefundPrompt)]


async def close(store: Store, chat_id: int, message_id: int) -> bool:
    """Answered or overtaken; kept, so a late reply hears that it is closed. False when it
    was closed already."""
    async with store.transaction() as db:
        return await rows.close(db, chat_id, message_id, store.now())
