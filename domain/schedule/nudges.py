"""Staff nudges: orders waiting at a stage longer than its limit, listed together in one group
message per run; an order is not listed again until it moves on or a day has passed.

Waiting for verification counts only orders the staff can act on (cash on delivery, or a
transfer with a receipt or marked paid), from when that became so; an unpaid transfer
waits for the customer, whom the payment reminders chase instead.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.clock import from_db
from domain.models import Status
from domain.outbox import Kind
from domain.schedule.policy import Policy, enqueue_staff
from domain.store import Store
from domain.store import schedule as schedule_rows

# One message lists at most this many orders; the rest come in the next run.
MAX_LISTED = 30
RUN_NAME = "staff_nudge"

_STAGES: tuple[tuple[str, Status], ...] = (
    ("verification", Status.PLACED),
    ("packing", Status.VERIFIED),
    ("shipment", Status.PACKED),
)

def _limit(policy: Policy, stage: str) -> timedelta:
    return {
        "verification": policy.verification_limit,
        "packing": policy.packing_limit,
        "shipment": policy.shipment_limit,
    }[stage]


async def nudge_staff(store: Store, policy: Policy) -> int:
    """At most one nudge message per NUDGE_EVERY; returns how many orders it lists."""
    now = store.now()
    async with store.transaction() as db:
        last = await schedule_rows.last_run(db, RUN_NAME)
        if last is not None and last > now - policy.nudge_every:
            return 0
        # Taken first (compare-and-set on the last run): a second run at the same moment
        # finds this one's. Nothing to list is not a run (the next look may find some).
        if not await schedule_rows.claim_run(db, RUN_NAME, now, last):
            return 0
        items: list[dict[str, object]] = []
        listed: list[tuple[int, str]] = []  # (order id, status) as the nudge lists them
        for stage, status in _STAGES:
            limit = _limit(policy, stage)
            again = now - policy.nudge_again_after
            rows = await schedule_rows.waiting_on_staff(
                db, status.value, now - limit, again, MAX_LISTED
            )
            for row in rows[: MAX_LISTED - len(items)]:
                listed.append((row["id"], status.value))
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
            await schedule_rows.unclaim_run(db, RUN_NAME, now, last)
            return 0
        await enqueue_staff(db, now, kind=Kind.STAFF_NUDGE, payload={"items": items})
        await schedule_rows.record_nudges(db, listed, now)
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
        status = await schedule_rows.order_status(store.reader, item["order_id"])
        if status != _status_of(item["stage"]):
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
