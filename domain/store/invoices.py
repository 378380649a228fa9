"""Invoices: the per-month counters that number them and the frozen snapshots."""

from __future__ import annotations

from datetime import datetime

from aiosqlite import Row

from domain.clock import to_db
from domain.store.sqlite import Connection, fetchone


async def next_seq(db: Connection, period: str) -> int:
    """Take the next number of `period`'s counter; only inside a write transaction, so a
    rollback gives it back."""
    async with db.execute(
        "INSERT INTO invoice_counters (period, last_seq) VALUES (?, 1)"
        " ON CONFLICT (period) DO UPDATE SET last_seq = invoice_counters.last_seq + 1"
        " RETURNING last_seq",
        (period,),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def for_order(db: Connection, order_id: int) -> Row | None:
    """number, order_id, issued_at, issued_by_name, content (JSON) … of the order's invoice."""
    return await fetchone(db, "SELECT * FROM invoices WHERE order_id = ?", (order_id,))


async def insert(
    db: Connection,
    *,
    number: str,
    order_id: int,
    period: str,
    seq: int,
    issued_at: datetime,
    issued_by_id: int | None,
    issued_by_name: str,
    content: str,
) -> None:
    """The invoice, and its number on the order."""
    await db.execute(
        "INSERT INTO invoices (number, order_id, period, seq, issued_at, issued_by_id,"
        " issued_by_name, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (number, order_id, period, seq, to_db(issued_at), issued_by_id, issued_by_name, content),
    )
    await db.execute("UPDATE orders SET invoice_number = ? WHERE id = ?", (number, order_id))
