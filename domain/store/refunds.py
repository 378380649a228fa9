"""Refunds and the customer's last bank details. Status changes are compare-and-set."""

from __future__ import annotations

from datetime import datetime

from aiosqlite import Row

from domain.clock import to_db
from domain.store.sqlite import Connection, fetchall, fetchone

_SELECT = "SELECT r.*, o.number AS order_number FROM refunds r JOIN orders o ON o.id = r.order_id"


async def by_id(db: Connection, refund_id: int) -> Row | None:
    return await fetchone(db, _SELECT + " WHERE r.id = ?", (refund_id,))


async def for_complaint(db: Connection, complaint_id: int) -> Row | None:
    return await fetchone(db, _SELECT + " WHERE r.complaint_id = ?", (complaint_id,))


async def of_order(db: Connection, order_id: int) -> list[Row]:
    return await fetchall(db, _SELECT + " WHERE r.order_id = ? ORDER BY r.id", (order_id,))


async def open_of_customer(db: Connection, user_id: int) -> list[Row]:
    """The customer's refunds still to pay (awaiting details or ready), the newest first."""
    return await fetchall(
        db,
        _SELECT + " WHERE r.user_id = ? AND r.status IN ('awaiting_details','ready')"
        " ORDER BY r.id DESC",
        (user_id,),
    )


async def paid_total(db: Connection, order_id: int) -> int:
    """What was refunded on the order already, or is owed (not cancelled)."""
    row = await fetchone(
        db,
        "SELECT COALESCE(SUM(amount), 0) AS n FROM refunds WHERE order_id = ?"
        " AND status != 'cancelled'",
        (order_id,),
    )
    return row["n"] if row else 0


async def insert(
    db: Connection,
    *,
    order_id: int,
    complaint_id: int | None,
    user_id: int,
    amount: int,
    now: datetime,
) -> int | None:
    """The new refund's id; None when one exists for that complaint (or cancelled order)."""
    stamp = to_db(now)
    async with db.execute(
        "INSERT INTO refunds (order_id, complaint_id, user_id, amount_proposed, amount, status,"
        " created_at, updated_at, status_changed_at)"
        " VALUES (?, ?, ?, ?, ?, 'awaiting_details', ?, ?, ?)"
        " ON CONFLICT DO NOTHING RETURNING id",
        (order_id, complaint_id, user_id, amount, amount, stamp, stamp, stamp),
    ) as cur:
        row = await cur.fetchone()
    return None if row is None else int(row[0])


async def cas_status(db: Connection, refund_id: int, current: str, to: str, now: datetime) -> bool:
    stamp = to_db(now)
    cur = await db.execute(
        "UPDATE refunds SET status = ?, updated_at = ?,"
        " status_changed_at = CASE WHEN status = ? THEN status_changed_at ELSE ? END"
        " WHERE id = ? AND status = ?",
        (to, stamp, to, stamp, refund_id, current),
    )
    return cur.rowcount == 1


async def set_amount(db: Connection, refund_id: int, amount: int, now: datetime) -> None:
    await db.execute(
        "UPDATE refunds SET amount = ?, updated_at = ? WHERE id = ?",
        (amount, to_db(now), refund_id),
    )


async def set_bank_details(
    db: Connection, refund_id: int, bank: str, number: str, holder: str, now: datetime
) -> None:
    await db.execute(
        "UPDATE refunds SET bank_name = ?, account_number = ?, account_holder = ?, updated_at = ?"
        " WHERE id = ?",
        (bank, number, holder, to_db(now), refund_id),
    )


async def set_paid(
    db: Connection,
    refund_id: int,
    proof_file_id: str,
    actor_id: int | None,
    actor_name: str,
    credit_note_number: str,
    now: datetime,
) -> None:
    await db.execute(
        "UPDATE refunds SET proof_file_id = ?, paid_by_id = ?, paid_by_name = ?, paid_at = ?,"
        " credit_note_number = ? WHERE id = ?",
        (proof_file_id, actor_id, actor_name, to_db(now), credit_note_number, refund_id),
    )


async def by_status(db: Connection, statuses: list[str], before: datetime, limit: int) -> list[Row]:
    """Refunds in these statuses since before `before`, the oldest first."""
    marks = ",".join("?" * len(statuses))
    return await fetchall(
        db,
        _SELECT + f" WHERE r.status IN ({marks}) AND r.status_changed_at <= ?"
        " ORDER BY r.status_changed_at, r.id LIMIT ?",
        (*statuses, to_db(before), limit),
    )


# ---------------------------------------------------------------- last bank details


async def last_bank_details(db: Connection, user_id: int) -> Row | None:
    return await fetchone(
        db, "SELECT * FROM customer_bank_details WHERE user_id = ?", (user_id,)
    )


async def remember_bank_details(
    db: Connection, user_id: int, bank: str, number: str, holder: str, now: datetime
) -> None:
    await db.execute(
        "INSERT INTO customer_bank_details (user_id, bank_name, account_number, account_holder,"
        " updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
        " bank_name = excluded.bank_name, account_number = excluded.account_number,"
        " account_holder = excluded.account_holder, updated_at = excluded.updated_at",
        (user_id, bank, number, holder, to_db(now)),
    )
