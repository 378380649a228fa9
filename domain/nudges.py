"""Staff nudges: orders waiting at a stage longer than its limit, listed together in one group
message per run; an order is not listed again until it moves on or a day has passed.

Waiting for verification counts only orders the staff can act on (cash on delivery, or a
transfer with a receipt or marked paid), from when that became so; an unpaid transfer
waits for the customer, whom the payment reminders chase instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from domain.clock import from_db, to_db
from domain.models import Status
from domain.outbox import Kind
from domain.schedule_policy import Policy, enqueue_staff
from domain.store import Store, fetchone

# One message lists at most this many orders; the rest come in the next run.
MAX_LISTED = 30
RUN_NAME = "staff_nudge"

_STAGES: tuple[tuple[str, Status], ...] = (
    ("verification", Status.PLACED),
    ("packing", Status.VERIFIED),
    ("shipment", Status.PACKED),
)

_CANDIDATES = """
SELECT * FROM (
    SELECT o.id, o.number, o.staff_message_id,
        CASE WHEN o.status = 'placed' THEN MAX(o.status_changed_at, COALESCE(
            (SELECT MAX(e.at) FROM order_events e WHERE e.order_id = o.id AND e.kind = 'payment'),
            o.status_changed_at)) ELSE o.status_changed_at END AS since
    FROM orders o LEFT JOIN staff_nudges n ON n.order_id = o.id
    WHERE o.status = :status AND o.status_changed_at <= :cutoff
      AND (o.status <> 'placed' OR o.payment_method = 'cod'
           OR o.payment_status IN ('proof_submitted', 'paid'))
      AND (n.order_id IS NULL OR n.stage <> o.status OR n.nudged_at <= :again)
) WHERE since <= :cutoff ORDER BY since, id LIMIT :limit
"""


def _limit(policy: Policy, stage: str) -> timedelta:
    return {
        "verification": policy.verification_limit,
        "packing": policy.packing_limit,
        "shipment": policy.shipment_limit,
    }[stage]


async def _throttled(db: aiosqlite.Connection, now: datetime, every: timedelta) -> bool:
    row = await fetchone(db, "SELECT last_at FROM schedule_runs WHERE name = ?", (RUN_NAME,))
    return row is not None and from_db(row["last_at"]) > now - every


async def nudge_staff(store: Store, policy: Policy) -> int:
    """At most one nudge message per NUDGE_EVERY; returns how many orders it lists."""
    now = store.now()
    async with store.transaction() as db:
        if await _throttled(db, now, policy.nudge_every):
            return 0
        items: list[dict[str, object]] = []
        for stage, status in _STAGES:
            limit = _limit(policy, stage)
            async with db.execute(
                _CANDIDATES,
                {
                    "status": status.value,
                    "cutoff": to_db(now - limit),
                    "again": to_db(now - policy.nudge_again_after),
                    "limit": MAX_LISTED,
                },
            ) as cur:
                rows = await cur.fetchall()
            for row in rows[: MAX_LISTED - len(items)]:
                items.append(
                    {
                        "order_id": row["id"],
                        "number": row["number"],
                        "stage": stage,
                        "since": row["since"],
                        "staff_message_id": row["staff_message_id"],
                    }
                )
        if not items:
            return 0
        await enqueue_staff(db, now, kind=Kind.STAFF_NUDGE, payload={"items": items})
        await db.executemany(
            "INSERT INTO staff_nudges (order_id, stage, nudged_at) VALUES (?, ?, ?)"
            " ON CONFLICT (order_id) DO UPDATE SET stage = excluded.stage,"
            " nudged_at = excluded.nudged_at",
            [(item["order_id"], _status_of(str(item["stage"])), to_db(now)) for item in items],
        )
        await db.execute(
            "INSERT INTO schedule_runs (name, last_at) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET last_at = excluded.last_at",
            (RUN_NAME, to_db(now)),
        )
    return len(items)


async def still_waiting(
    store: Store, items: list[dict[str, Any]], policy: Policy
) -> list[dict[str, Any]]:
    """Asked when a nudge is sent: the orders it listed that are still at their stage, grouped
    by stage with the stage's limit and how long each has waited (hours). Empty when every
    order has moved on."""
    now = store.now()
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        row = await store.fetchone("SELECT status FROM orders WHERE id = ?", (item["order_id"],))
        if row is None or row["status"] != _status_of(item["stage"]):
            continue
        hours = int((now - from_db(item["since"])).total_seconds() // 3600)
        groups.setdefault(item["stage"], []).append({"number": item["number"], "hours": hours})
    return [
        {
            "stage": stage,
            "limit_hours": int(_limit(policy, stage).total_seconds() // 3600),
            "orders": orders,
        }
        for stage, orders in groups.items()
    ]


def _status_of(stage: str) -> str:
    return next(status.value for name, status in _STAGES if name == stage)
