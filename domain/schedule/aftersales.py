"""After-sales follow-up (issue 9, part C): a staff nudge for a complaint waiting for a
decision or a refund still due, and a reminder to a customer who owes a return shipment or
bank details. Each is queued once per wait: its dedupe key names the complaint or refund and
when it reached its status, so one that waits again (say, more evidence came in) is nudged
again. Customer reminders wait out quiet hours like the others; staff nudges do not.

The reminders are about what the customer must still do to get their money or goods back,
so they go even to a customer who turned the shopping reminders off.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain import outbox
from domain.aftersales import reads
from domain.clock import to_db
from domain.outbox import Kind
from domain.schedule.policy import Policy
from domain.store import Connection, Store


def _hours(span: timedelta) -> int:
    return int(span.total_seconds() // 3600)


async def _queue(
    db: Connection, now: datetime, key: str, order_id: int, payload: dict[str, Any],
    *, chat_id: int | None = None, not_before: datetime | None = None,
) -> int:
    """1 when queued now, 0 when this key was queued before."""
    added = await outbox.enqueue(
        db,
        audience="staff" if chat_id is None else "customer",
        kind=Kind.COMPLAINT_NUDGE if chat_id is None else Kind.AFTERSALES_REMINDER,
        chat_id=chat_id, order_id=order_id, payload=payload, now=now,
        not_before=not_before, dedupe_key=key,
    )
    return 0 if added is None else 1


async def staff_nudges(store: Store, policy: Policy) -> int:
    """A COMPLAINT_NUDGE for each complaint waiting for staff longer than
    policy.complaint_nudge_after (24 h) and each refund due (details given or not) longer
    than policy.refund_nudge_after (48 h); how many were queued by this run."""
    waiting = await reads.waiting_for_staff(store, policy.complaint_nudge_after, policy.batch)
    due = await reads.refunds_overdue(store, policy.refund_nudge_after, policy.batch)
    now = store.now()
    queued = 0
    async with store.transaction() as db:
        for c in waiting:
            key = f"nudge:complaint:{c.id}:{to_db(c.status_changed_at)}"
            payload = {"what": "complaint", "hours": _hours(policy.complaint_nudge_after),
                       "complaint_id": c.id}
            queued += await _queue(db, now, key, c.order_id, payload)
        for r in due:
            key = f"nudge:refund:{r.id}:{to_db(r.status_changed_at)}"
            payload = {"what": "refund", "hours": _hours(policy.refund_nudge_after),
                       "refund_id": r.id}
            queued += await _queue(db, now, key, r.order_id, payload)
    return queued


async def customer_reminders(store: Store, policy: Policy) -> int:
    """An AFTERSALES_REMINDER to each customer who owes a return shipment or bank details
    for longer than policy.aftersales_reminder_after (24 h), held until morning in quiet
    hours; how many were queued by this run."""
    after = policy.aftersales_reminder_after
    returns = await reads.owing_return_shipment(store, after, policy.batch)
    details = await reads.owing_bank_details(store, after, policy.batch)
    now = store.now()
    not_before = policy.quiet.defer(now)
    queued = 0
    async with store.transaction() as db:
        for c in returns:
            key = f"{Kind.AFTERSALES_REMINDER}:return:{c.id}:{to_db(c.status_changed_at)}"
            payload = {"what": "return_shipment", "complaint_id": c.id}
            queued += await _queue(db, now, key, c.order_id, payload, chat_id=c.user_id,
                                   not_before=not_before)
        for r in details:
            key = f"{Kind.AFTERSALES_REMINDER}:bank:{r.id}:{to_db(r.status_changed_at)}"
            payload = {"what": "bank_details", "refund_id": r.id}
            queued += await _queue(db, now, key, r.order_id, payload, chat_id=r.user_id,
                                   not_before=not_before)
    return queued
