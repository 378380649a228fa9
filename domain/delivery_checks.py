"""After shipment: ask the customer whether the parcel arrived; without an answer, the order is
delivered by the system.

Received → delivered (by the customer). Not yet → the shop is told and the question comes
again after DELIVERY_CHECK_AFTER. A problem → the shop is told and follows up; the system
does not close that order on its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import aiosqlite

from domain.actors import SYSTEM, Actor
from domain.clock import to_db
from domain.errors import AlreadyDone, NotFound
from domain.models import Order, Status
from domain.order_reads import customer_order, load_order
from domain.outbox import Kind
from domain.schedule_policy import Policy, enqueue_customer, enqueue_staff
from domain.store import Store, fetchall, fetchone
from domain.transitions import mark_delivered

Answer = Literal["received", "not_yet", "problem"]
ANSWERS: tuple[Answer, ...] = ("received", "not_yet", "problem")


async def _close(db: aiosqlite.Connection, order_id: int, answer: str, now: datetime) -> None:
    await db.execute(
        "UPDATE delivery_checks SET answer = ?, answered_at = ? WHERE order_id = ?",
        (answer, to_db(now), order_id),
    )


async def open_check(store: Store, order: Order) -> int | None:
    """Asked when the question is sent: how many times the customer has been asked about this
    shipped order, while the check is open; None once the order moved on or they answered."""
    if order.status != Status.SHIPPED:
        return None
    row = await store.fetchone(
        "SELECT asks, answer FROM delivery_checks WHERE order_id = ?", (order.id,)
    )
    if row is None or row["answer"] is not None:
        return None
    return int(row["asks"])


async def ask(store: Store, policy: Policy) -> int:
    """Orders shipped DELIVERY_CHECK_AFTER ago and never asked: ask (opted-out customers are
    not asked, but their clock towards automatic delivery starts all the same)."""
    now = store.now()
    async with store.transaction() as db:
        rows = await fetchall(
            db,
            "SELECT o.id, o.user_id, c.reminders_enabled, c.reachable FROM orders o"
            " JOIN customers c ON c.user_id = o.user_id"
            " WHERE o.status = 'shipped' AND o.status_changed_at <= ?"
            " AND NOT EXISTS (SELECT 1 FROM delivery_checks d WHERE d.order_id = o.id)"
            " ORDER BY o.status_changed_at LIMIT ?",
            (to_db(now - policy.delivery_check_after), policy.batch),
        )
        for row in rows:
            asked_at, sent = await _question(db, policy, now, row, asks=1)
            await db.execute(
                "INSERT INTO delivery_checks (order_id, user_id, asked_at, sent)"
                " VALUES (?, ?, ?, ?)",
                (row["id"], row["user_id"], to_db(asked_at), int(sent)),
            )
    return len(rows)


async def ask_again(store: Store, policy: Policy) -> int:
    """ "Not yet" a while ago and still shipped: ask once more."""
    now = store.now()
    async with store.transaction() as db:
        rows = await fetchall(
            db,
            "SELECT d.order_id AS id, d.user_id, d.asks, o.status, c.reminders_enabled,"
            " c.reachable FROM delivery_checks d JOIN orders o ON o.id = d.order_id"
            " JOIN customers c ON c.user_id = d.user_id"
            " WHERE d.answer = 'not_yet' AND d.answered_at <= ? ORDER BY d.answered_at LIMIT ?",
            (to_db(now - policy.delivery_check_after), policy.batch),
        )
        for row in rows:
            if row["status"] != Status.SHIPPED:
                await _close(db, row["id"], "closed", now)
                continue
            asked_at, sent = await _question(db, policy, now, row, asks=row["asks"] + 1)
            await db.execute(
                "UPDATE delivery_checks SET answer = NULL, answered_at = NULL, asked_at = ?,"
                " asks = asks + 1, sent = ? WHERE order_id = ?",
                (to_db(asked_at), int(sent), row["id"]),
            )
    return len(rows)


async def _question(
    db: aiosqlite.Connection, policy: Policy, now: datetime, row: aiosqlite.Row, *, asks: int
) -> tuple[datetime, bool]:
    """Queue the question if the customer takes reminders; when it goes out, and whether."""
    if not (row["reachable"] and row["reminders_enabled"]):
        return now, False
    at = await enqueue_customer(
        db,
        policy,
        now,
        chat_id=row["user_id"],
        kind=Kind.DELIVERY_CHECK,
        order_id=row["id"],
        dedupe_key=f"delivery_check:{row['id']}:{asks}",
    )
    return at, True


async def auto_deliver(store: Store, policy: Policy) -> int:
    """No answer for AUTO_DELIVER_AFTER − DELIVERY_CHECK_AFTER after the question: delivered,
    recorded as done by the system. Checks whose order moved on meanwhile are closed."""
    now = store.now()
    wait = policy.auto_deliver_after - policy.delivery_check_after
    delivered = 0
    async with store.transaction() as db:
        rows = await fetchall(
            db,
            "SELECT d.order_id AS id, o.status, c.reachable FROM delivery_checks d"
            " JOIN orders o ON o.id = d.order_id JOIN customers c ON c.user_id = d.user_id"
            " WHERE d.answer IS NULL AND d.asked_at <= ? ORDER BY d.asked_at LIMIT ?",
            (to_db(now - wait), policy.batch),
        )
        for row in rows:
            if row["status"] != Status.SHIPPED:
                await _close(db, row["id"], "closed", now)
                continue
            order = await load_order(db, row["id"])
            await mark_delivered(db, order, SYSTEM, now, notify_customer=False)
            await _close(db, order.id, "auto", now)
            if row["reachable"]:
                # A status message: it goes to opted-out customers too, after quiet hours.
                await enqueue_customer(
                    db,
                    policy,
                    now,
                    chat_id=order.user_id,
                    kind=Kind.AUTO_DELIVERED,
                    order_id=order.id,
                    dedupe_key=f"auto_delivered:{order.id}",
                )
            delivered += 1
    return delivered


async def answer_check(
    store: Store, user_id: int, number: str, answer: str, name: str
) -> tuple[Order, Answer]:
    """The customer's answer to "has it arrived?" for one of their own orders.

    Raises NotFound for an order that is not theirs or was never asked about, AlreadyDone
    once the order is delivered (or otherwise no longer on its way).
    """
    if answer not in ANSWERS:
        raise NotFound(number=number)
    chosen: Answer = answer  # type: ignore[assignment]
    order = await customer_order(store, user_id, number)
    now = store.now()
    async with store.transaction() as db:
        check = await fetchone(
            db, "SELECT asks, answer FROM delivery_checks WHERE order_id = ?", (order.id,)
        )
        if check is None:
            raise NotFound(number=order.number)
        order = await load_order(db, order.id)
        if order.status != Status.SHIPPED:
            raise AlreadyDone(number=order.number, status=order.status)
        if chosen == "received":
            await mark_delivered(db, order, Actor(user_id, name), now, notify_customer=False)
        elif check["answer"] != chosen:
            await enqueue_staff(
                db,
                now,
                kind=Kind.DELIVERY_REPORT,
                order_id=order.id,
                payload={"answer": chosen},
                dedupe_key=f"delivery_report:{order.id}:{chosen}:{check['asks']}",
            )
        await _close(db, order.id, chosen, now)
        return await load_order(db, order.id), chosen
