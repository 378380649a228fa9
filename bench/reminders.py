"""3,000 due payment reminders through the strict fake Bot API with its limits on (run by hand).

    .venv/bin/python bench/reminders.py [reminders]

The real Application (build_application: our rate limiter, the outbox sender) talks HTTP to
tests/fakebotapi with Telegram's limits enforced (30/s overall, 1/s per chat, 20/min per
group: 429 with retry_after past them). Reports the schedule pass that queues the reminders,
then the wall time of sending them against the bound (n / 30 s), and the 429s.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import build_application
from bot.settings import Settings
from domain.clock import FrozenClock, to_db
from domain.schedule.passes import run_due
from domain.schedule.policy import Policy
from domain.schedule.quiet_hours import QuietHours
from domain.store import Store
from tests.fakebotapi import FakeBotApi

STAFF = -1001234567890
OVERALL = 30.0
FIRST_USER = 100_000


def seed(path: Path, n: int, placed_at: datetime) -> None:
    """n customers, each with one unpaid transfer order placed at `placed_at`."""
    stamp = to_db(placed_at)
    db = sqlite3.connect(path)
    with db:
        db.execute(
            "INSERT INTO products (sku, name, category, price, stock, updated_at)"
            " VALUES ('KOPI', 'Kopi Gayo 250 g', 'Kopi', 85000, 1000000, ?)",
            (stamp,),
        )
        db.executemany(
            "INSERT INTO customers (user_id, first_name, language, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(FIRST_USER + i, f"C{i}", "id" if i % 3 else "en", stamp, stamp) for i in range(n)],
        )
        db.executemany(
            "INSERT INTO orders (id, number, user_id, status, payment_status, payment_method,"
            " customer_name, phone, address, shipping_code, shipping_name, shipping_fee,"
            " subtotal, total, created_at, updated_at, status_changed_at) VALUES"
            " (?, ?, ?, 'placed', 'unpaid', 'transfer', ?, '+6281234567890',"
            " 'Jl. Merdeka No. 1, Jakarta', 'reg', 'JNE REG', 15000, 85000, 100000, ?, ?, ?)",
            [
                (i + 1, f"B{i:05d}", FIRST_USER + i, f"Pelanggan {i}", stamp, stamp, stamp)
                for i in range(n)
            ],
        )
        db.executemany(
            "INSERT INTO order_lines (order_id, sku, name, unit_price, quantity)"
            " VALUES (?, 'KOPI', 'Kopi Gayo 250 g', 85000, 1)",
            [(i + 1,) for i in range(n)],
        )
        db.executemany(
            "INSERT INTO order_events (order_id, at, actor_id, actor_name, kind, to_status)"
            " VALUES (?, ?, ?, ?, 'status', 'placed')",
            [(i + 1, stamp, FIRST_USER + i, f"Pelanggan {i}") for i in range(n)],
        )
        db.execute("UPDATE products SET reserved = ?", (n,))
    db.close()


async def main(n: int) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    clock = FrozenClock(now)
    async with FakeBotApi(rate_limits=True) as tg:
        tg.group(STAFF, "Toko — Pesanan", bot_is_admin=True)
        for i in range(n):
            tg.user(FIRST_USER + i, f"C{i}")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.db"
            async with Store(path):  # migrations
                pass
            seed(path, n, now - timedelta(hours=7))
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None,
                bot_token=tg.token,
                staff_chat_id=STAFF,
                telegram_api_url=tg.url,
                database_path=path,
            )
            app = build_application(settings, clock=clock)
            deps = app.bot_data.shop
            await deps.store.ensure_open()
            await app.bot.initialize()

            policy = Policy(quiet=QuietHours.off(), batch=n)
            started = time.perf_counter()
            report = await run_due(deps.store, policy)
            queued = time.perf_counter() - started
            print(
                f"schedule pass: {report['payment_first']} reminders queued in {queued:.2f} s "
                f"(one transaction, marks and outbox rows together)"
            )

            calls_before = len(tg.calls_to("sendMessage"))
            started = time.perf_counter()
            sent = 0
            while sent < n:
                await app.bot_data.sender.run(app.bot)
                sent = len(tg.calls_to("sendMessage")) - calls_before - tg.count_429
                pending = await deps.store.fetchone(
                    "SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'"
                )
                if pending and pending["n"] == 0:
                    break
                await asyncio.sleep(0.05)
            elapsed = time.perf_counter() - started
            bound = n / OVERALL
            delivered = await deps.store.fetchone(
                "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'payment_reminder'"
                " AND state = 'sent' AND message_id IS NOT NULL"
            )
            limiter = app.bot.rate_limiter
            print(
                f"sent {delivered['n'] if delivered else 0} of {n} reminders in {elapsed:.1f} s "
                f"(bound {bound:.1f} s at {OVERALL:.0f}/s): {n / elapsed:.1f} msg/s = "
                f"{bound / elapsed:.2f} of the bound's rate"
            )
            print(
                f"429 answers from the fake server: {tg.count_429}; "
                f"seen by our limiter: {getattr(limiter, 'count_429', '?')}; "
                f"protocol violations: {len(tg.violations)}"
            )
            await app.bot.shutdown()
            await deps.store.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000))
