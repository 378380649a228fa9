"""Orders: placing one from the cart, reading them, and moving them through the lifecycle."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from domain import lifecycle, outbox, stock, timeline
from domain.actors import Actor
from domain.clock import from_db, to_db
from domain.errors import (
    AlreadyDone,
    EmptyCart,
    InvalidInput,
    NotFound,
    OffSale,
    OutOfStock,
    StaleAction,
    TransitionNotAllowed,
)
from domain.models import (
    STORED_EVENT_KINDS,
    CheckoutDetails,
    EventKind,
    Order,
    OrderEvent,
    OrderLine,
    PaymentMethod,
    PaymentStatus,
    ShippingOption,
    Status,
)
from domain.store import Store, fetchall, fetchone

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
NUMBER_LENGTH = 6


def new_order_number() -> str:
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


def normalize_number(text: str) -> str:
    """What a person types (`#k7q3mx`, ` K7Q3MX `) → the stored form."""
    return text.strip().lstrip("#").upper()


# ---------------------------------------------------------------- reading


async def load_order(db: aiosqlite.Connection, order_id: int) -> Order:
    row = await fetchone(db, "SELECT * FROM orders WHERE id = ?", (order_id,))
    if row is None:
        raise NotFound(order_id=order_id)
    lines = await fetchall(
        db, "SELECT * FROM order_lines WHERE order_id = ? ORDER BY rowid", (order_id,)
    )
    events = await fetchall(
        db, "SELECT * FROM order_events WHERE order_id = ? ORDER BY id", (order_id,)
    )
    return Order(
        id=row["id"],
        number=row["number"],
        user_id=row["user_id"],
        status=Status(row["status"]),
        payment_status=PaymentStatus(row["payment_status"]),
        payment_method=PaymentMethod(row["payment_method"]),
        customer_name=row["customer_name"],
        phone=row["phone"],
        address=row["address"],
        shipping_code=row["shipping_code"],
        shipping_name=row["shipping_name"],
        shipping_fee=row["shipping_fee"],
        note=row["note"],
        subtotal=row["subtotal"],
        total=row["total"],
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
        payment_proof_file_id=row["payment_proof_file_id"],
        courier=row["courier"],
        tracking_number=row["tracking_number"],
        invoice_number=row["invoice_number"],
        staff_message_id=row["staff_message_id"],
        lines=tuple(
            OrderLine(
                sku=r["sku"], name=r["name"], unit_price=r["unit_price"], quantity=r["quantity"]
            )
            for r in lines
        ),
        events=tuple(
            OrderEvent(
                at=from_db(e["at"]),
                actor_id=e["actor_id"],
                actor_name=e["actor_name"],
                kind=e["kind"],
                from_status=e["from_status"],
                to_status=e["to_status"],
                note=e["note"],
            )
            for e in events
        ),
    )


async def order_by_number(db: aiosqlite.Connection, number: str) -> Order:
    row = await fetchone(db, "SELECT id FROM orders WHERE number = ?", (normalize_number(number),))
    if row is None:
        raise NotFound(number=number)
    return await load_order(db, row["id"])


async def customer_order(store: Store, user_id: int, number: str) -> Order:
    """One of the customer's own orders. Someone else's answers exactly like a missing one."""
    row = await store.fetchone(
        "SELECT id FROM orders WHERE number = ? AND user_id = ?",
        (normalize_number(number), user_id),
    )
    if row is None:
        raise NotFound(number=number)
    return await load_order(store.reader, row["id"])


async def customer_orders(
    store: Store, user_id: int, *, limit: int = 10, offset: int = 0
) -> tuple[list[Order], int]:
    """A page of the customer's orders, newest first, and how many there are in all."""
    count = await store.fetchone("SELECT COUNT(*) AS n FROM orders WHERE user_id = ?", (user_id,))
    rows = await store.fetchall(
        "SELECT id FROM orders WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
        (user_id, limit, offset),
    )
    return [await load_order(store.reader, r["id"]) for r in rows], (count["n"] if count else 0)


