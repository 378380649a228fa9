"""The outbox: messages to send, written in the transaction of the change that causes them.

A sender (in bot/) delivers due rows and records the outcome; a crash between a commit and the
send leaves the row pending, so it goes out after a restart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

import aiosqlite

from domain.clock import from_db, to_db
from domain.store import Store

Audience = Literal["customer", "staff"]


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


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    audience: Audience
    chat_id: int | None
    kind: str  # a Kind, or a kind this version does not know (a row from another version)
    order_id: int | None
    payload: dict[str, Any]
    attempts: int
    not_before: datetime


async def enqueue(
    db: aiosqlite.Connection,
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
    cur = await db.execute(
        "INSERT INTO outbox (audience, chat_id, kind, order_id, payload, dedupe_key,"
        " created_at, not_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (dedupe_key) DO NOTHING",
        (
            audience,
            chat_id,
            kind,
            order_id,
            json.dumps(payload or {}, ensure_ascii=False),
            dedupe_key,
            to_db(now),
            to_db(not_before or now),
        ),
    )
    return cur.lastrowid if cur.rowcount else None


def _message(row: aiosqlite.Row) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        audience=row["audience"],
        chat_id=row["chat_id"],
        kind=row["kind"],
        order_id=row["order_id"],
        payload=json.loads(row["payload"]),
        attempts=row["attempts"],
        not_before=from_db(row["not_before"]),
    )


async def due(
    store: Store, limit: int = 50, audience: Audience | None = None
) -> list[OutboxMessage]:
    """Pending messages due now, oldest first; one audience's only if given (the sender
    drains the staff group, which is limited to 20 a minute, beside the customers)."""
    where = "" if audience is None else " AND audience = ?"
    rows = await store.fetchall(
        "SELECT * FROM outbox WHERE state = 'pending' AND not_before <= ?"
        + where
        + " ORDER BY not_before, id LIMIT ?",
        (store.now_db(), *([audience] if audience else []), limit),
    )
    return [_message(r) for r in rows]


async def next_due_at(store: Store) -> datetime | None:
    row = await store.fetchone("SELECT MIN(not_before) AS t FROM outbox WHERE state = 'pending'")
    return from_db(row["t"]) if row and row["t"] else None


async def mark_sent(store: Store, message_id: int, telegram_message_id: int | None) -> None:
    async with store.transaction() as db:
        await db.execute(
            "UPDATE outbox SET state = 'sent', sent_at = ?, message_id = ?,"
            " attempts = attempts + 1 WHERE id = ? AND state = 'pending'",
            (store.now_db(), telegram_message_id, message_id),
        )


async def mark_retry(store: Store, message_id: int, error: str, retry_at: datetime) -> None:
    async with store.transaction() as db:
        await db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, not_before = ?"
            " WHERE id = ? AND state = 'pending'",
            (error[:500], to_db(retry_at), message_id),
        )


async def postpone(store: Store, message_id: int, retry_at: datetime, error: str) -> None:
    """Wait without counting an attempt (Telegram's flood control asked us to)."""
    async with store.transaction() as db:
        await db.execute(
            "UPDATE outbox SET last_error = ?, not_before = ? WHERE id = ? AND state = 'pending'",
            (error[:500], to_db(retry_at), message_id),
        )


async def mark_failed(store: Store, message_id: int, error: str) -> None:
    async with store.transaction() as db:
        await db.execute(
            "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?"
            " WHERE id = ? AND state = 'pending'",
            (error[:500], message_id),
        )


async def mark_unreachable(store: Store, chat_id: int, error: str) -> None:
    """The customer blocked the bot: drop their pending messages and remember it."""
    async with store.transaction() as db:
        await db.execute(
            "UPDATE outbox SET state = 'unreachable', last_error = ?"
            " WHERE state = 'pending' AND audience = 'customer' AND chat_id = ?",
            (error[:500], chat_id),
        )
        await db.execute(
            "UPDATE customers SET reachable = 0, updated_at = ? WHERE user_id = ?",
            (store.now_db(), chat_id),
        )


async def newer_pending(store: Store, kind: Kind, order_id: int, after_id: int) -> bool:
    """Whether a later message of this kind for the order waits to be sent (so this one may
    be skipped: the later one says the same, newer)."""
    row = await store.fetchone(
        "SELECT 1 FROM outbox WHERE kind = ? AND state = 'pending'"
        " AND order_id = ? AND id > ? LIMIT 1",
        (kind, order_id, after_id),
    )
    return row is not None


async def counts(store: Store) -> dict[str, int]:
    rows = await store.fetchall("SELECT state, COUNT(*) AS n FROM outbox GROUP BY state")
    return {r["state"]: r["n"] for r in rows}


MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    """Wait before retry number `attempts + 1` after a network error: 5 s doubling, ≤ 30 min."""
    return timedelta(seconds=min(5 * 2**attempts, 1800))
