"""One outbound limiter for every request that sends or edits a message.

Telegram's guidance: about 30 messages per second overall, 1 per second in a private chat,
20 per minute in a group. Each limit is kept as a sliding window (at most N in any span),
which is how Telegram and our strict fake server count. A leaky bucket such as aiolimiter's
lets a full bucket's burst through and then keeps dripping, so it can put up to twice the
rate into one window: exactly what earns a 429.

A request holds its place in the windows from the moment it is let through until its answer
arrives, and counts from the answer's time after that. The server saw it somewhere in
between, so we never count it as leaving a window earlier than the server does, whatever
the network's jitter.

A 429 (`RetryAfter`) pauses that chat for `retry_after` and everything else briefly (the
answer does not say which limit was hit), then the request is retried up to `max_retries`
times if the wait is short; otherwise it is raised for the caller (the outbox postpones the
message by `retry_after`). Network errors and 5xx are retried as bot/retries.py decides.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

from bot import retries as retries_policy
from domain.store import Store
from domain.store.rate_budget import BudgetUnavailable, RateBudget, Window

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

IN_FLIGHT = math.inf
# While every place in a window is held by a request still in flight, look again this soon.
NAP = 0.02
# A 429 holds back other chats for at most this long (global limits are per second).
GLOBAL_PAUSE = 1.0
MAX_WINDOWS = 2048


def counts_toward_limits(endpoint: str) -> bool:
    """Requests that produce or change a message; chat actions and the rest do not."""
    name = endpoint.lower()
    return name != "sendchataction" and name.startswith(("send", "edit", "copy", "forward"))


class SlidingWindow:
    """At most `limit` requests in any `span` seconds."""

    __slots__ = ("entries", "limit", "span")

    def __init__(self, limit: int, span: float) -> None:
        self.limit = limit
        self.span = span
        self.entries: list[list[float]] = []  # [time]; IN_FLIGHT until answered

    @classmethod
    def per(cls, count: float, period: float) -> SlidingWindow:
        """`count` per `period` seconds in whole requests (0.5 per second → 1 per 2 s)."""
        limit = max(1, math.floor(count))
        return cls(limit, period * limit / count)

    def _prune(self, now: float) -> None:
        if self.entries:
            self.entries = [e for e in self.entries if e[0] + self.span > now]

    def wait(self, now: float) -> float:
        """Seconds until one more request fits (0 when it fits now)."""
        self._prune(now)
        if len(self.entries) < self.limit:
            return 0.0
        oldest = min(e[0] for e in self.entries)
        return NAP if oldest == IN_FLIGHT else max(oldest + self.span - now, 0.0)

    def take(self) -> list[float]:
        entry = [IN_FLIGHT]
        self.entries.append(entry)
        return entry

    def idle(self, now: float) -> bool:
        self._prune(now)
        return not self.entries


class TelegramRateLimiter(BaseRateLimiter[int]):
    """PTB rate limiter: overall, per private chat and per group windows, and retry_after.

    `rate_limit_args` (per call) overrides `max_retries`.
    """

    def __init__(
        self,
        *,
        overall_per_second: float = 30,
        chat_per_second: float = 1,
        group_per_minute: float = 20,
        max_retries: int = 2,
        max_retry_wait: float = 5.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._overall = SlidingWindow.per(overall_per_second, 1.0)
        self._chat_rate = chat_per_second
        self._group_rate = group_per_minute
        self._chats: dict[int | str, SlidingWindow] = {}
        self._paused: dict[int | str | None, float] = {}  # key None: everything
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.clock = clock
        self.sleep = sleep
        self.count_429 = 0

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def _new_window(self, key: int | str) -> SlidingWindow:
        is_group = isinstance(key, str) or key < 0
        if is_group:
            return SlidingWindow.per(self._group_rate, 60.0)
        return SlidingWindow.per(self._chat_rate, 1.0)

    def _window(self, key: int | str) -> SlidingWindow:
        window = self._chats.get(key)
        if window is None:
            if len(self._chats) >= MAX_WINDOWS:
                now = self.clock()
                self._chats = {k: w for k, w in self._chats.items() if not w.idle(now)}
            window = self._new_window(key)
            self._chats[key] = window
        return window

    def _pause_left(self, key: int | str | None, now: float) -> float:
        until = self._paused.get(None, 0.0)
        if key is not None:
            until = max(until, self._paused.get(key, 0.0))
        return max(until - now, 0.0)

    async def acquire(self, key: int | str | None) -> list[list[float]]:
        """Wait until the request fits every window it belongs to, and take its places."""
        windows = [self._overall] if key is None else [self._overall, self._window(key)]
        while True:
            now = self.clock()
            wait = max([self._pause_left(key, now)] + [w.wait(now) for w in windows])
            if wait <= 0:
                return [w.take() for w in windows]
            await self.sleep(wait)

    def release(self, places: list[list[float]]) -> None:
        now = self.clock()
        for entry in places:
            entry[0] = now

    def pause(self, key: int | str | None, seconds: float) -> None:
        now = self.clock()
        if key is not None:
            self._paused[key] = max(self._paused.get(key, 0.0), now + seconds)
        self._paused[None] = max(self._paused.get(None, 0.0), now + min(seconds, GLOBAL_PAUSE))

    # Where a request takes and gives back its places, and where a 429 pauses: in memory here,
    # in the database for SharedRateLimiter.
    async def _take(self, key: int | str | None) -> Any:
        return await self.acquire(key)

    async def _give_back(self, places: Any) -> None:
        self.release(places)

    async def _hold(self, key: int | str | None, seconds: float) -> None:
        self.pause(key, seconds)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if not counts_toward_limits(endpoint):
            return await callback(*args, **kwargs)
        key = _chat_key(data.get("chat_id"))
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        attempt = 0
        failures = 0  # network errors and 5xx, retried per bot/retries.py
        while True:
            places = await self._take(key)
            backoff = None
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                self.count_429 += 1
                await self._hold(key, wait)
                if attempt >= retries or wait > self.max_retry_wait:
                    raise
                attempt += 1
                log.info("429 on %s to %s: retrying after %.1f s", endpoint, key, wait)
            except NetworkError as exc:
                failures += 1
                backoff = retries_policy.retry_delay(exc, endpoint, failures)
                if backoff is None:
                    raise
                log.info("%s to %s failed (%s): retrying in %.1f s", endpoint, key, exc, backoff)
            finally:
                await self._give_back(places)
            if backoff is not None:
                await self.sleep(backoff)


class SharedRateLimiter(TelegramRateLimiter):
    """The same limits for every worker of the bot: each counted request takes its place in
    windows kept in the store's PostgreSQL (one short transaction), and a 429 pauses the chat
    (and everyone, briefly) for all workers.

    Within a process, one request at a time waits on the overall window (the others queue
    behind it here rather than asking the database again and again); a request whose own
    chat is full waits apart, so other chats go meanwhile. Should the database be out of
    reach, the request is paced by this process's own windows (it is then alone anyway).

    `clock` here is the shared budget's (seconds); None: the database server's clock, one
    clock for every worker. Tests give a virtual clock and `sleep`.
    """

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock | None = None,
        sleep: Sleep = asyncio.sleep,
        **limits: Any,
    ) -> None:
        super().__init__(sleep=sleep, **limits)
        self.shared_clock = clock
        windows = [self._overall, self._new_window(-1), self._new_window(1)]
        self.budget = RateBudget(
            str(getattr(store, "url", store.path)), keep=max(w.span for w in windows), nap=NAP
        )
        self._overall_window = Window(self._overall.limit, self._overall.span)
        self._turnstile = asyncio.Lock()
        self._fallback_told = False

    async def initialize(self) -> None:
        await self.budget.open()

    async def shutdown(self) -> None:
        await self.budget.close()

    def _now(self) -> float | None:
        return None if self.shared_clock is None else self.shared_clock()

    async def _take(self, key: int | str | None) -> Any:
        chat = "" if key is None else str(key)
        window = None
        if key is not None:
            sliding = self._new_window(key)
            window = Window(sliding.limit, sliding.span)
        try:
            while True:
                async with self._turnstile:
                    while True:
                        got = await self.budget.reserve(
                            chat, self._overall_window, window, self._now()
                        )
                        if got.place is not None:
                            return got.place
                        if got.chat_bound:
                            break  # wait apart: other chats may go meanwhile
                        await self.sleep(got.wait)  # the overall window: everyone here waits
                await self.sleep(got.wait)
        except BudgetUnavailable:
            if not self._fallback_told:
                log.warning("shared rate budget out of reach: pacing in this process alone")
                self._fallback_told = True
            return await self.acquire(key)

    async def _give_back(self, places: Any) -> None:
        if not isinstance(places, int):
            self.release(places)  # taken in memory (the database was out of reach)
            return
        try:
            await self.budget.release(places, self._now())
        except BudgetUnavailable:
            log.debug("could not record a request's answer in the rate budget", exc_info=True)

    async def _hold(self, key: int | str | None, seconds: float) -> None:
        self.pause(key, seconds)
        try:
            chat = None if key is None else str(key)
            await self.budget.pause(chat, seconds, min(seconds, GLOBAL_PAUSE), self._now())
        except BudgetUnavailable:
            log.debug("could not record a 429's pause in the rate budget", exc_info=True)


def _chat_key(chat_id: object) -> int | str | None:
    if chat_id is None:
        return None
    try:
        return int(chat_id)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return str(chat_id)  # @channelusername: a group-like chat


def retry_seconds(exc: RetryAfter) -> float:
    """The wait a 429 asks for, in seconds."""
    # PTB keeps a timedelta privately; the public attribute warns while it changes type (22.x).
    value = getattr(exc, "_retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(exc.retry_after)  # type: ignore[arg-type]
