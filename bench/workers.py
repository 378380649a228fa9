"""Updates handled per second by 1, 2 and 4 webhook workers on PostgreSQL, and by one process
on SQLite; and what the inbox costs per update (run by hand).

    .venv/bin/python -m bench workers [updates]

Each worker is a real `python -m bot` (bench/worker_process.py) in webhook mode behind
tests/fakebotapi's Balancer, which forwards each update to a worker drawn at random; the fake
Bot API posts updates as Telegram does (up to 40 at once, one chat's next only after its
previous was answered). Outbound rate limits are lifted, so handling is what is timed.
PostgreSQL is a throwaway server (tests/postgres.py), fsync off. Every update is
`/track <a number of its own>`: a read, a rendered reply (sendMessage), the update stored,
claimed and marked done by the inbox.

- throughput: `updates` (2,000) from 200 chats queued at once; updates/s from the first post
  to the last reply;
- latency: 20 chats, each sending its next update when the previous one's reply arrived
  (a light load); p50/p99 from the update reaching the fake Telegram (it posts at once) to
  its reply arriving there.

The inbox's cost: the same runs with one process built with `use_inbox=False` (BENCH_INBOX=off:
updates handled from memory, as python-telegram-bot does by itself), on each engine.
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.processes import STAFF_CHAT_ID, Fleet, seed_catalog, webhook_worker
from tests.fakebotapi import Balancer, FakeBotApi, FakeUser
from tests.postgres import SERVER

THROUGHPUT_CHATS = 200
LATENCY_CHATS = 20
LATENCY_ROUNDS = 15  # updates per chat in the latency run: 300 in all
WAIT = 300.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


class Replies:
    """Counts the bot's replies carrying a bench tag, reading only calls not seen yet."""

    def __init__(self, tg: FakeBotApi) -> None:
        self.tg = tg
        self.seen = 0
        self.tags: set[str] = set()

    def count(self) -> int:
        calls = self.tg.calls
        for name, params in calls[self.seen:]:
            if name == "sendMessage" and "tidak ditemukan" in params.get("text", ""):
                self.tags.add(params["text"].split("<b>", 1)[1].split("</b>", 1)[0])
        self.seen = len(calls)
        return len(self.tags)

    def has(self, tag: str) -> Callable[[], bool]:
        def replied() -> bool:
            self.count()
            return tag in self.tags

        return replied


@dataclass
class Result:
    label: str
    per_second: float
    p50_ms: float
    p99_ms: float
    load: str


async def one_config(label: str, database: Path | str, workers: int, updates: int,
                     folder: Path, *, inbox: bool = True) -> Result:
    await seed_catalog(database)
    fleet = Fleet(folder)
    async with FakeBotApi() as tg, Balancer(seed=1) as lb:
        tg.deliver_concurrently(40, window=40, seed=1)
        tg.group(STAFF_CHAT_ID, "Toko — Pesanan", bot_is_admin=True)
        procs = [
            webhook_worker(fleet, f"{label}-w{n}", tg, database, lb.url,
                           module="bench.worker_process", LOG_LEVEL="WARNING",
                           BENCH_INBOX="on" if inbox else "off", INBOX_LEASE="30s")
            for n in range(workers)
        ]
        lb.workers = [p.url for p in procs]
        replies = Replies(tg)
        try:
            await asyncio.gather(*(p.start() for p in procs))
            await asyncio.gather(*(p.wait_ready(tg) for p in procs))
            users = [tg.user(40_000 + i, f"P{i}") for i in range(THROUGHPUT_CHATS)]
            # Warm up: one update per worker's worth, so imports and first queries are done.
            for i, user in enumerate(users[: 4 * workers]):
                await tg.send_text(user, f"/track W{i}")
            await tg.wait_for(lambda: replies.count() >= 4 * workers, WAIT, "warm-up")

            # Throughput: everything queued at once.
            per_chat = max(1, updates // THROUGHPUT_CHATS)
            began = time.perf_counter()
            for k in range(per_chat):
                for i, user in enumerate(users):
                    await tg.send_text(user, f"/track T{i}X{k}")
            want = 4 * workers + per_chat * len(users)
            await tg.wait_for(lambda: replies.count() >= want, WAIT, "every reply")
            per_second = per_chat * len(users) / (time.perf_counter() - began)

            # Latency: a light, steady load.
            async def chat(user: FakeUser, i: int) -> list[float]:
                took = []
                for k in range(LATENCY_ROUNDS):
                    tag = f"L{i}X{k}"
                    sent = time.perf_counter()
                    await tg.send_text(user, f"/track {tag}")
                    await tg.wait_for(replies.has(tag.upper()), WAIT, tag)
                    took.append(time.perf_counter() - sent)
                return took

            runs = await asyncio.gather(*(chat(u, i) for i, u in enumerate(users[:LATENCY_CHATS])))
            latencies = [t for run in runs for t in run]
        finally:
            await fleet.stop_all()
    one = os.getloadavg()[0]
    return Result(label, per_second, percentile(latencies, 50) * 1000,
                  percentile(latencies, 99) * 1000, f"load {one:.1f}")


async def main(updates: int) -> None:
    print(f"{os.cpu_count()} cores; load before: {os.getloadavg()[0]:.1f}")
    if not await asyncio.to_thread(SERVER.start):  # it runs its own event loop
        print(f"no PostgreSQL: {SERVER.reason}")
        return
    results: list[Result] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            configs: list[tuple[str, str, int, bool]] = [
                ("sqlite, 1 process", "sqlite", 1, True),
                ("sqlite, 1 process, no inbox", "sqlite", 1, False),
                ("postgresql, 1 worker", "postgresql", 1, True),
                ("postgresql, 1 worker, no inbox", "postgresql", 1, False),
                ("postgresql, 2 workers", "postgresql", 2, True),
                ("postgresql, 4 workers", "postgresql", 4, True),
            ]
            for n, (label, engine, workers, inbox) in enumerate(configs):
                database: Path | str
                database = folder / f"bench{n}.db" if engine == "sqlite" else SERVER.create()
                try:
                    result = await one_config(f"c{n}", database, workers, updates, folder,
                                              inbox=inbox)
                finally:
                    if isinstance(database, str):
                        SERVER.drop(database)
                result.label = label
                results.append(result)
                print(f"{label:<32} {result.per_second:7.0f} updates/s   latency p50 "
                      f"{result.p50_ms:5.0f} ms  p99 {result.p99_ms:5.0f} ms   ({result.load})",
                      flush=True)
    finally:
        SERVER.stop()
    by = {r.label: r for r in results}
    for engine, worker in (("sqlite", "process"), ("postgresql", "worker")):
        on, off = by.get(f"{engine}, 1 {worker}"), by.get(f"{engine}, 1 {worker}, no inbox")
        if on and off:
            change = (1 - on.per_second / off.per_second) * 100
            print(f"inbox on {engine}: {on.p50_ms - off.p50_ms:+.0f} ms p50, "
                  f"{on.p99_ms - off.p99_ms:+.0f} ms p99 per update; "
                  f"{on.per_second:.0f} vs {off.per_second:.0f} updates/s "
                  f"({abs(change):.0f} % {'fewer' if change >= 0 else 'more'})")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
