"""Abandoned carts: one reminder a day after the cart last changed, once per cart."""

from __future__ import annotations

from domain.outbox import Kind
from domain.schedule.policy import Policy, enqueue_customer
from domain.store import Store
from domain.store import schedule as schedule_rows


async def cart_reminders(store: Store, policy: Policy) -> int:
    """Remind about carts untouched for ABANDONED_CART_AFTER (not about ones so old that a
    reminder would be odd). A cart changed since its reminder is a new cart."""
    now = store.now()
    newest = now - policy.abandoned_cart_after
    oldest = now - policy.abandoned_cart_after - policy.cart_late_limit
    async with store.transaction() as db:
        rows = await schedule_rows.abandoned_carts(db, newest, oldest, policy.batch)
        for row in rows:
            if not row["reachable"]:
                outcome = "unreachable"
            elif not row["reminders_enabled"]:
                outcome = "opted_out"
            else:
                outcome = "sent"
                await enqueue_customer(
                    db,
                    policy,
                    now,
                    chat_id=row["user_id"],
                    kind=Kind.CART_REMINDER,
                    once_per=row["changed"],  # a cart changed since is reminded of again
                )
            await schedule_rows.log(db, "cart", row["user_id"], row["changed"], now, outcome)
    return len(rows)
