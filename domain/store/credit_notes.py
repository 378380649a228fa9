"""Credit notes (nota kredit): per-month counters and frozen snapshots, like invoices."""

from __future__ import annotations

from datetime import datetime

from aiosqlite import Row

from domain.clock import to_db
from domain.store.sqlite import Connection, fetchall, fetchone


async def next_seq(db: Connection, period: str) -> int:
    """Take the next number of `period`; only inside a write transaction (a rollback gives it
    back, so numbers have no gaps)."""
    async with db.execute(
        "INSERT INTO credit_note_counters (period, last_seq) VALUES (?, 1)"
        " ON CONFLICT (period) DO UPDATE SET last_seq = credit_note_counters.last_seq + 1"
        " RETURNING last_seq",
        (period,),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def insert(
    db: Connection,
    *,
    number: str,
    refund_id: int,
    order_id: int,
    invoice_number: str | None,
    period: str,
    seq: int,
    issued_at: datetime,
    issued_by_id: int | None,
    issued_by_name: str,
    content: str,
) -> None:
    await db.execute(
        "INSERT INTO credit_notes (number, refund_id, order_id, invoice_number, period, seq,"
        " issued_at, issued_by_id, issued_by_name, content) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (number, refund_id, order_id, invoice_number, period, seq, to_db(issued_at),
         issued_by_id, issued_by_name, content),
    )


async def by_number(db: Connection, number: str) -> Row | None:
    return await fetchone(db, "SELECT * FROM credit_notes WHERE number = ?", (number,))


async def for_refund(db: Connection, refund_id: int) -> Row | None:
    return await fetchone(db, "SELECT * FROM credit_notes WHERE refund_id = ?", (refund_id,))


async def of_period(db: Connection, period: str) -> list[Row]:
    return await fetchall(
        db, "SELECT * FROM credit_notes WHERE period = ? ORDER BY seq", (period,)
    )
