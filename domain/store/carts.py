"""Carts: a customer's lines (cart_items), read with their products' current price and stock."""

from __future__ import annotations

from datetime import datetime

from aiosqlite import Row

from domain.clock import to_db
from domain.store.sqlite import Connection, fetchall, fetchone

# A customer's lines with their products, oldest line first.
_LINES = (
    " FROM cart_items c JOIN products p ON p.sku = c.sku"
    " WHERE c.user_id = ? ORDER BY c.added_at, c.sku"
)


async def lines(db: Connection, user_id: int) -> list[Row]:
    """sku, quantity, name, price, available (stock − reserved), active; oldest line first."""
    return await fetchall(
        db,
        "SELECT c.sku, c.quantity, p.name, p.price, p.stock - p.reserved AS available, p.active"
        + _LINES,
        (user_id,),
    )


async def lines_to_order(db: Connection, user_id: int) -> list[Row]:
    """sku, quantity, name, price, active, avail (stock − reserved); oldest line first."""
    return await fetchall(
        db,
        "SELECT c.sku, c.quantity, p.name, p.price, p.active, p.stock - p.reserved AS avail"
        + _LINES,
        (user_id,),
    )


async def line(db: Connection, user_id: int, sku: str) -> Row | None:
    """quantity, available (stock − reserved), active, name of one line."""
    return await fetchone(
        db,
        "SELECT c.quantity, p.stock - p.reserved AS available, p.active, p.name"
        " FROM cart_items c JOIN products p ON p.sku = c.sku"
        " WHERE c.user_id = ? AND c.sku = ?",
        (user_id, sku),
    )


async def quantity(db: Connection, user_id: int, sku: str) -> int | None:
    """The line's quantity; None when the product is not in the cart."""
    row = await fetchone(
        db, "SELECT quantity FROM cart_items WHERE user_id = ? AND sku = ?", (user_id, sku)
    )
    return None if row is None else row["quantity"]


async def count_lines(db: Connection, user_id: int) -> int:
    row = await fetchone(db, "SELECT COUNT(*) AS n FROM cart_items WHERE user_id = ?", (user_id,))
    return row["n"] if row else 0


async def put(db: Connection, user_id: int, sku: str, quantity: int, now: datetime) -> None:
    """Start the line, or set the quantity of the one there (it keeps its place)."""
    await db.execute(
        "INSERT INTO cart_items (user_id, sku, quantity, added_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (user_id, sku) DO UPDATE SET quantity = excluded.quantity",
        (user_id, sku, quantity, to_db(now)),
    )


async def set_quantity(db: Connection, user_id: int, sku: str, quantity: int) -> None:
    await db.execute(
        "UPDATE cart_items SET quantity = ? WHERE user_id = ? AND sku = ?",
        (quantity, user_id, sku),
    )


async def remove(db: Connection, user_id: int, sku: str) -> None:
    await db.execute("DELETE FROM cart_items WHERE user_id = ? AND sku = ?", (user_id, sku))


async def clear(db: Connection, user_id: int) -> None:
    await db.execute("DELETE FROM cart_items WHERE user_id = ?", (user_id,))
