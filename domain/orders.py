"""Orders: placing one from the cart, the customer's own cancel, the transfer receipt.

Reads are in domain/order_reads.py, status changes go through domain/transitions.py and
stock moves in domain/stock.py.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from domain import lifecycle, outbox, stock
from domain.actors import Actor
from domain.clock import to_db
from domain.errors import EmptyCart, InvalidInput, NotFound, StaleAction, TransitionNotAllowed
from domain.models import (
    CheckoutDetails,
    EventKind,
    Order,
    PaymentMethod,
    PaymentStatus,
    ShippingOption,
    Status,
)
from domain.order_reads import by_checkout_key, customer_order, load_order
from domain.outbox import Kind
from domain.store import Store, fetchall
from domain.transitions import (
    apply_transition,
    queue_card,
    queue_customer_message,
    record_event,
    set_payment_status,
)

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
NUMBER_LENGTH = 6


def new_order_number() -> str:
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


# ---------------------------------------------------------------- placing


def new_checkout_key() -> str:
    """A fresh idempotency key for one checkout draft (stored on the order it places)."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True, slots=True)
class Placement:
    """What Confirm did: `already_placed` when the checkout's key had placed `order` before
    (a repeated Confirm, e.g. after a crash): nothing new was written or queued."""

    order: Order
    already_placed: bool


async def placed_by_checkout_key(store: Store, user_id: int, checkout_key: str) -> Order | None:
    """The customer's order this checkout placed already, if any."""
    return await by_checkout_key(store.reader, user_id, checkout_key)


async def place_order(
    store: Store,
    user_id: int,
    details: CheckoutDetails,
    shipping: ShippingOption,
    *,
    checkout_key: str | None = None,
) -> Order:
    """Reserve stock, write the order with today's prices, empty the cart: all or nothing.

    With a `checkout_key` that already placed one of this customer's orders, returns that
    order and writes nothing (see place_checkout to tell the two apart).
    Raises OutOfStock naming the first line that ran short (and how many are left), or
    EmptyCart; in both cases nothing is written.
    """
    return (await place_checkout(store, user_id, details, shipping, checkout_key)).order


async def place_checkout(
    store: Store,
    user_id: int,
    details: CheckoutDetails,
    shipping: ShippingOption,
    checkout_key: str | None,
) -> Placement:
    """place_order, saying whether this call placed the order or found it by its key.

    The order, its staff card and the customer's confirmation (with the payment
    instructions) are written in one transaction, so a crash at any point either leaves
    nothing or the order with both messages queued; the key makes a repeated Confirm safe.
    """
    if shipping.code != details.shipping_code:
        raise InvalidInput("shipping_invalid")
    now = store.now()
    async with store.transaction() as db:
        if checkout_key is not None:
            placed = await by_checkout_key(db, user_id, checkout_key)
            if placed is not None:
                return Placement(placed, already_placed=True)
        lines = await fetchall(
            db,
            "SELECT c.sku, c.quantity, p.name, p.price, p.active, p.stock - p.reserved AS avail"
            " FROM cart_items c JOIN products p ON p.sku = c.sku"
            " WHERE c.user_id = ? ORDER BY c.added_at, c.sku",
            (user_id,),
        )
        if not lines:
            raise EmptyCart()
        await stock.reserve(db, lines)
        subtotal = sum(line["price"] * line["quantity"] for line in lines)
        order_id = await _insert_order(
            db, user_id, details, shipping, subtotal, now, checkout_key
        )
        await db.executemany(
            "INSERT INTO order_lines (order_id, sku, name, unit_price, quantity)"
            " VALUES (?, ?, ?, ?, ?)",
            [(order_id, x["sku"], x["name"], x["price"], x["quantity"]) for x in lines],
        )
        await record_event(
            db,
            order_id,
            now,
            Actor(user_id, details.name),
            EventKind.STATUS,
            None,
            Status.PLACED,
            None,
        )
        await db.execute("DELETE FROM cart_items WHERE user_id = ?", (user_id,))
        await db.execute(
            "UPDATE customers SET name = ?, phone = ?, address = ?, updated_at = ?"
            " WHERE user_id = ?",
            (details.name, details.phone, details.address, to_db(now), user_id),
        )
        await queue_card(db, order_id, now)
        # The confirmation with the payment instructions: promised, so it goes out even if
        # the process dies before the handler could answer.
        await outbox.enqueue(
            db,
            audience="customer",
            chat_id=user_id,
            kind=Kind.ORDER_PLACED,
            order_id=order_id,
            now=now,
            dedupe_key=f"order_placed:{order_id}",
        )
        await stock.check_levels(db, [x["sku"] for x in lines], now)  # after the card
        return Placement(await load_order(db, order_id), already_placed=False)