async def track(store: Store, user_id: int, query: str) -> Order:
    """By order number or tracking number, among the customer's own orders only."""
    text = query.strip()
    if not text or len(text) > 40:
        raise NotFound(number=text[:40])
    row = await store.fetchone(
        "SELECT id FROM orders WHERE user_id = ? AND (number = ? OR tracking_number = ?)"
        " ORDER BY id DESC LIMIT 1",
        (user_id, normalize_number(text), text.upper()),
    )
    if row is None:
        raise NotFound(number=text)
    return await load_order(store.reader, row["id"])


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
    row = await store.fetchone(
        "SELECT id FROM orders WHERE checkout_key = ? AND user_id = ?", (checkout_key, user_id)
    )
    return None if row is None else await load_order(store.reader, row["id"])


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
            placed = await fetchone(
                db,
                "SELECT id FROM orders WHERE checkout_key = ? AND user_id = ?",
                (checkout_key, user_id),
            )
            if placed is not None:
                return Placement(await load_order(db, placed["id"]), already_placed=True)
        lines = await fetchall(
            db,
            "SELECT c.sku, c.quantity, p.name, p.price, p.active, p.stock - p.reserved AS avail"
            " FROM cart_items c JOIN products p ON p.sku = c.sku"
            " WHERE c.user_id = ? ORDER BY c.added_at, c.sku",
            (user_id,),
        )
        if not lines:
            raise EmptyCart()
        for line in lines:
            # Compare-and-set on availability: the CHECK constraint backs it up.
            cur = await db.execute(
                "UPDATE products SET reserved = reserved + ?"
                " WHERE sku = ? AND active = 1 AND stock - reserved >= ?",
                (line["quantity"], line["sku"], line["quantity"]),
            )
            if cur.rowcount != 1:
                if not line["active"]:
                    raise OffSale(sku=line["sku"], name=line["name"])
                raise OutOfStock(
                    sku=line["sku"],
                    name=line["name"],
                    available=max(line["avail"], 0),
                    requested=line["quantity"],
                )
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
            kind="order_placed",
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


async def record_event(
    db: aiosqlite.Connection,
    order_id: int,
    now: datetime,
    actor: Actor,
    kind: EventKind,
    from_status: str | None,
    to_status: str | None,
    note: str | None,
) -> None:
    """One entry on the order's timeline. Its audience is AUDIENCE[kind] (domain/timeline.py)."""
    if kind not in STORED_EVENT_KINDS:
        raise ValueError(f"not a stored event kind: {kind!r}")
    await db.execute(
        "INSERT INTO order_events (order_id, at, actor_id, actor_name, kind, from_status,"
        " to_status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (order_id, to_db(now), actor.id, actor.name, kind, from_status, to_status, note),
    )


# ---------------------------------------------------------------- lifecycle


async def _already_done(db: aiosqlite.Connection, order: Order, to: Status) -> AlreadyDone:
    """Who made this change first, and when (for "already verified by X at HH:MM")."""
    row = await fetchone(
        db,
        "SELECT actor_name, at FROM order_events WHERE order_id = ? AND kind = 'status'"
        " AND to_status = ? ORDER BY id DESC LIMIT 1",
        (order.id, to),
    )
    return AlreadyDone(
        number=order.number,
        status=to,
        actor_name=row["actor_name"] if row else "?",
        at=from_db(row["at"]) if row else None,
    )


