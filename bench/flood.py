"""One customer floods the bot while 50 others say /start (run by hand).

    .venv/bin/python -m bench flood [burst]

The real Application (build_application: update processor, flood control, our rate limiter)
long-polls tests/fakebotapi with Telegram's limits enforced (30/s overall, 1/s per chat).
One user sends `burst` (300) messages at once; then 50 others each send /start, arriving
evenly over 2.5 s (20 a second, within Telegram's 30/s overall), and once more all at the
same instant. Reported: the others' first-reply latency p50/p99 (send to reply reaching the
server), and what became of the flooder's messages; with flood control on (the defaults,
20 per 10 s) and off (FLOOD_LIMIT=0).
"""

from __future__ import annotations

import asyncio
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.ratelimit import TelegramRateLimiter
from bot.updates import ChatOrderedProcessor
from tests.e2e.harness import RunningBot, make_settings
from tests.fakebotapi import FakeBotApi

OTHERS = 50
FLOODER = 900_000
FIRST_OTHER = 910_000
SLOW_DOWN = ("Pelan-pelan", "slow down")
SPREAD = 2.5  # seconds over which the others arrive


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def unthrottle(tg: FakeBotApi, limiter: TelegramRateLimiter) -> None:
    """After measuring: let the flooder's backlog drain at once so the run can stop (with
    flood control off it is 300 replies at 1 a second). Bench only: it reaches inside."""
    tg.set_rate_limits(False)
    for window in [limiter._overall, *limiter._chats.values()]:
        window.limit = 10**9
    limiter._chat_rate = limiter._group_rate = 1e9


async def one_run(burst: int, *, flood_limit: int, spread: float) -> None:
    async with FakeBotApi(rate_limits=True) as tg:
        with tempfile.TemporaryDirectory() as tmp:
            settings = make_settings(
                tg,
                Path(tmp) / "bench.db",
                rate_limit_overall_per_second=30,
                rate_limit_chat_per_second=1,
                rate_limit_group_per_minute=20,
                flood_limit=flood_limit,
            )
            bot = RunningBot(tg, settings)
            await bot.seed()
            await bot.start()
            assert bot.app is not None
            processor = bot.app.update_processor
            assert isinstance(processor, ChatOrderedProcessor)
            limiter = bot.app.bot.rate_limiter
            assert isinstance(limiter, TelegramRateLimiter)

            flooder = tg.user(FLOODER, "Banjir")
            others = [tg.user(FIRST_OTHER + i, f"P{i}") for i in range(OTHERS)]
            started = time.perf_counter()
            for i in range(burst):
                await tg.send_text(flooder, f"halo {i}")

            async def first_reply(index: int) -> float:
                await asyncio.sleep(spread * index / OTHERS)
                user = others[index]
                sent = time.perf_counter()
                await tg.send_text(user, "/start")
                await tg.wait_bot_message(user, timeout=120)
                return time.perf_counter() - sent

            latencies = await asyncio.gather(*(first_reply(i) for i in range(OTHERS)))
            elapsed = time.perf_counter() - started
            flood_texts = [m.text or "" for m in tg.bot_messages(flooder)]
            replied_meanwhile = sum(not t.startswith(SLOW_DOWN) for t in flood_texts)

            unthrottle(tg, limiter)
            await bot.stop()
            flood_texts = [m.text or "" for m in tg.bot_messages(flooder)]
            notes = sum(t.startswith(SLOW_DOWN) for t in flood_texts)
            handled = burst - processor.dropped
            arrival = "at once" if spread == 0 else f"over {spread:g} s"
            mode = (
                f"flood control {flood_limit} per {settings.flood_window_seconds:g} s"
                if flood_limit
                else "flood control off"
            )
            print(
                f"{mode}; {OTHERS} others' /start {arrival}: first reply "
                f"p50 {percentile(latencies, 50) * 1000:.0f} ms, "
                f"p99 {percentile(latencies, 99) * 1000:.0f} ms, "
                f"max {max(latencies) * 1000:.0f} ms (all answered {elapsed:.1f} s after the "
                f"burst began)"
            )
            print(
                f"  flooder's {burst}: {handled} handled, {processor.dropped} dropped, "
                f"{notes} slow-down note(s); {replied_meanwhile} answered by then, the rest "
                f"of the handled ones queued in their own chat at 1/s"
            )
            print(f"  429 answers: {tg.count_429}; protocol violations: {len(tg.violations)}")


async def main(burst: int) -> None:
    await one_run(burst, flood_limit=20, spread=SPREAD)
    await one_run(burst, flood_limit=0, spread=SPREAD)
    await one_run(burst, flood_limit=20, spread=0)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 300))