async def _insert_order(
    db: aiosqlite.Connection,
    user_id: int,
    details: CheckoutDetails,
    shipping: ShippingOption,
    subtotal: int,
    now: datetime,
    checkout_key: str | None = None,
) -> int:
    stamp = to_db(now)
    for _ in range(10):
        cur = await db.execute(
            "INSERT INTO orders (number, user_id, status, payment_status, payment_method,"
            " customer_name, phone, address, shipping_code, shipping_name, shipping_fee, note,"
            " subtotal, total, created_at, updated_at, status_changed_at, checkout_key)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (number) DO NOTHING",
            (
                new_order_number(),
                user_id,
                Status.PLACED,
                PaymentStatus.UNPAID,
                details.payment_method,
                details.name,
                details.phone,
                details.address,
                shipping.code,
                shipping.name,
                shipping.fee,
                details.note,
                subtotal,
                subtotal + shipping.fee,
                stamp,
                stamp,
                stamp,
                checkout_key,
            ),
        )
        if cur.rowcount == 1 and cur.lastrowid is not None:
            return cur.lastrowid
    raise RuntimeError("could not find a free order number")  # 32^6 ≈ 10^9: never in practice


async def cancel_by_customer(store: Store, user_id: int, number: str, name: str) -> Order:
    """The customer cancels their own order, allowed until it is packed; stock goes back.

    The confirmation ("cancelled", and what happens to a payment already made) is queued in
    the same transaction, so it is not lost to a crash before the handler answers."""
    order = await customer_order(store, user_id, number)
    if order.status not in lifecycle.CUSTOMER_CANCELLABLE:
        raise TransitionNotAllowed(
            number=order.number, status=order.status, wanted=Status.CANCELLED, allowed=[]
        )
    now = store.now()
    async with store.transaction() as db:
        await apply_transition(
            db, order, Status.CANCELLED, Actor(user_id, name), now, notify_customer=False
        )
        await queue_customer_message(db, order, Kind.ORDER_CANCELLED, now)
        return await load_order(db, order.id)


async def submit_payment_proof(
    store: Store, user_id: int, file_id: str, name: str, number: str | None = None
) -> Order:
    """Keep the transfer receipt with the customer's open transfer order (the newest one
    waiting for payment, or the one named)."""
    if number is not None:
        order = await customer_order(store, user_id, number)
    else:
        row = await store.fetchone(
            "SELECT id FROM orders WHERE user_id = ? AND payment_method = 'transfer'"
            " AND payment_status IN ('unpaid', 'proof_submitted')"
            " AND status IN ('placed', 'verified') ORDER BY id DESC LIMIT 1",
            (user_id,),
        )
        if row is None:
            raise NotFound(number="")
        order = await load_order(store.reader, row["id"])
    if (
        order.payment_method != PaymentMethod.TRANSFER
        or order.payment_status not in (PaymentStatus.UNPAID, PaymentStatus.PROOF_SUBMITTED)
        or order.status not in (Status.PLACED, Status.VERIFIED)
    ):
        raise StaleAction(number=order.number, status=order.status)
    now = store.now()
    async with store.transaction() as db:
        await set_payment_status(
            db, order, PaymentStatus.PROOF_SUBMITTED, Actor(user_id, name), now
        )
        await db.execute(
            "UPDATE orders SET payment_proof_file_id = ? WHERE id = ?", (file_id, order.id)
        )
        await outbox.enqueue(
            db,
            audience="staff",
            kind=Kind.PAYMENT_PROOF,
            order_id=order.id,
            now=now,
            payload={"file_id": file_id},
        )
        await queue_card(db, order.id, now)
        return await load_order(db, order.id)


async def set_staff_message(store: Store, order_id: int, message_id: int) -> None:
    """Remember the staff group card of an order, so later changes edit it in place."""
    async with store.transaction() as db:
        await db.execute(
            "UPDATE orders SET staff_message_id = ? WHERE id = ?", (message_id, order_id)
        )
