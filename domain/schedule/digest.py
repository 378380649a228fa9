"""The daily digest for the staff group at DIGEST_AT in the shop's zone: yesterday's orders and
total sales (as /laporan counts them), what waits at each stage now, and low stock. Once per
local day; a bot that was down at DIGEST_AT sends that day's digest when it is back (not the
days it missed)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.clock import from_db
from domain.outbox import Kind
from domain.reports.periods import Period
from domain.reports.sales import sales_report
from domain.schedule.policy import Policy, enqueue_staff
from domain.store import Connection, Store
from domain.store import refunds as refund_rows
from domain.store import reports as report_rows

MAX_LOW_STOCK = 15
MAX_REFUNDS = 15


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day, in UTC."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


async def figures(db: Connection, day: date, zone: ZoneInfo) -> dict[str, Any]:
    """The digest's numbers for `day` (a local date) and the state of the shop now. Its
    revenue is the day's total sales as /laporan defines them (domain/reports/sales.py)."""
    start, end = day_bounds(day, zone)
    placed = await report_rows.placed_between(db, start, end)
    sales = (await sales_report(db, Period("day", day, day, zone))).sales
    done = await report_rows.closed_between(db, start, end)
    waiting = await report_rows.open_by_stage(db)
    low = await report_rows.low_stock(db)
    return {
        "day": day.isoformat(),
        "orders": placed["n"] if placed else 0,
        "kept": placed["kept"] if placed else 0,
        "revenue": sales.total,
        "delivered": done.get("delivered", 0),
        "cancelled": done.get("cancelled", 0) + done.get("rejected", 0),
        "waiting": waiting,
        "low_stock": [
            {"sku": r["sku"], "name": r["name"], "available": max(r["available"], 0)}
            for r in low[:MAX_LOW_STOCK]
        ],
        "low_stock_more": max(len(low) - MAX_LOW_STOCK, 0),
    }


async def refunds_overdue(db: Connection, now: datetime, policy: Policy) -> list[dict[str, Any]]:
    """Refunds due (bank details awaited or ready to transfer) for longer than
    REFUND_DIGEST_AFTER (48 h), the longest waiting first (issue 9)."""
    statuses = ["awaiting_details", "ready"]
    rows = await refund_rows.by_status(
        db, statuses, now - policy.refund_digest_after, MAX_REFUNDS + 1
    )
    return [
        {
            "number": r["order_number"],
            "amount": r["amount"],
            "status": r["status"],
            "hours": int((now - from_db(r["status_changed_at"])).total_seconds() // 3600),
        }
        for r in rows[:MAX_REFUNDS]
    ]


async def daily_digest(store: Store, policy: Policy) -> int:
    """Queue today's digest once DIGEST_AT has passed in the shop's zone."""
    now = store.now()
    local = now.astimezone(policy.zone)
    if local.time() < policy.digest_at:
        return 0
    today = local.date()
    async with store.transaction() as db:
        if not await report_rows.claim_digest_day(db, today, now):
            return 0
        yesterday = today - timedelta(days=1)
        installed = await report_rows.installed_at(db)
        if installed and installed >= day_bounds(yesterday, policy.zone)[1]:
            return 0  # a shop set up today has no yesterday to report (marked done all the same)
        payload = await figures(db, yesterday, policy.zone)
        payload["refunds_overdue"] = await refunds_overdue(db, now, policy)
        await enqueue_staff(
            db, now, kind=Kind.DAILY_DIGEST, payload=payload, dedupe_key=f"digest:{today}"
        )
    return 1