async def apply_transition(
    db: aiosqlite.Connection,
    order: Order,
    to: Status,
    actor: Actor,
    now: datetime,
    *,
    note: str | None = None,
    notify_customer: bool = True,
) -> None:
    """Compare-and-set `order.status → to` inside the caller's transaction.

    Writes the event, moves stock (released on cancel/reject, taken off the shelf on
    shipment), refreshes the staff card and, unless told not to, queues the customer's notice.
    Raises AlreadyDone if someone already made this very change, StaleAction if the order
    moved elsewhere meanwhile, TransitionNotAllowed if the table forbids it.
    """
    row = await fetchone(db, "SELECT status FROM orders WHERE id = ?", (order.id,))
    if row is None:
        raise NotFound(number=order.number)
    current = Status(row["status"])
    if current != order.status:
        if current == to:
            raise await _already_done(db, order, to)
        raise StaleAction(number=order.number, status=current)
    if not lifecycle.can_transition(current, to):
        if current == to:
            raise await _already_done(db, order, to)
        raise TransitionNotAllowed(
            number=order.number,
            status=current,
            wanted=to,
            allowed=sorted(lifecycle.next_statuses(current)),
        )
    stamp = to_db(now)
    cur = await db.execute(
        "UPDATE orders SET status = ?, updated_at = ?, status_changed_at = ?"
        " WHERE id = ? AND status = ?",
        (to, stamp, stamp, order.id, current),
    )
    if cur.rowcount != 1:
        raise StaleAction(number=order.number, status=current)
    lines = await fetchall(
        db, "SELECT sku, quantity FROM order_lines WHERE order_id = ?", (order.id,)
    )
    if to in (Status.CANCELLED, Status.REJECTED) and current in lifecycle.HOLDS_RESERVATION:
        await db.executemany(
            "UPDATE products SET reserved = reserved - ? WHERE sku = ?",
            [(x["quantity"], x["sku"]) for x in lines],
        )
    elif to == Status.SHIPPED:
        await db.executemany(
            "UPDATE products SET stock = stock - ?, reserved = reserved - ? WHERE sku = ?",
            [(x["quantity"], x["quantity"], x["sku"]) for x in lines],
        )
    # Released stock re-arms a low-stock alert; the alert itself is raised at placement.
    await stock.check_levels(db, [x["sku"] for x in lines], now)
    await record_event(db, order.id, now, actor, EventKind.STATUS, current, to, note)
    await queue_card(db, order.id, now)
    if notify_customer:
        # Only a text the customer may read goes with the notice (a reason, not a staff note).
        told = timeline.note_for(timeline.Audience.CUSTOMER, EventKind.STATUS, to, note)
        await queue_status_notice(db, order, current, to, now, told)


async def queue_card(db: aiosqlite.Connection, order_id: int, now: datetime) -> None:
    """Redraw the order's card in the staff group (inside the caller's transaction)."""
    await outbox.enqueue(db, audience="staff", kind="order_card", order_id=order_id, now=now)


async def queue_status_notice(
    db: aiosqlite.Connection,
    order: Order,
    from_status: Status,
    to: Status,
    now: datetime,
    note: str | None = None,
) -> None:
    """Tell the customer their order moved on (inside the caller's transaction)."""
    await queue_customer_message(
        db, order, "status_changed", now, {"from": from_status, "to": to, "note": note}
    )


async def queue_customer_message(
    db: aiosqlite.Connection,
    order: Order,
    kind: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    """A message about `order` to its customer (inside the caller's transaction)."""
    await outbox.enqueue(
        db, audience="customer", chat_id=order.user_id, kind=kind, order_id=order.id,
        now=now, payload=payload,
    )


async def set_payment_status(
    db: aiosqlite.Connection,
    order: Order,
    to: PaymentStatus,
    actor: Actor,
    now: datetime,
    *,
    note: str | None = None,
) -> None:
    row = await fetchone(db, "SELECT payment_status FROM orders WHERE id = ?", (order.id,))
    if row is None:
        raise NotFound(number=order.number)
    current = PaymentStatus(row["payment_status"])
    if not lifecycle.can_change_payment(current, to):
        raise TransitionNotAllowed(
            number=order.number,
            status=current,
            wanted=to,
            allowed=sorted(lifecycle.PAYMENT_TRANSITIONS[current]),
        )
    await db.execute(
        "UPDATE orders SET payment_status = ?, updated_at = ? WHERE id = ? AND payment_status = ?",
        (to, to_db(now), order.id, current),
    )
    await record_event(db, order.id, now, actor, EventKind.PAYMENT, current, to, note)


async def mark_delivered(
    db: aiosqlite.Connection,
    order: Order,
    actor: Actor,
    now: datetime,
    *,
    notify_customer: bool = True,
) -> None:
    """Delivered, inside the caller's transaction; cash on delivery is paid by then."""
    await apply_transition(db, order, Status.DELIVERED, actor, now,
                           notify_customer=notify_customer)
    if order.payment_method == PaymentMethod.COD and order.payment_status != PaymentStatus.PAID:
        await set_payment_status(db, order, PaymentStatus.PAID, actor, now, note="COD")


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
        await queue_customer_message(db, order, "order_cancelled", now)
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
            kind="payment_proof",
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
