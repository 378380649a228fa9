"""What the shared rate budget costs per send on PostgreSQL (run by hand).

    .venv/bin/python -m bench ratebudget [sends]

Each worker's SharedRateLimiter takes a place in the database before every counted request
(one short transaction under the budget's advisory lock) and records the answer after it
(one statement). Timed here: the reservation and the answer's update alone, limits lifted so
nothing waits, with 1 and with 3 workers (Store-like budgets on their own connections)
reserving at once, each `sends` (2000) times over distinct private chats. A throwaway
PostgreSQL comes from tests/postgres.py (or TEST_DATABASE_URL).
"""

from __future__ import annotations

import asyncio
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.store.rate_budget import RateBudget, Window
from tests.postgres import SERVER

LIFTED = Window(10**9, 1.0)
CHAT = Window(1, 1.0)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


async def worker(url: str, n: int, first_chat: int) -> tuple[list[float], list[float]]:
    budget = await RateBudget(url, keep=60.0).open()
    reserve, release = [], []
    try:
        for i in range(n):
            t0 = time.perf_counter()
            got = await budget.reserve(str(first_chat + i), LIFTED, CHAT)
            t1 = time.perf_counter()
            assert got.place is not None
            await budget.release(got.place)
            t2 = time.perf_counter()
            reserve.append(t1 - t0)
            release.append(t2 - t1)
    finally:
        await budget.close()
    return reserve, release


def line(label: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"  {label:<22} p50 {percentile(ms, 50):6.2f} ms   p99 {percentile(ms, 99):6.2f} ms"


async def main(sends: int = 2000) -> None:
    if not await asyncio.to_thread(SERVER.start):  # it runs its own event loop
        print(f"no PostgreSQL: {SERVER.reason}")
        return
    try:
        for workers in (1, 3):
            url = SERVER.create()
            try:
                start = time.perf_counter()
                results = await asyncio.gather(
                    *(worker(url, sends, 10_000 * (w + 1)) for w in range(workers))
                )
                took = time.perf_counter() - start
            finally:
                SERVER.drop(url)
            reserve = [v for r, _ in results for v in r]
            release = [v for _, r in results for v in r]
            print(f"{workers} worker(s), {sends} sends each: {workers * sends / took:,.0f} sends/s")
            print(line("reserve (transaction)", reserve))
            print(line("answer (one UPDATE)", release))
    finally:
        SERVER.stop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
