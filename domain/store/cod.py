"""Cash on delivery: delivered COD orders whose money the courier still holds, and the
remittances that settle them (migration 007)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.clock import to_db
from domain.store import Connection, Row, fetchall, fetchone, indexed_by

# Delivered COD orders not yet remitted; orders_cod_outstanding holds exactly these.
_OUTSTANDING = (
    "payment_method = 'cod' AND status = 'delivered' AND cod_remittance_id IS NULL"
)


async def outstanding_by_age(db: Connection, bounds: Sequence[datetime]) -> list[Row]:
    """Outstanding COD per courier and age band: courier, band (0 = delivered after
    bounds[0], 1 = between bounds[1] and bounds[0], …, len(bounds) = before the last), n,
    amount (the orders' totals), oldest (delivered_at)."""
    cases = " ".join(f"WHEN status_changed_at >= ? THEN {i}" for i in range(len(bounds)))
    return await fetchall(
        db,
        f"SELECT COALESCE(courier, '') AS courier, CASE {cases} ELSE {len(bounds)} END AS band,"
        " COUNT(*) AS n, SUM(total) AS amount, MIN(status_changed_at) AS oldest"
        f" FROM orders {indexed_by(db, 'orders_cod_outstanding')} WHERE {_OUTSTANDING}"
        " GROUP BY 1, 2 ORDER BY 1, 2",
        tuple(to_db(b) for b in bounds),
    )


async def orders_to_remit(db: Connection, numbers: Sequence[str]) -> list[Row]:
    """The named orders: id, number, courier, status, payment_method, total,
    cod_remittance_id."""
    marks = ",".join("?" * len(numbers))
    return await fetchall(
        db,
        "SELECT id, number, COALESCE(courier, '') AS courier, status, payment_method, total,"
        f" cod_remittance_id FROM orders WHERE number IN ({marks})",
        tuple(numbers),
    )


async def add_remittance(
    db: Connection,
    *,
    courier: str,
    remitted_on: str,
    amount: int,
    order_ids: Sequence[int],
    actor_id: int | None,
    actor_name: str,
    now: datetime,
) -> int:
    """Record a remittance and mark its orders remitted (only those still outstanding);
    returns its id. The caller checked every order first, in the same transaction."""
    row = await fetchone(
        db,
        "INSERT INTO cod_remittances (courier, remitted_on, amount, orders, actor_id,"
        " actor_name, at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (courier, remitted_on, amount, len(order_ids), actor_id, actor_name, to_db(now)),
    )
    assert row is not None
    remittance_id: int = row["id"]
    marks = ",".join("?" * len(order_ids))
    await db.execute(
        f"UPDATE orders SET cod_remittance_id = ? WHERE id IN ({marks}) AND {_OUTSTANDING}",
        (remittance_id, *order_ids),
    )
    return remittance_id


async def remittance(db: Connection, remittance_id: int) -> Row | None:
    return await fetchone(db, "SELECT * FROM cod_remittances WHERE id = ?", (remittance_id,))


async def delivered_between(db: Connection, start: datetime, end: datetime) -> int:
    """COD orders delivered in [start, end)."""
    row = await fetchone(
        db,
        f"SELECT COUNT(*) AS n FROM orders {indexed_by(db, 'orders_ended')}"
        " WHERE status = 'delivered'"
        " AND status_changed_at >= ? AND status_changed_at < ? AND payment_method = 'cod'",
        (to_db(start), to_db(end)),
    )
    return row["n"] if row else 0
