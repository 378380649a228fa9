"""Telegram's limits are the bot's, not a process's: three workers' limiters on one PostgreSQL
share one budget. On virtual time (an injected clock and sleep), with real database round
trips in between."""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import AsyncIterator, Awaitable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram.error import RetryAfter

from bot.ratelimit import GLOBAL_PAUSE, SharedRateLimiter
from domain.clock import FrozenClock
from domain.store import Store
from domain.store.rate_budget import HOLD, RateBudget, Window

pytestmark = pytest.mark.postgresql_only

GROUP = -1001234567890
OVERALL = Window(30, 1.0)


class VirtualTime:
    """A clock that jumps to the next sleeper's wake-up once the tasks have settled: every
    one asleep or waiting on another (database round trips are real, so "settled" is no
    change for a few real milliseconds)."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0
        self.moves = 0  # anything happened: a sleep began or a task finished

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._seq += 1
        self.moves += 1
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), self._seq, future))
        await future

    async def run(self, *jobs: Awaitable[Any]) -> list[Any]:
        tasks = [asyncio.ensure_future(job) for job in jobs]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60  # real seconds: the machine may be slow, not this long
        while loop.time() < deadline:
            seen, quiet = (self.moves, sum(t.done() for t in tasks)), 0
            while quiet < 3:
                await asyncio.sleep(0.003)
                now_seen = (self.moves, sum(t.done() for t in tasks))
                quiet = quiet + 1 if now_seen == seen else 0
                seen = now_seen
            if all(t.done() for t in tasks):
                return [t.result() for t in tasks]
            if not self._sleepers:
                continue  # a task is still in a database round trip
            at, _, future = heapq.heappop(self._sleepers)
            self.now = max(self.now, at)
            future.set_result(None)
        raise AssertionError("did not finish")


class Api:
    """Every worker's "Telegram": when each request reached it; may answer 429."""

    def __init__(self, vt: VirtualTime, latency: float = 0.05) -> None:
        self.vt = vt
        self.latency = latency
        self.calls: list[tuple[float, Any, str]] = []
        self.flood: dict[Any, list[float]] = {}

    def for_worker(self, name: str) -> Any:
        async def call(chat_id: Any) -> bool:
            self.calls.append((self.vt.now, chat_id, name))
            if self.flood.get(chat_id):
                raise RetryAfter(timedelta(seconds=int(self.flood[chat_id].pop(0))))
            await self.vt.sleep(self.latency)
            return True

        return call

    def times(self, chat_id: Any = None) -> list[float]:
        return sorted(t for t, c, _ in self.calls if chat_id is None or c == chat_id)


async def send(rl: SharedRateLimiter, call: Any, chat_id: Any) -> Any:
    return await rl.process_request(
        call, (chat_id,), {}, "sendMessage", {"chat_id": chat_id, "text": "x"}, None
    )


def max_in_window(times: list[float], span: float) -> int:
    return max((sum(1 for u in times if t <= u < t + span - 1e-9) for t in times), default=0)


@pytest_asyncio.fixture
async def workers(
    db_location: Path | str, clock: FrozenClock
) -> AsyncIterator[tuple[VirtualTime, list[SharedRateLimiter]]]:
    vt = VirtualTime()
    stores = [await Store(db_location, clock).open() for _ in range(3)]
    limiters = [
        SharedRateLimiter(
            s, clock=vt.clock, sleep=vt.sleep, overall_per_second=8, max_retries=0
        )
        for s in stores
    ]
    for rl in limiters:
        await rl.initialize()
    try:
        yield vt, limiters
    finally:
        for rl in limiters:
            await rl.shutdown()
        for s in stores:
            await s.close()


async def test_three_workers_stay_within_every_limit_together(
    engine: str, workers: tuple[VirtualTime, list[SharedRateLimiter]]
) -> None:
    vt, limiters = workers
    api = Api(vt)
    jobs = []
    for i, rl in enumerate(limiters):
        call = api.for_worker(f"w{i}")
        jobs += [send(rl, call, GROUP) for _ in range(9)]
        jobs += [send(rl, call, 1001) for _ in range(4)]
        jobs += [send(rl, call, 3000 + 10 * i + j) for j in range(8)]
    await vt.run(*jobs)
    assert len(api.calls) == 3 * (9 + 4 + 8)
    # Each worker alone would allow 20 a minute in the group, 1 a second in the private chat
    # and 8 a second overall; together they keep the same.
    group = api.times(GROUP)
    assert max_in_window(group, 60.0) == 20
    assert group[20] - group[0] >= 60.0
    assert max_in_window(api.times(1001), 1.0) == 1
    assert max_in_window(api.times(), 1.0) <= 8
    assert max_in_window(api.times(), 1.0) == 8  # ... and the overall window was filled
    assert {w for _, c, w in api.calls if c == GROUP} == {"w0", "w1", "w2"}


async def test_a_429_on_one_worker_pauses_the_chat_on_all(
    engine: str, workers: tuple[VirtualTime, list[SharedRateLimiter]]
) -> None:
    vt, (one, two, three) = workers
    api = Api(vt, latency=0.0)
    api.flood[1001] = [7]
    with pytest.raises(RetryAfter):
        await vt.run(send(one, api.for_worker("w0"), 1001))
    hit = api.times(1001)[0]
    await vt.run(
        send(two, api.for_worker("w1"), 1001), send(three, api.for_worker("w2"), 1002)
    )
    assert api.times(1001)[1] >= hit + 7  # the chat's pause, told by another worker
    assert api.times(1002)[0] >= hit + GLOBAL_PAUSE  # everyone's short pause


async def test_a_request_in_flight_holds_its_place_for_every_worker(
    engine: str, workers: tuple[VirtualTime, list[SharedRateLimiter]]
) -> None:
    """Counted from the answer, not from when it was let through: a slow answer keeps the
    private chat's one place taken on the other workers too."""
    vt, (one, two, _) = workers
    slow = Api(vt, latency=5.0)
    fast = Api(vt, latency=0.0)
    await vt.run(send(one, slow.for_worker("w0"), 1001), send(two, fast.for_worker("w1"), 1001))
    (first,), (second,) = slow.times(1001), fast.times(1001)
    assert second >= first + 5.0 + 1.0 or first >= second + 1.0


async def test_a_dead_workers_place_counts_until_its_hold_ends(
    engine: str, db_location: Path | str
) -> None:
    """A worker that dies mid-request never answers: its place frees itself after HOLD."""
    budget = await RateBudget(str(db_location), keep=60.0).open()
    try:
        chat = Window(1, 1.0)
        taken = await budget.reserve("1001", OVERALL, chat, now=100.0)
        assert taken.place is not None  # ... and the worker dies
        later = await budget.reserve("1001", OVERALL, chat, now=100.0 + HOLD - 1)
        assert later.place is None and later.chat_bound
        after = await budget.reserve("1001", OVERALL, chat, now=100.0 + HOLD + 1.0)
        assert after.place is not None
        other = await budget.reserve("1002", OVERALL, chat, now=100.5)
        assert other.place is not None  # another chat was never held up
    finally:
        await budget.close()
