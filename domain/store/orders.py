"""Orders with their lines (order_lines) and timeline (order_events).

The status change is a compare-and-set (`cas_status`): it writes only when the order is still
in the status the caller read, so of two people pressing at once exactly one wins;
`last_status_event` tells the other who was first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from aiosqlite import Row

from domain.clock import to_db
from domain.store.sqlite import Connection, dialect_of, fetchall, fetchone

# ---------------------------------------------------------------- reading


async def by_id(db: Connection, order_id: int) -> Row | None:
    return await fetchone(db, "SELECT * FROM orders WHERE id = ?", (order_id,))


async def lines(db: Connection, order_id: int) -> list[Row]:
    """sku, name, unit_price, quantity, in the order they were placed."""
    # Insertion order: SQLite's rowid; PostgreSQL's order_lines has an identity `seq` for it.
    order = "seq" if dialect_of(db) == "postgresql" else "rowid"
    return await fetchall(
        db, f"SELECT * FROM order_lines WHERE order_id = ? ORDER BY {order}", (order_id,)
    )


async def line_quantities(db: Connection, order_id: int) -> list[Row]:
    """sku, quantity of each line (what the order moves in stock)."""
    return await fetchall(
        db, "SELECT sku, quantity FROM order_lines WHERE order_id = ?", (order_id,)
    )


async def events(db: Connection, order_id: int) -> list[Row]:
    """The timeline, oldest first."""
    return await fetchall(
        db, "SELECT * FROM order_events WHERE order_id = ? ORDER BY id", (order_id,)
    )


async def id_by_number(db: Connection, number: str, user_id: int | None = None) -> int | None:
    """The order with this (normalized) number; with `user_id`, only if it is theirs."""
    if user_id is None:
        row = await fetchone(db, "SELECT id FROM orders WHERE number = ?", (number,))
    else:
        row = await fetchone(
            db, "SELECT id FROM orders WHERE number = ? AND user_id = ?", (number, user_id)
        )
    return None if row is None else row["id"]


async def id_by_checkout_key(db: Connection, user_id: int, checkout_key: str) -> int | None:
    row = await fetchone(
        db, "SELECT id FROM orders WHERE checkout_key = ? AND user_id = ?", (checkout_key, user_id)
    )
    return None if row is None else row["id"]


async def count_of_customer(db: Connection, user_id: int) -> int:
    row = await fetchone(db, "SELECT COUNT(*) AS n FROM orders WHERE user_id = ?", (user_id,))
    return row["n"] if row else 0


async def ids_of_customer(db: Connection, user_id: int, limit: int, offset: int) -> list[int]:
    """A page of the customer's order ids, newest first."""
    rows = await fetchall(
        db,
        "SELECT id FROM orders WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
        (user_id, limit, offset),
    )
    return [r["id"] for r in rows]


async def newest_id_tracked(db: Connection, user_id: int, number: str, tracking: str) -> int | None:
    """The customer's newest order with this order number or this tracking number."""
    row = await fetchone(
        db,
        "SELECT id FROM orders WHERE user_id = ? AND (number = ? OR tracking_number = ?)"
        " ORDER BY id DESC LIMIT 1",
        (user_id, number, tracking),
    )
    return None if row is None else row["id"]


async def newest_awaiting_transfer(db: Connection, user_id: int) -> int | None:
    """The customer's newest transfer order still open and waiting for (proof of) payment."""
    row = await fetchone(
        db,
        "SELECT id FROM orders WHERE user_id = ? AND payment_method = 'transfer'"
        " AND payment_status IN ('unpaid', 'proof_submitted')"
        " AND status IN ('placed', 'verified') ORDER BY id DESC LIMIT 1",
        (user_id,),
    )
    return None if row is None else row["id"]


async def number_with_tracking(db: Connection, tracking: str, other_than: int) -> str | None:
    """The number of another order that carries this tracking number, if any."""
    row = await fetchone(
        db,
        "SELECT number FROM orders WHERE tracking_number = ? AND id != ?",
        (tracking, other_than),
    )
    return None if row is None else row["number"]


async def status(db: Connection, order_id: int) -> str | None:
    row = await fetchone(db, "SELECT status FROM orders WHERE id = ?", (order_id,))
    return None if row is None else row["status"]


async def payment_status(db: Connection, order_id: int) -> str | None:
    row = await fetchone(db, "SELECT payment_status FROM orders WHERE id = ?", (order_id,))
    return None if row is None else row["payment_status"]


