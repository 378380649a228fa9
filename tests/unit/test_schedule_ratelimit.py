"""The outbound limiter, on virtual time (an injected clock and sleep; nothing really waits)."""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.ratelimit import SlidingWindow, TelegramRateLimiter, counts_toward_limits

GROUP = -1001234567890


class VirtualTime:
    """A clock that jumps to the next sleeper's wake-up once every task is waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._seq += 1
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), self._seq, future))
        await future

    async def run(self, *jobs: Awaitable[Any]) -> list[Any]:
        tasks = [asyncio.ensure_future(job) for job in jobs]
        for _ in range(1_000_000):
            for _ in range(5):
                await asyncio.sleep(0)
            if all(t.done() for t in tasks):
                return [t.result() for t in tasks]
            assert self._sleepers, "deadlock: tasks wait for nothing"
            at, _, future = heapq.heappop(self._sleepers)
            self.now = max(self.now, at)
            future.set_result(None)
        raise AssertionError("did not finish")


@pytest.fixture
def vt() -> VirtualTime:
    return VirtualTime()


def limiter(vt: VirtualTime, **kwargs: Any) -> TelegramRateLimiter:
    return TelegramRateLimiter(clock=vt.clock, sleep=vt.sleep, **kwargs)


class Api:
    """Records when each request reached "Telegram"; may take time or answer 429."""

    def __init__(self, vt: VirtualTime, latency: float = 0.0) -> None:
        self.vt = vt
        self.latency = latency
        self.calls: list[tuple[float, Any]] = []
        self.flood: dict[Any, list[float]] = {}  # chat → retry_after answers to give

    async def __call__(self, chat_id: Any) -> bool:
        self.calls.append((self.vt.now, chat_id))
        if self.flood.get(chat_id):
            raise RetryAfter(timedelta(seconds=int(self.flood[chat_id].pop(0))))
        if self.latency:
            await self.vt.sleep(self.latency)
        return True

    def times(self, chat_id: Any = None) -> list[float]:
        return [t for t, c in self.calls if chat_id is None or c == chat_id]


async def send(
    rl: TelegramRateLimiter, api: Api, chat_id: Any, endpoint: str = "sendMessage"
) -> Any:
    data = {"chat_id": chat_id, "text": "x"} if chat_id is not None else {}
    return await rl.process_request(api, (chat_id,), {}, endpoint, data, None)


def max_in_window(times: list[float], span: float) -> int:
    times = sorted(times)
    return max(
        (sum(1 for u in times if t <= u < t + span) for t in times),
        default=0,
    )


def test_windows_from_rates() -> None:
    assert (SlidingWindow.per(30, 1).limit, SlidingWindow.per(30, 1).span) == (30, 1.0)
    assert (SlidingWindow.per(20, 60).limit, SlidingWindow.per(20, 60).span) == (20, 60.0)
    assert (SlidingWindow.per(0.5, 1).limit, SlidingWindow.per(0.5, 1).span) == (1, 2.0)


@pytest.mark.parametrize(
    ("endpoint", "counted"),
    [
        ("sendMessage", True),
        ("sendPhoto", True),
        ("editMessageText", True),
        ("copyMessage", True),
        ("forwardMessage", True),
        ("sendChatAction", False),
        ("answerCallbackQuery", False),
        ("getUpdates", False),
        ("setMyCommands", False),
    ],
)
def test_which_requests_count(endpoint: str, counted: bool) -> None:
    assert counts_toward_limits(endpoint) is counted


async def test_overall_thirty_per_second(vt: VirtualTime) -> None:
    rl, api = limiter(vt), Api(vt)
    await vt.run(*(send(rl, api, 5000 + i) for i in range(95)))
    times = api.times()
    assert len(times) == 95
    assert max_in_window(times, 1.0) == 30
    assert max(times) == pytest.approx(3.0)  # 30 at 0, 1, 2 and the last 5 at 3 s


async def test_one_per_second_in_a_private_chat(vt: VirtualTime) -> None:
    rl, api = limiter(vt), Api(vt)
    await vt.run(*(send(rl, api, 1001) for _ in range(4)), send(rl, api, 1002))
    assert api.times(1001) == pytest.approx([0.0, 1.0, 2.0, 3.0])
    assert api.times(1002) == [0.0]  # another chat does not wait


async def test_twenty_per_minute_in_a_group(vt: VirtualTime) -> None:
    rl, api = limiter(vt), Api(vt)
    await vt.run(*(send(rl, api, GROUP) for _ in range(25)), send(rl, api, 1001))
    group = api.times(GROUP)
    assert group[:20] == [0.0] * 20
    assert group[20:] == pytest.approx([60.0] * 5)
    assert api.times(1001) == [0.0]


async def test_other_requests_are_not_held(vt: VirtualTime) -> None:
    rl, api = limiter(vt, overall_per_second=1), Api(vt)
    await vt.run(*(send(rl, api, None, "answerCallbackQuery") for _ in range(10)))
    assert api.times() == [0.0] * 10


async def test_a_request_counts_from_its_answer(vt: VirtualTime) -> None:
    """Slow answers: the next message to the chat waits a second after the answer, so the
    server (which saw the first somewhere in between) never counts two in one second."""
    rl, api = limiter(vt), Api(vt, latency=0.4)
    await vt.run(send(rl, api, 1001), send(rl, api, 1001))
    assert api.times(1001) == pytest.approx([0.0, 1.4])


async def test_retry_after_pauses_the_chat_and_retries(vt: VirtualTime) -> None:
    rl, api = limiter(vt), Api(vt)
    api.flood[1001] = [3]

    async def other() -> None:
        await vt.sleep(0.5)
        await send(rl, api, 1002)

    results = await vt.run(send(rl, api, 1001), other())
    assert results[0] is True
    assert api.times(1001) == pytest.approx([0.0, 3.0])  # retried after retry_after
    assert api.times(1002) == pytest.approx([1.0])  # others held back briefly only
    assert rl.count_429 == 1


async def test_a_long_retry_after_is_raised_for_the_outbox(vt: VirtualTime) -> None:
    rl, api = limiter(vt), Api(vt)
    api.flood[1001] = [30]
    with pytest.raises(RetryAfter):
        await vt.run(send(rl, api, 1001))
    await vt.run(send(rl, api, 1001))
    assert api.times(1001) == pytest.approx([0.0, 30.0])  # the chat stays paused


async def test_retries_can_be_turned_off_per_call(vt: VirtualTime) -> None:
    rl, api = limiter(vt), Api(vt)
    api.flood[1001] = [1]
    data = {"chat_id": 1001}
    with pytest.raises(RetryAfter):
        await vt.run(rl.process_request(api, (1001,), {}, "sendMessage", data, 0))


async def test_idle_chat_windows_are_dropped(vt: VirtualTime) -> None:
    rl, api = limiter(vt, overall_per_second=100_000), Api(vt)
    for batch in range(3):
        await vt.run(*(send(rl, api, 10_000 * batch + i) for i in range(1500)))
        vt.now += 2  # every window of the batch is idle now
    assert len(api.times()) == 4500
    assert len(rl._chats) <= 2 * 1500
