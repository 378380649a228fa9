"""Reading orders: by id, by number (as a person types it), the customer's own, their list.

Every order is read whole (lines and timeline) by `load_order`; reads that a customer asks
for are limited to their own orders, and someone else's answers exactly like a missing one.
"""

from __future__ import annotations

import aiosqlite

from domain.clock import from_db
from domain.errors import NotFound
from domain.models import Order, OrderEvent, OrderLine, PaymentMethod, PaymentStatus, Status
from domain.store import Store, fetchall, fetchone


def normalize_number(text: str) -> str:
    """What a person types (`#k7q3mx`, ` K7Q3MX `) → the stored form."""
    return text.strip().lstrip("#").upper()


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


async def by_checkout_key(
    db: aiosqlite.Connection, user_id: int, checkout_key: str
) -> Order | None:
    """The customer's order placed by this checkout (its idempotency key), if any."""
    row = await fetchone(
        db, "SELECT id FROM orders WHERE checkout_key = ? AND user_id = ?", (checkout_key, user_id)
    )
    return None if row is None else await load_order(db, row["id"])


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
