"""Unpaid bank-transfer orders: a reminder, a last one before expiry, then expiry.

The payment clock starts when the order is placed, or again when staff turn a receipt down
(the order is unpaid once more). Expiry cancels the order through the lifecycle, so its stock
is released in the same transaction, and tells the customer and the staff group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.actors import SYSTEM
from domain.clock import from_db, to_db
from domain.errors import AlreadyDone, StaleAction
from domain.models import Order, PaymentMethod, PaymentStatus, Status
from domain.ordering.order_reads import load_order
from domain.ordering.transitions import apply_transition
from domain.outbox import Kind
from domain.schedule.policy import Policy, enqueue_customer, enqueue_staff
from domain.schedule.quiet_hours import EVENING_MARGIN
from domain.store import Connection, Store
from domain.store import schedule as schedule_rows
from domain.store.schedule import AwaitingPayment

# The first reminder is dropped when the last one would follow it this closely (say, both
# held to the same morning by quiet hours): one reminder is enough.
MIN_GAP = timedelta(hours=2)


def still_awaiting(order: Order) -> bool:
    """Asked again when a reminder is sent: one held overnight by quiet hours is dropped once
    the order was paid, a receipt came in, or it was closed meanwhile."""
    return (
        order.status == Status.PLACED
        and order.payment_method == PaymentMethod.TRANSFER
        and order.payment_status == PaymentStatus.UNPAID
    )


@dataclass(frozen=True, slots=True)
class PaymentPlan:
    first: datetime | None
    last: datetime | None
    expires: datetime


def payment_plan(since: datetime, policy: Policy) -> PaymentPlan:
    """When to remind about an order whose payment clock started at `since`.

    The first reminder waits out quiet hours; the last one is pulled before them, so it
    still comes before expiry.
    """
    expires = since + policy.payment_expire_after
    first: datetime | None = policy.quiet.defer(since + policy.payment_reminder_after)
    last: datetime | None = policy.quiet.advance(expires - policy.payment_last_before)
    if last is not None and (last <= since or last >= expires):
        last = None
    if first is not None and (first >= expires or (last is not None and last - first < MIN_GAP)):
        first = None
    return PaymentPlan(first, last, expires)


async def expire_unpaid(store: Store, policy: Policy) -> int:
    """Cancel transfer orders unpaid for PAYMENT_EXPIRE_AFTER; one staff message per run."""
    now = store.now()
    async with store.transaction() as db:
        until = now - policy.payment_expire_after
        rows = await schedule_rows.awaiting_payment(db, until, policy.batch)
        expired: list[int] = []
        for row in rows:
            order = await load_order(db, row.id)
            # The customer hears it from the expiry message below (it explains why). The
            # transition is the compare-and-set: an order another run (or a payment) moved
            # first is left alone, nothing written for it.
            try:
                await apply_transition(
                    db, order, Status.CANCELLED, SYSTEM, now, notify_customer=False
                )
            except (AlreadyDone, StaleAction):
                continue
            if row.reachable:
                await enqueue_customer(
                    db,
                    policy,
                    now,
                    chat_id=order.user_id,
                    kind=Kind.PAYMENT_EXPIRED,
                    order_id=order.id,
                )
            expired.append(order.id)
        if expired:
            await enqueue_staff(
                db, now, kind=Kind.PAYMENT_EXPIRED_STAFF, payload={"orders": expired}
            )
    return len(expired)


async def last_reminders(store: Store, policy: Policy) -> int:
    """The last reminder before expiry (it supersedes a first one not sent yet)."""
    now = store.now()
    # The plan may pull the last reminder before quiet hours: look that much further back.
    reach = policy.quiet.length + EVENING_MARGIN
    until = now - policy.payment_expire_after + policy.payment_last_before + reach
    handled = 0
    async with store.transaction() as db:
        # Not-yet-due candidates are skipped, not counted: read the whole (small) window.
        window = await schedule_rows.awaiting_payment(db, until, policy.batch * 20, "pay_last")
        for row in window:
            if handled >= policy.batch:
                break
            since = from_db(row.since)
            plan = payment_plan(since, policy)
            if plan.last is not None and plan.last > now:
                continue
            outcome = await _remind(db, policy, now, row, Kind.PAYMENT_LAST, plan, plan.last)
            await schedule_rows.log(db, "pay_last", row.id, row.since, now, outcome)
            await schedule_rows.log(db, "pay_first", row.id, row.since, now, "superseded")
            handled += 1
    return handled


async def first_reminders(store: Store, policy: Policy) -> int:
    """The first reminder, PAYMENT_REMINDER_AFTER after the payment clock started."""
    now = store.now()
    until = now - policy.payment_reminder_after
    async with store.transaction() as db:
        rows = await schedule_rows.awaiting_payment(db, until, policy.batch, "pay_first")
        for row in rows:
            plan = payment_plan(from_db(row.since), policy)
            outcome = await _remind(db, policy, now, row, Kind.PAYMENT_REMINDER, plan, plan.first)
            await schedule_rows.log(db, "pay_first", row.id, row.since, now, outcome)
    return len(rows)


async def _remind(
    db: Connection,
    policy: Policy,
    now: datetime,
    row: AwaitingPayment,
    kind: Kind,
    plan: PaymentPlan,
    planned: datetime | None,
) -> str:
    """Queue one reminder unless the plan or the customer says no; returns the outcome."""
    if planned is None:
        return "not_needed"
    if not row.reachable:
        return "unreachable"
    if not row.reminders_enabled:
        return "opted_out"
    await enqueue_customer(
        db,
        policy,
        now,
        chat_id=row.user_id,
        kind=kind,
        order_id=row.id,
        payload={"expires_at": to_db(plan.expires)},
        once_per=row.since,  # an order awaiting payment again is reminded again
    )
    return "sent"
