"""The outbox: messages to send, written in the transaction of the change that causes them.

A sender (in bot/) delivers due rows and records the outcome; a crash between a commit and the
send leaves the row pending, so it goes out after a restart.

Several senders (one per worker process) share the outbox: each claims the rows it sends, a
chat's whole lane at a time, under its worker name with a lease (LEASE, renewed while a lane
runs long). A worker that dies holds its rows only until the lease ends; another then sends
them. At least once: a crash between the send and `mark_sent` sends that one message again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.store import Connection, Store
from domain.store import customers as customer_rows
from domain.store import outbox as outbox_rows
from domain.store.outbox import Audience, OutboxMessage


class Kind(StrEnum):
    """Every kind of message the domain queues; bot/notices has exactly one renderer for each
    (checked when the application is built, and by tests/unit/test_outbox_kinds.py)."""

    # the order's life (orders, fulfilment, stock)
    ORDER_CARD = "order_card"  # staff: the order's one card, redrawn in place
    PAYMENT_PROOF = "payment_proof"  # staff: the transfer receipt under the card
    STATUS_CHANGED = "status_changed"
    ORDER_PLACED = "order_placed"
    ORDER_CANCELLED = "order_cancelled"
    RECEIVED_THANKS = "received_thanks"
    ORDER_SHIPPED = "order_shipped"
    INVOICE = "invoice"
    INVOICE_STAFF = "invoice_staff"
    LOW_STOCK = "low_stock"  # staff
    # the scheduled follow-up (customers)
    PAYMENT_REMINDER = "payment_reminder"
    PAYMENT_LAST = "payment_last"
    PAYMENT_EXPIRED = "payment_expired"
    CART_REMINDER = "cart_reminder"
    DELIVERY_CHECK = "delivery_check"
    AUTO_DELIVERED = "auto_delivered"
    SURVEY = "survey"
    # the scheduled follow-up (staff)
    PAYMENT_EXPIRED_STAFF = "payment_expired_staff"
    DELIVERY_REPORT = "delivery_report"
    SURVEY_DETRACTOR = "survey_detractor"
    STAFF_NUDGE = "staff_nudge"
    DAILY_DIGEST = "daily_digest"
    # after-sales (domain/aftersales): the customer
    COMPLAINT_STATUS = "complaint_status"  # received, approved, rejected, more evidence, …
    REFUND_DUE = "refund_due"  # a refund is owed: give (or reuse) bank details
    REFUND_PAID = "refund_paid"  # the transfer's proof photo
    CREDIT_NOTE = "credit_note"  # the credit note's PDF
    FOLLOW_UP_SHIPPED = "follow_up_shipped"  # replacement / missing part with its tracking
    AFTERSALES_REMINDER = "aftersales_reminder"  # owes a return shipment or bank details
    # after-sales: the staff group
    COMPLAINT_CARD = "complaint_card"  # the complaint's one card, redrawn in place
    COMPLAINT_EVIDENCE = "complaint_evidence"  # a photo/video under the card
    REFUND_STAFF = "refund_staff"  # a refund moved on (due, details given, amount, paid)
    COMPLAINT_NUDGE = "complaint_nudge"  # a complaint or refund waits too long


async def enqueue(
    db: Connection,
    *,
    audience: Audience,
    kind: Kind,
    now: datetime,
    chat_id: int | None = None,
    order_id: int | None = None,
    payload: dict[str, Any] | None = None,
    not_before: datetime | None = None,
    dedupe_key: str | None = None,
) -> int | None:
    """Queue a message inside the caller's transaction. A repeated dedupe_key is a no-op."""
    if audience == "customer" and chat_id is None:
        raise ValueError("a customer message needs the customer's chat id")
    kind = Kind(kind)  # a misspelled kind fails here, in the change's transaction, not later
    return await outbox_rows.add(
        db,
        audience=audience,
        kind=kind,
        chat_id=chat_id,
        order_id=order_id,
        payload=payload or {},
        dedupe_key=dedupe_key,
        created_at=now,
        not_before=not_before or now,
    )


