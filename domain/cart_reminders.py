"""Abandoned carts: one reminder a day after the cart last changed, once per cart."""

from __future__ import annotations

from domain.clock import to_db
from domain.outbox import Kind
from domain.schedule_policy import Policy, enqueue_customer
from domain.store import Store, fetchall


async def cart_reminders(store: Store, policy: Policy) -> int:
    """Remind about carts untouched for ABANDONED_CART_AFTER (not about ones so old that a
    reminder would be odd). A cart changed since its reminder is a new cart."""
    now = store.now()
    newest = to_db(now - policy.abandoned_cart_after)
    oldest = to_db(now - policy.abandoned_cart_after - policy.cart_late_limit)
    async with store.transaction() as db:
        rows = await fetchall(
            db,
            "SELECT k.user_id, k.changed, c.reminders_enabled, c.reachable FROM ("
            "  SELECT user_id, MAX(added_at) AS changed FROM cart_items GROUP BY user_id"
            "  HAVING changed <= ? AND changed > ?"
            ") k JOIN customers c ON c.user_id = k.user_id"
            " WHERE NOT EXISTS (SELECT 1 FROM schedule_log l"
            "  WHERE l.kind = 'cart' AND l.ref = k.user_id AND l.version = k.changed)"
            " ORDER BY k.changed LIMIT ?",
            (newest, oldest, policy.batch),
        )
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
                    dedupe_key=f"cart_reminder:{row['user_id']}:{row['changed']}",
                )
            await db.execute(
                "INSERT INTO schedule_log (kind, ref, version, done_at, outcome)"
                " VALUES ('cart', ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (row["user_id"], row["changed"], to_db(now), outcome),
            )
    return len(rows)
