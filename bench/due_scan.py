"""The scan for due scheduled work over a store of 1,000,000 orders (run by hand).

    .venv/bin/python bench/due_scan.py [orders]

Builds a shop two years old (most orders long delivered, the last few days' orders at every
stage, surveys, delivery checks and reminder marks as earlier runs would have left them), then
times whole runs of domain.schedule.passes.run_due — every pass: what is due is found and handled in
the same run — and shows the query plans. Then drops the two indexes migration 003 adds for
the scans and times the runs again, to show what they are for.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.clock import FrozenClock, to_db
from domain.schedule import digest
from domain.schedule.passes import PASSES, run_due
from domain.schedule.policy import Policy
from domain.store import Store

DAYS = 730
CUSTOMERS = 100_000
PRODUCTS = 200


def build(path: Path, n: int, now: datetime) -> dict[str, int]:
    rnd = random.Random(4)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous = OFF")
    stamp = to_db(now)
    counts: dict[str, int] = {}
    with db:
        db.executemany(
            "INSERT INTO products (sku, name, category, price, stock, updated_at)"
            " VALUES (?, ?, 'Umum', 50000, ?, ?)",
            [(f"SKU{i:03d}", f"Produk {i}", rnd.randint(0, 500), stamp) for i in range(PRODUCTS)],
        )
        db.executemany(
            "INSERT INTO customers (user_id, first_name, created_at, updated_at)"
            " VALUES (?, ?, ?, ?)",
            [(10_000 + i, f"C{i}", stamp, stamp) for i in range(CUSTOMERS)],
        )
        orders, lines, events, surveys, checks, marks = [], [], [], [], [], []
        for i in range(n):
            age = timedelta(seconds=rnd.random() * DAYS * 86_400)
            created = now - age
            method, payment = "transfer", "paid"
            if age < timedelta(days=1):
                status, changed = "placed", created
                method, payment = rnd.choice(
                    [("transfer", "unpaid")] * 3
                    + [("transfer", "proof_submitted"), ("cod", "unpaid")]
                )
            elif age < timedelta(days=2):
                status, changed = rnd.choice(["verified", "packed"]), created + timedelta(hours=20)
            elif age < timedelta(days=6):
                status, changed = "shipped", created + timedelta(days=1, hours=6)
            else:
                status = rnd.choices(["delivered", "cancelled", "rejected"], [93, 5, 2])[0]
                changed = created + timedelta(days=4)
            counts[status] = counts.get(status, 0) + 1
            user = 10_000 + rnd.randrange(CUSTOMERS)
            orders.append(
                (i + 1, f"N{i:07d}", user, status, payment, method, to_db(created), to_db(changed))
            )
            events.append((i + 1, to_db(created), user, "status", "placed"))
            if status in ("placed", "verified", "packed", "shipped"):
                lines.append((i + 1, f"SKU{rnd.randrange(PRODUCTS):03d}"))
            awaiting = status == "placed" and payment == "unpaid" and method == "transfer"
            if awaiting and age > timedelta(hours=6):  # earlier runs reminded them already
                marks.append(("pay_first", i + 1, to_db(created), stamp, "sent"))
            if status == "shipped" and now - changed > timedelta(days=3):
                checks.append((i + 1, user, to_db(changed + timedelta(days=3))))
            if status == "delivered" and timedelta(days=2) < now - changed < timedelta(days=30):
                surveys.append((i + 1, user, to_db(changed + timedelta(days=2))))
        db.executemany(
            "INSERT INTO orders (id, number, user_id, status, payment_status, payment_method,"
            " customer_name, phone, address, shipping_code, shipping_name, shipping_fee,"
            " subtotal, total, created_at, updated_at, status_changed_at) VALUES"
            " (?, ?, ?, ?, ?, ?, 'Pelanggan', '+6281234567890', 'Jl. Merdeka No. 1, Jakarta',"
            " 'reg', 'JNE REG', 15000, 50000, 65000, ?, ?, ?)",
            [(o, num, u, s, p, m, c, ch, ch) for o, num, u, s, p, m, c, ch in orders],
        )
        db.executemany(
            "INSERT INTO order_events (order_id, at, actor_id, actor_name, kind, to_status)"
            " VALUES (?, ?, ?, 'Pelanggan', ?, ?)",
            events,
        )
        db.executemany(
            "INSERT INTO order_lines (order_id, sku, name, unit_price, quantity)"
            " VALUES (?, ?, 'Produk', 50000, 1)",
            lines,
        )
        db.execute(
            "UPDATE products SET stock = stock + 100000, reserved = (SELECT COUNT(*) FROM"
            " order_lines l JOIN orders o ON o.id = l.order_id WHERE l.sku = products.sku"
            " AND o.status IN ('placed', 'verified', 'packed'))"
        )
        db.executemany(
            "INSERT INTO schedule_log (kind, ref, version, done_at, outcome) VALUES (?,?,?,?,?)",
            marks,
        )
        db.executemany(
            "INSERT INTO delivery_checks (order_id, user_id, asked_at) VALUES (?, ?, ?)", checks
        )
        db.executemany(
            "INSERT INTO surveys (order_id, user_id, state, sent_at, closes_at)"
            " VALUES (?, ?, 'closed', ?, ?)",
            [(o, u, s, s) for o, u, s in surveys],
        )
        carts = [
            (10_000 + i, f"SKU{i % PRODUCTS:03d}", now - timedelta(hours=rnd.random() * 24 * 20))
            for i in range(0, CUSTOMERS, 20)
        ]
        db.executemany(
            "INSERT INTO cart_items (user_id, sku, quantity, added_at) VALUES (?, ?, 1, ?)",
            [(u, sku, to_db(at)) for u, sku, at in carts],
        )
        db.executemany(  # carts older than a day were reminded by earlier runs
            "INSERT INTO schedule_log (kind, ref, version, done_at, outcome)"
            " VALUES ('cart', ?, ?, ?, 'sent')",
            [(u, to_db(at), stamp) for u, _, at in carts if now - at > timedelta(days=1)],
        )
    db.execute("ANALYZE")
    db.close()
    return counts


async def timed_runs(store: Store, policy: Policy, runs: int) -> list[tuple[float, int]]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        report = await run_due(store, policy)
        out.append((time.perf_counter() - started, sum(report.values())))
    return out


async def per_pass(store: Store, policy: Policy) -> list[tuple[str, float]]:
    out = []
    for name, run in PASSES:
        started = time.perf_counter()
        await run(store, policy)
        out.append((name, (time.perf_counter() - started) * 1000))
    return out


async def main(n: int) -> None:
    now = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scan.db"
        async with Store(path):
            pass
        started = time.perf_counter()
        counts = build(path, n, now)
        size = path.stat().st_size / 1e6
        print(
            f"built {n:,} orders in {time.perf_counter() - started:.0f} s ({size:.0f} MB): "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
        )
        clock = FrozenClock(now)
        policy = Policy()
        async with Store(path, clock) as store:
            [(seconds, items)] = await timed_runs(store, policy, 1)
            print(f"first run (handles what is due now): {seconds * 1000:.0f} ms, {items} items")
            print(
                f"steady runs, one a minute (ms, items): "
                f"{await steady_runs(store, clock, policy, now + timedelta(minutes=1))}"
            )
            print(
                "per pass (ms): "
                + ", ".join(f"{k} {v:.1f}" for k, v in await per_pass(store, policy))
            )
            # An outage of a day: much is due at once; the cap (100 per pass) spreads it.
            clock.current = now + timedelta(days=1)
            backlog = []
            while True:
                [(seconds, items)] = await timed_runs(store, policy, 1)
                if not items:
                    break
                backlog.append((round(seconds * 1000), items))
                clock.current += timedelta(minutes=1)
            print(f"after a 1-day outage, runs until drained (ms, items): {backlog}")
            later = clock.current + timedelta(minutes=1)
            print(f"steady again (ms, items): {await steady_runs(store, clock, policy, later)}")
            print(f"daily digest figures: {await time_figures(store, now):.0f} ms")
            for sql in PLANS:
                plan = await store.fetchall("EXPLAIN QUERY PLAN " + sql, ("x",) * sql.count("?"))
                print(f"  plan: {sql[:60]}… → " + "; ".join(r["detail"] for r in plan))

        async with Store(path, clock) as store:
            async with store.transaction() as db:
                await db.execute("DROP INDEX orders_awaiting_payment")
                await db.execute("DROP INDEX orders_created")
            print(
                f"without migration 003's two order indexes: steady runs (ms, items) "
                f"{await steady_runs(store, clock, policy, later)}; "
                f"digest figures {await time_figures(store, now):.0f} ms"
            )


PLANS = (
    "SELECT id FROM orders WHERE status = 'placed' AND payment_method = 'transfer'"
    " AND payment_status = 'unpaid' AND created_at <= ?",
    "SELECT COUNT(*) FROM orders WHERE created_at >= ? AND created_at < ?",
)


async def steady_runs(
    store: Store, clock: FrozenClock, policy: Policy, start: datetime, runs: int = 5
) -> list[tuple[int, int]]:
    out = []
    for minute in range(runs):
        clock.current = start + timedelta(minutes=minute)
        [(seconds, items)] = await timed_runs(store, policy, 1)
        out.append((round(seconds * 1000), items))
    return out


async def time_figures(store: Store, now: datetime) -> float:
    started = time.perf_counter()
    await digest.figures(store.reader, (now - timedelta(days=1)).date(), Policy().zone)
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