async def due(
    store: Store, limit: int = 50, audience: Audience | None = None
) -> list[OutboxMessage]:
    """Pending messages due now, oldest first; one audience's only if given (the sender
    drains the staff group, which is limited to 20 a minute, beside the customers)."""
    return await outbox_rows.pending_due(store.reader, store.now(), limit, audience)


# How long a claim holds rows unless renewed (the bot passes INBOX_LEASE, 30 s by default):
# longer than any one send takes (a 429 the limiter waits out in process is at most a few
# seconds); the sender renews it every third of it while a lane runs longer.
LEASE = timedelta(seconds=60)


async def claim(
    store: Store,
    worker: str,
    audience: Audience,
    limit: int = 50,
    lease: timedelta = LEASE,
) -> list[OutboxMessage]:
    """Due messages of `audience`, oldest first, claimed for `worker` until now + `lease`:
    whole chat lanes that no other live worker holds. A read first, so an idle outbox costs
    no write transaction."""
    now = store.now()
    if not await outbox_rows.claimable(store.reader, now, worker, audience):
        return []
    async with store.transaction() as db:
        now = store.now()
        return await outbox_rows.claim_due(db, now, worker, now + lease, limit, audience)


async def renew(store: Store, worker: str, ids: list[int], lease: timedelta = LEASE) -> int:
    """Keep `worker`'s claims on these rows for another `lease`; how many it still held."""
    async with store.transaction() as db:
        return await outbox_rows.renew_claims(db, worker, ids, store.now() + lease)


async def release(store: Store, worker: str, ids: list[int]) -> None:
    """Let go of rows `worker` claimed and left pending (a lane that stopped)."""
    if ids:
        async with store.transaction() as db:
            await outbox_rows.release_claims(db, worker, ids)


async def next_due_at(store: Store) -> datetime | None:
    return await outbox_rows.next_due_at(store.reader)


async def mark_sent(store: Store, message_id: int, telegram_message_id: int | None) -> None:
    async with store.transaction() as db:
        await outbox_rows.mark_sent(db, message_id, telegram_message_id, store.now())


async def mark_retry(store: Store, message_id: int, error: str, retry_at: datetime) -> None:
    async with store.transaction() as db:
        await outbox_rows.mark_retry(db, message_id, error, retry_at)


async def postpone(store: Store, message_id: int, retry_at: datetime, error: str) -> None:
    """Wait without counting an attempt (Telegram's flood control asked us to)."""
    async with store.transaction() as db:
        await outbox_rows.postpone(db, message_id, retry_at, error)


async def mark_failed(store: Store, message_id: int, error: str) -> None:
    async with store.transaction() as db:
        await outbox_rows.mark_failed(db, message_id, error)


async def mark_unreachable(store: Store, chat_id: int, error: str) -> None:
    """The customer blocked the bot: drop their pending messages and remember it."""
    async with store.transaction() as db:
        await outbox_rows.drop_pending_for_customer(db, chat_id, error)
        await customer_rows.mark_unreachable(db, chat_id, store.now())


async def drop_if_unreachable(store: Store, chat_id: int, error: str) -> bool:
    """Drop the customer's pending messages if they are (still) marked unreachable; False
    when they are reachable by now. Checked in the transaction that drops: a sender that
    read "blocked" just before the customer unblocked the bot must not undo the unblock."""
    async with store.transaction() as db:
        if await customer_rows.is_reachable(db, chat_id):
            return False
        await outbox_rows.drop_pending_for_customer(db, chat_id, error)
        return True


async def newer_pending(store: Store, kind: Kind, order_id: int, after_id: int) -> bool:
    """Whether a later message of this kind for the order waits to be sent (so this one may
    be skipped: the later one says the same, newer)."""
    return await outbox_rows.pending_after(store.reader, kind, order_id, after_id)


async def counts(store: Store) -> dict[str, int]:
    return await outbox_rows.counts_by_state(store.reader)


async def waiting(store: Store, audience: Audience) -> int:
    """How many messages for this audience wait to be sent (due or not yet)."""
    return await outbox_rows.pending_count(store.reader, audience)


MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    """Wait before retry number `attempts + 1` after a network error: 5 s doubling, ≤ 30 min."""
    return timedelta(seconds=min(5 * 2**attempts, 1800))
