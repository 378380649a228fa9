"""Reading orders: by id, by number (as a person types it), the customer's own, their list.

Every order is read whole (lines and timeline) by `load_order`; reads that a customer asks
for are limited to their own orders, and someone else's answers exactly like a missing one.
"""

from __future__ import annotations

from domain.clock import from_db
from domain.errors import NotFound
from domain.models import Order, OrderEvent, OrderLine, PaymentMethod, PaymentStatus, Status
from domain.store import Connection, Store, from_row
from domain.store import orders as order_rows


def normalize_number(text: str) -> str:
    """What a person types (`#k7q3mx`, ` K7Q3MX `) → the stored form."""
    return text.strip().lstrip("#").upper()


async def load_order(db: Connection, order_id: int) -> Order:
    row = await order_rows.by_id(db, order_id)
    if row is None:
        raise NotFound(order_id=order_id)
    lines = await order_rows.lines(db, order_id)
    events = await order_rows.events(db, order_id)
    return from_row(
        Order,
        row,
        status=Status(row["status"]),
        payment_status=PaymentStatus(row["payment_status"]),
        payment_method=PaymentMethod(row["payment_method"]),
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
        lines=tuple(from_row(OrderLine, r) for r in lines),
        events=tuple(from_row(OrderEvent, e, at=from_db(e["at"])) for e in events),
    )


async def order_by_number(db: Connection, number: str) -> Order:
    order_id = await order_rows.id_by_number(db, normalize_number(number))
    if order_id is None:
        raise NotFound(number=number)
    return await load_order(db, order_id)


async def customer_order(store: Store, user_id: int, number: str) -> Order:
    """One of the customer's own orders. Someone else's answers exactly like a missing one."""
    order_id = await order_rows.id_by_number(store.reader, normalize_number(number), user_id)
    if order_id is None:
        raise NotFound(number=number)
    return await load_order(store.reader, order_id)


async def by_checkout_key(
    db: Connection, user_id: int, checkout_key: str
) -> Order | None:
    """The customer's order placed by this checkout (its idempotency key), if any."""
    order_id = await order_rows.id_by_checkout_key(db, user_id, checkout_key)
    return None if order_id is None else await load_order(db, order_id)


async def customer_orders(
    store: Store, user_id: int, *, limit: int = 10, offset: int = 0
) -> tuple[list[Order], int]:
    """A page of the customer's orders, newest first, and how many there are in all."""
    count = await order_rows.count_of_customer(store.reader, user_id)
    ids = await order_rows.ids_of_customer(store.reader, user_id, limit, offset)
    return [await load_order(store.reader, i) for i in ids], count


async def track(store: Store, user_id: int, query: str) -> Order:
    """By order number or tracking number, among the customer's own orders only."""
    text = query.strip()
    if not text or len(text) > 40:
        raise NotFound(number=text[:40])
    order_id = await order_rows.newest_id_tracked(
        store.reader, user_id, normalize_number(text), text.upper()
    )
    if order_id is None:
        raise NotFound(number=text)
    return await load_order(store.reader, order_id)
