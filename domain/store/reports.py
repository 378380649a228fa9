"""Read-only figures for the staff: the daily digest's counts and the work queue's pages,
plus the digests table that makes the digest once a day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from domain.clock import from_db, to_db
from domain.store import Connection, Row, fetchall, fetchone

# ---------------------------------------------------------------- the daily digest


async def claim_digest_day(db: Connection, day: date, now: datetime) -> bool:
    """Record that `day`'s digest is made; False if it already was."""
    cur = await db.execute(
        "INSERT INTO digests (day, sent_at) VALUES (?, ?) ON CONFLICT (day) DO NOTHING",
        (day.isoformat(), to_db(now)),
    )
    return cur.rowcount == 1


async def installed_at(db: Connection) -> datetime | None:
    """When the store was first set up (its first migration)."""
    row = await fetchone(db, "SELECT applied_at FROM schema_migrations WHERE version = 1")
    return from_db(row["applied_at"]) if row else None


async def placed_between(db: Connection, start: datetime, end: datetime) -> Row | None:
    """Orders placed in [start, end): n, kept (not cancelled or rejected) and their revenue."""
    return await fetchone(
        db,
        "SELECT COUNT(*) AS n,"
        " COALESCE(SUM(CASE WHEN status NOT IN ('cancelled', 'rejected') THEN total END), 0)"
        " AS revenue,"
        " COUNT(CASE WHEN status NOT IN ('cancelled', 'rejected') THEN 1 END) AS kept"
        " FROM orders WHERE created_at >= ? AND created_at < ?",
        (to_db(start), to_db(end)),
    )


async def closed_between(db: Connection, start: datetime, end: datetime) -> dict[str, int]:
    """Orders delivered, cancelled or rejected in [start, end), per status."""
    rows = await fetchall(
        db,
        "SELECT status, COUNT(*) AS n FROM orders WHERE status IN"
        " ('delivered', 'cancelled', 'rejected') AND status_changed_at >= ?"
        " AND status_changed_at < ? GROUP BY status",
        (to_db(start), to_db(end)),
    )
    return {r["status"]: r["n"] for r in rows}


async def open_by_stage(db: Connection) -> dict[str, int]:
    """Open orders per stage now; an unpaid transfer's stage is 'payment'."""
    rows = await fetchall(
        db,
        "SELECT CASE WHEN status = 'placed' AND payment_method = 'transfer'"
        " AND payment_status = 'unpaid' THEN 'payment' ELSE status END AS stage,"
        " COUNT(*) AS n FROM orders"
        " WHERE status IN ('placed', 'verified', 'packed', 'shipped') GROUP BY stage",
    )
    return {r["stage"]: r["n"] for r in rows}


async def low_stock(db: Connection) -> list[Row]:
    """Active products at or under their threshold, fewest available first: sku, name,
    available, low_stock_threshold."""
    return await fetchall(
        db,
        "SELECT sku, name, stock - reserved AS available, low_stock_threshold FROM products"
        " WHERE active = 1 AND stock - reserved <= low_stock_threshold"
        " ORDER BY stock - reserved, name",
    )


# ---------------------------------------------------------------- the work queue


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


async def count_by_status(db: Connection, statuses: Sequence[str]) -> dict[str, int]:
    """Orders per status among `statuses` (statuses without orders are left out)."""
    rows = await fetchall(
        db,
        f"SELECT status, COUNT(*) AS n FROM orders WHERE status IN ({_marks(statuses)})"
        " GROUP BY status",
        statuses,
    )
    return {r["status"]: r["n"] for r in rows}


async def count_at(db: Connection, statuses: Sequence[str]) -> int:
    row = await fetchone(
        db, f"SELECT COUNT(*) AS n FROM orders WHERE status IN ({_marks(statuses)})", statuses
    )
    return row["n"] if row else 0


async def queue_page(
    db: Connection, statuses: Sequence[str], limit: int, offset: int
) -> list[Row]:
    """Orders at `statuses`, status by status in the order given, longest at it first:
    number, status, customer_name, total, payment_method, payment_status,
    status_changed_at, items (the number of pieces)."""
    # The statuses are the caller's values, bound; only their positions are in the text.
    rank = " ".join(f"WHEN ? THEN {i}" for i in range(len(statuses)))
    return await fetchall(
        db,
        "SELECT o.number, o.status, o.customer_name, o.total, o.payment_method,"
        " o.payment_status, o.status_changed_at,"
        " (SELECT SUM(quantity) FROM order_lines l WHERE l.order_id = o.id) AS items"
        f" FROM orders o WHERE o.status IN ({_marks(statuses)})"
        f" ORDER BY CASE o.status {rank} END, o.status_changed_at, o.id LIMIT ? OFFSET ?",
        (*statuses, *statuses, limit, offset),
    )
