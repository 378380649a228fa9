"""The scheduled follow-up's queries and bookkeeping: the scans that find unpaid orders,
abandoned carts and orders waiting on the staff, and what the passes remember (schedule_log:
one outcome per thing and version; schedule_runs: when a throttled pass last ran;
staff_nudges: which stage an order was last listed at). The delivery check and the survey
keep theirs beside their own tables (delivery_checks.py, surveys.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from domain.clock import from_db, to_db
from domain.store import Connection, Row, fetchall, fetchone

# ---------------------------------------------------------------- unpaid transfers


@dataclass(frozen=True, slots=True)
class AwaitingPayment:
    id: int
    user_id: int
    since: str  # when the payment clock started, as stored: also its reminders' version
    reminders_enabled: bool
    reachable: bool


# Orders waiting for the customer's transfer, with the moment the payment clock started.
_AWAITING = """
SELECT o.id, o.user_id, o.since, c.reminders_enabled, c.reachable FROM (
    SELECT id, user_id, created_at, COALESCE(
        (SELECT MAX(e.at) FROM order_events e WHERE e.order_id = orders.id AND e.kind = 'payment'),
        created_at) AS since
    FROM orders
    WHERE status = 'placed' AND payment_method = 'transfer' AND payment_status = 'unpaid'
      AND created_at <= :until
) o JOIN customers c ON c.user_id = o.user_id
WHERE o.since <= :until {where}
ORDER BY o.since, o.id LIMIT :limit
"""

_NOT_LOGGED = (
    "AND NOT EXISTS (SELECT 1 FROM schedule_log l"
    " WHERE l.kind = :kind AND l.ref = o.id AND l.version = o.since)"
)


async def awaiting_payment(
    db: Connection, until: datetime, limit: int, not_logged: str | None = None
) -> list[AwaitingPayment]:
    """Orders awaiting payment whose clock started by `until`, oldest clock first (and, if
    given, without a schedule_log row of that kind for this payment clock)."""
    where = "" if not_logged is None else _NOT_LOGGED
    params = {"until": to_db(until), "limit": limit, "kind": not_logged}
    async with db.execute(_AWAITING.format(where=where), params) as cur:
        rows = await cur.fetchall()
    return [
        AwaitingPayment(
            r["id"], r["user_id"], r["since"], bool(r["reminders_enabled"]), bool(r["reachable"])
        )
        for r in rows
    ]


# ---------------------------------------------------------------- abandoned carts


async def abandoned_carts(
    db: Connection, newest: datetime, oldest: datetime, limit: int
) -> list[Row]:
    """Carts last changed in (oldest, newest] with no 'cart' log row for that change, oldest
    first: user_id, changed (as stored: the cart's version), reminders_enabled, reachable."""
    return await fetchall(
        db,
        "SELECT k.user_id, k.changed, c.reminders_enabled, c.reachable FROM ("
        "  SELECT user_id, MAX(added_at) AS changed FROM cart_items GROUP BY user_id"
        "  HAVING MAX(added_at) <= ? AND MAX(added_at) > ?"
        ") k JOIN customers c ON c.user_id = k.user_id"
        " WHERE NOT EXISTS (SELECT 1 FROM schedule_log l"
        "  WHERE l.kind = 'cart' AND l.ref = k.user_id AND l.version = k.changed)"
        " ORDER BY k.changed LIMIT ?",
        (to_db(newest), to_db(oldest), limit),
    )


# ---------------------------------------------------------------- orders waiting on the staff

_WAITING = """
SELECT * FROM (
    SELECT o.id, o.number, o.staff_message_id,
        CASE WHEN o.status = 'placed' THEN COALESCE(
            (SELECT MAX(e.at) FROM order_events e WHERE e.order_id = o.id AND e.kind = 'payment'
                AND e.at > o.status_changed_at),
            o.status_changed_at) ELSE o.status_changed_at END AS since
    FROM orders o LEFT JOIN staff_nudges n ON n.order_id = o.id
    WHERE o.status = :status AND o.status_changed_at <= :cutoff
      AND (o.status <> 'placed' OR o.payment_method = 'cod'
           OR o.payment_status IN ('proof_submitted', 'paid'))
      AND (n.order_id IS NULL OR n.stage <> o.status OR n.nudged_at <= :again)
) AS waiting WHERE since <= :cutoff ORDER BY since, id LIMIT :limit
"""


async def waiting_on_staff(
    db: Connection, status: str, cutoff: datetime, again: datetime, limit: int
) -> list[Row]:
    """Orders at `status` the staff can act on, waiting since `cutoff` or longer and not listed
    at this stage after `again`, longest first: id, number, staff_message_id, since (as
    stored). A placed order waits from its last payment event."""
    params = {"status": status, "cutoff": to_db(cutoff), "again": to_db(again), "limit": limit}
    async with db.execute(_WAITING, params) as cur:
        return list(await cur.fetchall())


async def record_nudges(db: Connection, listed: Iterable[tuple[int, str]], now: datetime) -> None:
    """(order id, status) pairs listed in a nudge at `now`."""
    await db.executemany(
        "INSERT INTO staff_nudges (order_id, stage, nudged_at) VALUES (?, ?, ?)"
        " ON CONFLICT (order_id) DO UPDATE SET stage = excluded.stage,"
        " nudged_at = excluded.nudged_at",
        [(order_id, status, to_db(now)) for order_id, status in listed],
    )


async def order_status(db: Connection, order_id: int) -> str | None:
    row = await fetchone(db, "SELECT status FROM orders WHERE id = ?", (order_id,))
    return None if row is None else row["status"]


# ---------------------------------------------------------------- what the passes remember


async def log(
    db: Connection, kind: str, ref: int, version: str, now: datetime, outcome: str
) -> None:
    """One outcome per (kind, ref, version); a second is ignored."""
    await db.execute(
        "INSERT INTO schedule_log (kind, ref, version, done_at, outcome) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (kind, ref, version, to_db(now), outcome),
    )


async def last_run(db: Connection, name: str) -> datetime | None:
    row = await fetchone(db, "SELECT last_at FROM schedule_runs WHERE name = ?", (name,))
    return None if row is None else from_db(row["last_at"])


async def claim_run(
    db: Connection, name: str, now: datetime, last: datetime | None
) -> bool:
    """Record a throttled pass's run at `now` if its last run is still `last` (as read before
    deciding): compare-and-set, so of two runs at the same moment one records it."""
    if last is None:
        cur = await db.execute(
            "INSERT INTO schedule_runs (name, last_at) VALUES (?, ?)"
            " ON CONFLICT (name) DO NOTHING",
            (name, to_db(now)),
        )
    else:
        cur = await db.execute(
            "UPDATE schedule_runs SET last_at = ? WHERE name = ? AND last_at = ?",
            (to_db(now), name, to_db(last)),
        )
    return cur.rowcount == 1


async def unclaim_run(
    db: Connection, name: str, now: datetime, last: datetime | None
) -> None:
    """Undo `claim_run` in the same transaction (the pass found nothing to do)."""
    if last is None:
        await db.execute(
            "DELETE FROM schedule_runs WHERE name = ? AND last_at = ?", (name, to_db(now))
        )
    else:
        await db.execute(
            "UPDATE schedule_runs SET last_at = ? WHERE name = ? AND last_at = ?",
            (to_db(last), name, to_db(now)),
        )
