"""Telegram-like flood limits for the fake Bot API (off unless enabled)."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

# (limit, window seconds): Telegram's published guidance for bots.
GLOBAL_LIMIT = (30, 1.0)
PRIVATE_CHAT_LIMIT = (1, 1.0)
GROUP_CHAT_LIMIT = (20, 60.0)


def counts_toward_limits(method: str) -> bool:
    """send*/edit*/copy*/forward* produce or change messages; chat actions do not."""
    m = method.lower()
    if m == "sendchataction":
        return False
    return m.startswith(("send", "edit", "copy", "forward"))


class RateLimiter:
    """Sliding-window counters; ``check`` answers retry_after seconds or None."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._global: deque[float] = deque()
        self._per_chat: dict[int, deque[float]] = {}

    @staticmethod
    def _retry(window: deque[float], limit: int, span: float, now: float) -> int | None:
        while window and window[0] <= now - span:
            window.popleft()
        if len(window) < limit:
            return None
        return max(1, math.ceil(window[0] + span - now))

    def check(self, chat_id: int | None) -> int | None:
        """Count one message to ``chat_id`` unless a limit is hit (then nothing is counted)."""
        now = self.clock()
        retries = [self._retry(self._global, *GLOBAL_LIMIT, now)]
        chat_window: deque[float] | None = None
        if chat_id is not None:
            chat_window = self._per_chat.setdefault(chat_id, deque())
            limit, span = GROUP_CHAT_LIMIT if chat_id < 0 else PRIVATE_CHAT_LIMIT
            retries.append(self._retry(chat_window, limit, span, now))
        hit = [r for r in retries if r is not None]
        if hit:
            return max(hit)
        self._global.append(now)
        if chat_window is not None:
            chat_window.append(now)
        return None
