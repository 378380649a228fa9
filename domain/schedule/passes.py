"""One run of the scheduled follow-up over everything that is due.

Due times are derived from what the store already records (when an order was placed, when it
reached its status, when a cart last changed) plus the policy, and each pass marks what it
handled in the same transaction as the outbox rows it writes. So a run after an outage finds
everything that fell due meanwhile and sends each once; `batch` caps every pass per run, so a
large backlog is spread over several runs instead of flooding anyone.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from domain.schedule import (
    aftersales,
    cart_reminders,
    delivery_checks,
    digest,
    nudges,
    payment_reminders,
    surveys,
)
from domain.schedule.policy import Policy
from domain.store import Store

log = logging.getLogger(__name__)

Pass = Callable[[Store, Policy], Awaitable[int]]

# In the order that lets a later pass see what an earlier one changed: expiry before the
# reminders it makes pointless, the last reminder before the first, delivery before surveys.
PASSES: list[tuple[str, Pass]] = [
    ("payment_expired", payment_reminders.expire_unpaid),
    ("payment_last", payment_reminders.last_reminders),
    ("payment_first", payment_reminders.first_reminders),
    ("cart", cart_reminders.cart_reminders),
    ("auto_delivered", delivery_checks.auto_deliver),
    ("delivery_recheck", delivery_checks.ask_again),
    ("delivery_check", delivery_checks.ask),
    ("survey", surveys.start_surveys),
    ("staff_nudge", nudges.nudge_staff),
    ("aftersales_nudge", aftersales.staff_nudges),
    ("aftersales_reminder", aftersales.customer_reminders),
    ("digest", digest.daily_digest),
]


async def run_due(store: Store, policy: Policy) -> dict[str, int]:
    """One run of every pass; how many items each handled. A failing pass is logged and the
    others still run (its work stays due for the next run)."""
    report: dict[str, int] = {}
    for name, run in PASSES:
        try:
            report[name] = await run(store, policy)
        except Exception:
            log.exception("scheduled pass %s failed; it will be retried next run", name)
            report[name] = 0
    return report
