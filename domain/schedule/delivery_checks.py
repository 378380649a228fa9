"""After shipment: ask the customer whether the parcel arrived; without an answer, the order is
delivered by the system.

Received → delivered (by the customer). Not yet → the shop is told and the question comes
again after DELIVERY_CHECK_AFTER. A problem → the shop is told and follows up; the system
does not close that order on its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from domain.actors import SYSTEM, Actor
from domain.errors import AlreadyDone, NotFound
from domain.models import Order, Status
from domain.ordering.order_reads import customer_order, load_order
from domain.ordering.transitions import mark_delivered
from domain.outbox import Kind
from domain.schedule.policy import Policy, enqueue_customer, enqueue_staff
from domain.store import Connection, Store
from domain.store import delivery_checks as check_rows
from domain.store.delivery_checks import CheckDue

Answer = Literal["received", "not_yet", "problem"]
ANSWERS: tuple[Answer, ...] = ("received", "not_yet", "problem")


async def open_check(store: Store, order: Order) -> int | None:
    """Asked when the question is sent: how many times the customer has been asked about this
    shipped order, while the check is open; None once the order moved on or they answered."""
    if order.status != Status.SHIPPED:
        return None
    check = await check_rows.check_of(store.reader, order.id)
    if check is None:
        return None
    asks, answer = check
    return asks if answer is None else None


async def ask(store: Store, policy: Policy) -> int:
    """Orders shipped DELIVERY_CHECK_AFTER ago and never asked: ask (opted-out customers are
    not asked, but their clock towards automatic delivery starts all the same)."""
    now = store.now()
    async with store.transaction() as db:
        due = now - policy.delivery_check_after
        rows = await check_rows.shipped_unasked(db, due, policy.batch)
        for row in rows:
            # Taken first (compare-and-set): a second run at the same moment finds it asked.
            sent = _takes_it(row)
            if await check_rows.add(db, row.id, row.user_id, _asked_at(policy, now, sent), sent):
                await _question(db, policy, now, row, asks=1)
    return len(rows)


async def ask_again(store: Store, policy: Policy) -> int:
    """ "Not yet" a while ago and still shipped: ask once more."""
    now = store.now()
    async with store.transaction() as db:
        due = now - policy.delivery_check_after
        rows = await check_rows.not_yet_since(db, due, policy.batch)
        for row in rows:
            if row.status != Status.SHIPPED:
                await check_rows.close(db, row.id, "closed", now)
                continue
            sent = _takes_it(row)
            asked_at = _asked_at(policy, now, sent)
            if await check_rows.reopen(db, row.id, row.asks, asked_at, sent):
                await _question(db, policy, now, row, asks=row.asks + 1)
    return len(rows)


def _takes_it(row: CheckDue) -> bool:
    """Whether the customer is asked (reachable, and takes reminders)."""
    return row.reachable and row.reminders_enabled


def _asked_at(policy: Policy, now: datetime, sent: bool) -> datetime:
    """When the question goes out: after quiet hours (as enqueue_customer holds it)."""
    return policy.quiet.defer(now) if sent else now


async def _question(
    db: Connection, policy: Policy, now: datetime, row: CheckDue, *, asks: int
) -> None:
    """Queue the question if the customer takes reminders."""
    if _takes_it(row):
        await enqueue_customer(
            db,
            policy,
            now,
            chat_id=row.user_id,
            kind=Kind.DELIVERY_CHECK,
            order_id=row.id,
            once_per=asks,
        )


async def auto_deliver(store: Store, policy: Policy) -> int:
    """No answer for AUTO_DELIVER_AFTER − DELIVERY_CHECK_AFTER after the question: delivered,
    recorded as done by the system. Checks whose order moved on meanwhile are closed."""
    now = store.now()
    wait = policy.auto_deliver_after - policy.delivery_check_after
    delivered = 0
    async with store.transaction() as db:
        rows = await check_rows.unanswered_since(db, now - wait, policy.batch)
        for order_id, status, reachable in rows:
            if status != Status.SHIPPED:
                await check_rows.close(db, order_id, "closed", now)
                continue
            # Taken first (compare-and-set): a second run at the same moment finds it closed.
            if not await check_rows.close_unanswered(db, order_id, "auto", now):
                continue
            order = await load_order(db, order_id)
            await mark_delivered(db, order, SYSTEM, now, notify_customer=False)
            if reachable:
                # A status message: it goes to opted-out customers too, after quiet hours.
                await enqueue_customer(
                    db,
                    policy,
                    now,
                    chat_id=order.user_id,
                    kind=Kind.AUTO_DELIVERED,
                    order_id=order.id,
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
        check = await check_rows.check_of(db, order.id)
        if check is None:
            raise NotFound(number=order.number)
        order = await load_order(db, order.id)
        if order.status != Status.SHIPPED:
            raise AlreadyDone(number=order.number, status=order.status)
        asks, answered = check
        if chosen == "received":
            await mark_delivered(db, order, Actor(user_id, name), now, notify_customer=False)
        elif answered != chosen:
            await enqueue_staff(
                db,
                now,
                kind=Kind.DELIVERY_REPORT,
                order_id=order.id,
                payload={"answer": chosen},
                dedupe_key=f"delivery_report:{order.id}:{chosen}:{asks}",
            )
        await check_rows.close(db, order.id, chosen, now)
        return await load_order(db, order.id), chosen