async def last_status_event(db: Connection, order_id: int, to_status: str) -> Row | None:
    """actor_name, at of whoever last moved the order to `to_status`: who was first."""
    return await fetchone(
        db,
        "SELECT actor_name, at FROM order_events WHERE order_id = ? AND kind = 'status'"
        " AND to_status = ? ORDER BY id DESC LIMIT 1",
        (order_id, to_status),
    )


# ---------------------------------------------------------------- writing


async def insert(
    db: Connection,
    *,
    number: str,
    user_id: int,
    status: str,
    payment_status: str,
    payment_method: str,
    customer_name: str,
    phone: str,
    address: str,
    shipping_code: str,
    shipping_name: str,
    shipping_fee: int,
    note: str | None,
    subtotal: int,
    total: int,
    now: datetime,
    checkout_key: str | None,
) -> int | None:
    """The new order's id; None when `number` is taken already (nothing written)."""
    stamp = to_db(now)
    row = await fetchone(
        db,
        "INSERT INTO orders (number, user_id, status, payment_status, payment_method,"
        " customer_name, phone, address, shipping_code, shipping_name, shipping_fee, note,"
        " subtotal, total, created_at, updated_at, status_changed_at, checkout_key)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (number) DO NOTHING"
        " RETURNING id",
        (
            number,
            user_id,
            status,
            payment_status,
            payment_method,
            customer_name,
            phone,
            address,
            shipping_code,
            shipping_name,
            shipping_fee,
            note,
            subtotal,
            total,
            stamp,
            stamp,
            stamp,
            checkout_key,
        ),
    )
    return None if row is None else row["id"]


async def add_lines(
    db: Connection, order_id: int, lines: Iterable[tuple[str, str, int, int]]
) -> None:
    """(sku, name, unit_price, quantity) each."""
    await db.executemany(
        "INSERT INTO order_lines (order_id, sku, name, unit_price, quantity)"
        " VALUES (?, ?, ?, ?, ?)",
        [(order_id, *line) for line in lines],
    )


async def add_event(
    db: Connection,
    order_id: int,
    now: datetime,
    actor_id: int | None,
    actor_name: str,
    kind: str,
    from_status: str | None,
    to_status: str | None,
    note: str | None,
) -> None:
    await db.execute(
        "INSERT INTO order_events (order_id, at, actor_id, actor_name, kind, from_status,"
        " to_status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (order_id, to_db(now), actor_id, actor_name, kind, from_status, to_status, note),
    )


async def cas_status(
    db: Connection, order_id: int, current: str, to: str, now: datetime
) -> bool:
    """Move the order from `current` to `to`; False (nothing written) if it is not in
    `current` any more."""
    stamp = to_db(now)
    cur = await db.execute(
        "UPDATE orders SET status = ?, updated_at = ?, status_changed_at = ?"
        " WHERE id = ? AND status = ?",
        (to, stamp, stamp, order_id, current),
    )
    return cur.rowcount == 1


async def cas_payment_status(
    db: Connection, order_id: int, current: str, to: str, now: datetime
) -> bool:
    """Like cas_status, for the payment status."""
    cur = await db.execute(
        "UPDATE orders SET payment_status = ?, updated_at = ? WHERE id = ? AND payment_status = ?",
        (to, to_db(now), order_id, current),
    )
    return cur.rowcount == 1


async def set_payment_proof(db: Connection, order_id: int, file_id: str) -> None:
    await db.execute(
        "UPDATE orders SET payment_proof_file_id = ? WHERE id = ?", (file_id, order_id)
    )


async def set_staff_message(db: Connection, order_id: int, message_id: int) -> None:
    await db.execute(
        "UPDATE orders SET staff_message_id = ? WHERE id = ?", (message_id, order_id)
    )


async def set_shipment(db: Connection, order_id: int, courier: str, tracking: str | None) -> None:
    await db.execute(
        "UPDATE orders SET courier = ?, tracking_number = ? WHERE id = ?",
        (courier, tracking, order_id),
    )


async def correct_shipment(
    db: Connection, order_id: int, courier: str, tracking: str | None, now: datetime
) -> None:
    """A shipped order's courier or tracking number, set right afterwards."""
    await db.execute(
        "UPDATE orders SET courier = ?, tracking_number = ?, updated_at = ? WHERE id = ?",
        (courier, tracking, to_db(now), order_id),
    )
