"""Complaints: their lines and inspection, evidence, the after-sales timeline, follow-up
shipments and the shop's return costs. Status changes are compare-and-set."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from aiosqlite import Row

from domain.clock import to_db
from domain.store.sqlite import Connection, fetchall, fetchone

_SELECT = (
    "SELECT c.*, o.number AS order_number FROM complaints c JOIN orders o ON o.id = c.order_id"
)


async def by_id(db: Connection, complaint_id: int) -> Row | None:
    return await fetchone(db, _SELECT + " WHERE c.id = ?", (complaint_id,))


async def latest_for_order(db: Connection, order_id: int) -> Row | None:
    """The order's open complaint, else its newest one."""
    return await fetchone(
        db,
        _SELECT + " WHERE c.order_id = ? ORDER BY c.status IN ('resolved','rejected'), c.id DESC"
        " LIMIT 1",
        (order_id,),
    )


async def open_for_order(db: Connection, order_id: int) -> Row | None:
    return await fetchone(
        db,
        _SELECT + " WHERE c.order_id = ? AND c.status NOT IN ('resolved','rejected')",
        (order_id,),
    )


async def lines(db: Connection, complaint_id: int) -> list[Row]:
    return await fetchall(
        db, "SELECT * FROM complaint_lines WHERE complaint_id = ? ORDER BY sku", (complaint_id,)
    )


async def claimed_before(db: Connection, order_id: int) -> dict[str, int]:
    """Units of each line already claimed by the order's earlier, not rejected complaints."""
    rows = await fetchall(
        db,
        "SELECT l.sku, SUM(l.quantity) AS n FROM complaint_lines l"
        " JOIN complaints c ON c.id = l.complaint_id"
        " WHERE c.order_id = ? AND c.status != 'rejected' GROUP BY l.sku",
        (order_id,),
    )
    return {r["sku"]: r["n"] for r in rows}


async def insert(
    db: Connection,
    *,
    order_id: int,
    user_id: int,
    reason: str,
    solution_wanted: str,
    status: str,
    description: str | None,
    delivered_at: datetime | None,
    window_ends_at: datetime | None,
    now: datetime,
    solution: str | None = None,
) -> int | None:
    """The new complaint's id; None when the order has an open one already."""
    stamp = to_db(now)
    async with db.execute(
        "INSERT INTO complaints (order_id, user_id, reason, solution_wanted, solution, status,"
        " description, delivered_at, window_ends_at, created_at, updated_at, status_changed_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING RETURNING id",
        (
            order_id,
            user_id,
            reason,
            solution_wanted,
            solution,
            status,
            description,
            to_db(delivered_at) if delivered_at else None,
            to_db(window_ends_at) if window_ends_at else None,
            stamp,
            stamp,
            stamp,
        ),
    ) as cur:
        row = await cur.fetchone()
    return None if row is None else int(row[0])


async def add_lines(
    db: Connection, complaint_id: int, lines: Iterable[tuple[str, str, int, int]]
) -> None:
    """(sku, name, unit_price, quantity) each."""
    await db.executemany(
        "INSERT INTO complaint_lines (complaint_id, sku, name, unit_price, quantity)"
        " VALUES (?, ?, ?, ?, ?)",
        [(complaint_id, *line) for line in lines],
    )


async def cas_status(
    db: Connection, complaint_id: int, current: str, to: str, now: datetime
) -> bool:
    stamp = to_db(now)
    closed = to in ("resolved", "rejected")
    cur = await db.execute(
        "UPDATE complaints SET status = ?, updated_at = ?, status_changed_at = ?,"
        " closed_at = CASE WHEN ? THEN ? ELSE closed_at END WHERE id = ? AND status = ?",
        (to, stamp, stamp, closed, stamp, complaint_id, current),
    )
    return cur.rowcount == 1


async def set_solution(db: Connection, complaint_id: int, solution: str) -> None:
    await db.execute("UPDATE complaints SET solution = ? WHERE id = ?", (solution, complaint_id))


