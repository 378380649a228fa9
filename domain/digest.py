"""The daily digest for the staff group at DIGEST_AT in the shop's zone: yesterday's orders and
revenue, what waits at each stage now, and low stock. Once per local day; a bot that was down
at DIGEST_AT sends that day's digest when it is back (not the days it missed)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from domain.clock import from_db, to_db
from domain.outbox import Kind
from domain.schedule_policy import Policy, enqueue_staff
from domain.store import Store, fetchall, fetchone

MAX_LOW_STOCK = 15


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day, in UTC."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


async def figures(db: aiosqlite.Connection, day: date, zone: ZoneInfo) -> dict[str, Any]:
    """The digest's numbers for `day` (a local date) and the state of the shop now."""
    start, end = (to_db(t) for t in day_bounds(day, zone))
    placed = await fetchone(
        db,
        "SELECT COUNT(*) AS n,"
        " COALESCE(SUM(CASE WHEN status NOT IN ('cancelled', 'rejected') THEN total END), 0)"
        " AS revenue,"
        " COUNT(CASE WHEN status NOT IN ('cancelled', 'rejected') THEN 1 END) AS kept"
        " FROM orders WHERE created_at >= ? AND created_at < ?",
        (start, end),
    )
    moved = await fetchall(
        db,
        "SELECT status, COUNT(*) AS n FROM orders WHERE status IN"
        " ('delivered', 'cancelled', 'rejected') AND status_changed_at >= ?"
        " AND status_changed_at < ? GROUP BY status",
        (start, end),
    )
    waiting = await fetchall(
        db,
        "SELECT CASE WHEN status = 'placed' AND payment_method = 'transfer'"
        " AND payment_status = 'unpaid' THEN 'payment' ELSE status END AS stage,"
        " COUNT(*) AS n FROM orders"
        " WHERE status IN ('placed', 'verified', 'packed', 'shipped') GROUP BY stage",
    )
    low = await fetchall(
        db,
        "SELECT sku, name, stock - reserved AS available, low_stock_threshold FROM products"
        " WHERE active = 1 AND stock - reserved <= low_stock_threshold"
        " ORDER BY stock - reserved, name",
    )
    done = {r["status"]: r["n"] for r in moved}
    return {
        "day": day.isoformat(),
        "orders": placed["n"] if placed else 0,
        "kept": placed["kept"] if placed else 0,
        "revenue": placed["revenue"] if placed else 0,
        "delivered": done.get("delivered", 0),
        "cancelled": done.get("cancelled", 0) + done.get("rejected", 0),
        "waiting": {r["stage"]: r["n"] for r in waiting},
        "low_stock": [
            {"sku": r["sku"], "name": r["name"], "available": max(r["available"], 0)}
            for r in low[:MAX_LOW_STOCK]
        ],
        "low_stock_more": max(len(low) - MAX_LOW_STOCK, 0),
    }


async def daily_digest(store: Store, policy: Policy) -> int:
    """Queue today's digest once DIGEST_AT has passed in the shop's zone."""
    now = store.now()
    local = now.astimezone(policy.zone)
    if local.time() < policy.digest_at:
        return 0
    today = local.date()
    async with store.transaction() as db:
        cur = await db.execute(
            "INSERT INTO digests (day, sent_at) VALUES (?, ?) ON CONFLICT (day) DO NOTHING",
            (today.isoformat(), to_db(now)),
        )
        if cur.rowcount != 1:
            return 0
        yesterday = today - timedelta(days=1)
        installed = await fetchone(
            db, "SELECT applied_at FROM schema_migrations WHERE version = 1"
        )
        if installed and from_db(installed["applied_at"]) >= day_bounds(yesterday, policy.zone)[1]:
            return 0  # a shop set up today has no yesterday to report (marked done all the same)
        payload = await figures(db, yesterday, policy.zone)
        await enqueue_staff(
            db, now, kind=Kind.DAILY_DIGEST, payload=payload, dedupe_key=f"digest:{today}"
        )
    return 1
