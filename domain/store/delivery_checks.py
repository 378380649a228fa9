"""The delivery check's table (delivery_checks: one row per shipped order asked "has it
arrived?") and the scans that find whom to ask, ask again or deliver without an answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.clock import to_db
from domain.store import Connection, Row, fetchall, fetchone, from_row


@dataclass(frozen=True, slots=True)
class CheckDue:
    """An order a pass found due, with its customer's switches."""

    id: int  # the order
    user_id: int
    status: str
    asks: int  # times asked so far (0: never)
    reminders_enabled: bool
    reachable: bool


def _due(row: Row, **known: object) -> CheckDue:
    """A scan's row; `known` gives what the scan's query fixed rather than read."""
    return from_row(
        CheckDue,
        row,
        reminders_enabled=bool(row["reminders_enabled"]),
        reachable=bool(row["reachable"]),
        **known,
    )


async def check_of(db: Connection, order_id: int) -> tuple[int, str | None] | None:
    """(times asked, the answer or None while open) of the order's check; None if never asked."""
    row = await fetchone(
        db, "SELECT asks, answer FROM delivery_checks WHERE order_id = ?", (order_id,)
    )
    return None if row is None else (int(row["asks"]), row["answer"])


async def shipped_unasked(db: Connection, shipped_by: datetime, limit: int) -> list[CheckDue]:
    """Orders shipped at or before `shipped_by` and never asked, longest shipped first."""
    rows = await fetchall(
        db,
        "SELECT o.id, o.user_id, c.reminders_enabled, c.reachable FROM orders o"
        " JOIN customers c ON c.user_id = o.user_id"
        " WHERE o.status = 'shipped' AND o.status_changed_at <= ?"
        " AND NOT EXISTS (SELECT 1 FROM delivery_checks d WHERE d.order_id = o.id)"
        " ORDER BY o.status_changed_at LIMIT ?",
        (to_db(shipped_by), limit),
    )
    return [_due(r, status="shipped", asks=0) for r in rows]


async def not_yet_since(db: Connection, answered_by: datetime, limit: int) -> list[CheckDue]:
    """Checks answered "not yet" at or before `answered_by`, oldest answer first."""
    rows = await fetchall(
        db,
        "SELECT d.order_id AS id, d.user_id, d.asks, o.status, c.reminders_enabled,"
        " c.reachable FROM delivery_checks d JOIN orders o ON o.id = d.order_id"
        " JOIN customers c ON c.user_id = d.user_id"
        " WHERE d.answer = 'not_yet' AND d.answered_at <= ? ORDER BY d.answered_at LIMIT ?",
        (to_db(answered_by), limit),
    )
    return [_due(r) for r in rows]


async def unanswered_since(
    db: Connection, asked_by: datetime, limit: int
) -> list[tuple[int, str, bool]]:
    """(order id, order status, customer reachable) of open checks asked at or before
    `asked_by` and not answered, oldest question first."""
    rows = await fetchall(
        db,
        "SELECT d.order_id AS id, o.status, c.reachable FROM delivery_checks d"
        " JOIN orders o ON o.id = d.order_id JOIN customers c ON c.user_id = d.user_id"
        " WHERE d.answer IS NULL AND d.asked_at <= ? ORDER BY d.asked_at LIMIT ?",
        (to_db(asked_by), limit),
    )
    return [(r["id"], r["status"], bool(r["reachable"])) for r in rows]


async def add(db: Connection, order_id: int, user_id: int, asked_at: datetime, sent: bool) -> bool:
    """The order's first check; False when it has one already (another run asked first)."""
    cur = await db.execute(
        "INSERT INTO delivery_checks (order_id, user_id, asked_at, sent) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (order_id) DO NOTHING",
        (order_id, user_id, to_db(asked_at), int(sent)),
    )
    return cur.rowcount == 1


async def reopen(
    db: Connection, order_id: int, asks: int, asked_at: datetime, sent: bool
) -> bool:
    """Asked once more: open again, one more ask. Compare-and-set on the "not yet" answer
    after `asks` questions; False when another run asked again first."""
    cur = await db.execute(
        "UPDATE delivery_checks SET answer = NULL, answered_at = NULL, asked_at = ?,"
        " asks = asks + 1, sent = ? WHERE order_id = ? AND answer = 'not_yet' AND asks = ?",
        (to_db(asked_at), int(sent), order_id, asks),
    )
    return cur.rowcount == 1


async def close_unanswered(db: Connection, order_id: int, answer: str, now: datetime) -> bool:
    """Close a check still waiting for its answer; False when it was answered or closed."""
    cur = await db.execute(
        "UPDATE delivery_checks SET answer = ?, answered_at = ? WHERE order_id = ?"
        " AND answer IS NULL",
        (answer, to_db(now), order_id),
    )
    return cur.rowcount == 1


async def close(db: Connection, order_id: int, answer: str, now: datetime) -> None:
    await db.execute(
        "UPDATE delivery_checks SET answer = ?, answered_at = ? WHERE order_id = ?",
        (answer, to_db(now), order_id),
    )