async def set_staff_reason(db: Connection, complaint_id: int, reason: str | None) -> None:
    await db.execute(
        "UPDATE complaints SET staff_reason = ? WHERE id = ?", (reason, complaint_id)
    )


async def set_return_shipment(
    db: Connection, complaint_id: int, courier: str, tracking: str | None, now: datetime
) -> None:
    await db.execute(
        "UPDATE complaints SET return_courier = ?, return_tracking = ?, return_shipped_at = ?,"
        " updated_at = ? WHERE id = ?",
        (courier, tracking, to_db(now), to_db(now), complaint_id),
    )


async def set_card_message(db: Connection, complaint_id: int, message_id: int) -> None:
    await db.execute(
        "UPDATE complaints SET card_message_id = ? WHERE id = ?", (message_id, complaint_id)
    )


async def inspect_line(
    db: Connection, complaint_id: int, sku: str, resellable: int, damaged: int
) -> bool:
    """Judge units of a line: compare-and-set on what is still uninspected, so the same
    units can never be judged (and restocked) twice. False when fewer are left."""
    cur = await db.execute(
        "UPDATE complaint_lines SET resellable = resellable + ?, damaged = damaged + ?"
        " WHERE complaint_id = ? AND sku = ? AND quantity - resellable - damaged >= ?",
        (resellable, damaged, complaint_id, sku, resellable + damaged),
    )
    return cur.rowcount == 1


async def open_of_customer(db: Connection, user_id: int) -> list[Row]:
    """The customer's open complaints, the newest first."""
    return await fetchall(
        db,
        _SELECT + " WHERE c.user_id = ? AND c.status NOT IN ('resolved','rejected')"
        " ORDER BY c.id DESC",
        (user_id,),
    )


async def by_status(db: Connection, statuses: Iterable[str], limit: int) -> list[Row]:
    """Complaints in these statuses, the longest waiting first."""
    wanted = list(statuses)
    marks = ",".join("?" * len(wanted))
    return await fetchall(
        db,
        _SELECT + f" WHERE c.status IN ({marks}) ORDER BY c.status_changed_at, c.id LIMIT ?",
        (*wanted, limit),
    )


async def waiting_since(
    db: Connection, statuses: Iterable[str], before: datetime, limit: int
) -> list[Row]:
    """In these statuses since before `before`, the oldest first."""
    wanted = list(statuses)
    marks = ",".join("?" * len(wanted))
    return await fetchall(
        db,
        _SELECT + f" WHERE c.status IN ({marks}) AND c.status_changed_at <= ?"
        " ORDER BY c.status_changed_at, c.id LIMIT ?",
        (*wanted, to_db(before), limit),
    )


# ---------------------------------------------------------------- evidence


async def add_evidence(
    db: Connection,
    complaint_id: int,
    file_id: str,
    file_unique_id: str,
    kind: str,
    added_by: int | None,
    now: datetime,
) -> bool:
    """False when this very file was attached already (a repeated message)."""
    cur = await db.execute(
        "INSERT INTO complaint_evidence (complaint_id, file_id, file_unique_id, kind, added_by,"
        " added_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (complaint_id, file_id, file_unique_id, kind, added_by, to_db(now)),
    )
    return cur.rowcount == 1


async def evidence(db: Connection, complaint_id: int) -> list[Row]:
    return await fetchall(
        db, "SELECT * FROM complaint_evidence WHERE complaint_id = ? ORDER BY id", (complaint_id,)
    )


async def evidence_count(db: Connection, complaint_id: int) -> int:
    row = await fetchone(
        db, "SELECT COUNT(*) AS n FROM complaint_evidence WHERE complaint_id = ?", (complaint_id,)
    )
    return row["n"] if row else 0


# ---------------------------------------------------------------- the after-sales timeline


async def add_event(
    db: Connection,
    *,
    order_id: int,
    complaint_id: int | None,
    refund_id: int | None,
    now: datetime,
    actor_id: int | None,
    actor_name: str,
    kind: str,
    from_status: str | None,
    to_status: str | None,
    note: str | None,
) -> None:
    await db.execute(
        "INSERT INTO aftersales_events (order_id, complaint_id, refund_id, at, actor_id,"
        " actor_name, kind, from_status, to_status, note) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (order_id, complaint_id, refund_id, to_db(now), actor_id, actor_name, kind,
         from_status, to_status, note),
    )


async def events_of_order(db: Connection, order_id: int) -> list[Row]:
    return await fetchall(
        db, "SELECT * FROM aftersales_events WHERE order_id = ? ORDER BY id", (order_id,)
    )


async def last_event_to(
    db: Connection, complaint_id: int, kind: str, to_status: str
) -> Row | None:
    return await fetchone(
        db,
        "SELECT * FROM aftersales_events WHERE complaint_id = ? AND kind = ? AND to_status = ?"
        " ORDER BY id DESC LIMIT 1",
        (complaint_id, kind, to_status),
    )


async def last_event(db: Connection, complaint_id: int, kind: str) -> Row | None:
    return await fetchone(
        db,
        "SELECT * FROM aftersales_events WHERE complaint_id = ? AND kind = ?"
        " ORDER BY id DESC LIMIT 1",
        (complaint_id, kind),
    )


# ---------------------------------------------------------------- follow-up shipments


async def add_shipment(db: Connection, order_id: int, complaint_id: int, now: datetime) -> int:
    async with db.execute(
        "INSERT INTO follow_up_shipments (order_id, complaint_id, status, created_at)"
        " VALUES (?, ?, 'reserved', ?) RETURNING id",
        (order_id, complaint_id, to_db(now)),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def shipment_for_complaint(db: Connection, complaint_id: int) -> Row | None:
    return await fetchone(
        db, "SELECT * FROM follow_up_shipments WHERE complaint_id = ?", (complaint_id,)
    )


async def shipments_of_order(db: Connection, order_id: int) -> list[Row]:
    return await fetchall(
        db, "SELECT * FROM follow_up_shipments WHERE order_id = ? ORDER BY id", (order_id,)
    )


async def shipment_by_tracking(db: Connection, user_id: int, tracking: str) -> Row | None:
    """The customer's newest follow-up parcel with this tracking number."""
    return await fetchone(
        db,
        "SELECT s.* FROM follow_up_shipments s JOIN orders o ON o.id = s.order_id"
        " WHERE o.user_id = ? AND s.tracking_number = ? ORDER BY s.id DESC LIMIT 1",
        (user_id, tracking),
    )


async def ship_shipment(
    db: Connection, shipment_id: int, courier: str, tracking: str | None, now: datetime
) -> bool:
    """reserved → shipped (compare-and-set)."""
    cur = await db.execute(
        "UPDATE follow_up_shipments SET status = 'shipped', courier = ?, tracking_number = ?,"
        " shipped_at = ? WHERE id = ? AND status = 'reserved'",
        (courier, tracking, to_db(now), shipment_id),
    )
    return cur.rowcount == 1


async def correct_shipment(
    db: Connection, shipment_id: int, courier: str, tracking: str | None
) -> None:
    await db.execute(
        "UPDATE follow_up_shipments SET courier = ?, tracking_number = ? WHERE id = ?",
        (courier, tracking, shipment_id),
    )


# ---------------------------------------------------------------- the shop's costs


async def add_cost(
    db: Connection,
    *,
    order_id: int,
    complaint_id: int | None,
    kind: str,
    amount: int,
    actor_id: int | None,
    actor_name: str,
    now: datetime,
) -> bool:
    """False when the order has this leg recorded already."""
    cur = await db.execute(
        "INSERT INTO shop_costs (order_id, complaint_id, kind, amount, actor_id, actor_name, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (order_id, complaint_id, kind, amount, actor_id, actor_name, to_db(now)),
    )
    return cur.rowcount == 1


async def costs_of_order(db: Connection, order_id: int) -> list[Row]:
    return await fetchall(
        db, "SELECT * FROM shop_costs WHERE order_id = ? ORDER BY id", (order_id,)
    )
