"""Flood control per user: at most `limit` handled updates in any `window` seconds.

Past that, updates are dropped before any work is done. A burst starts at the first drop and
ends once a whole window passes without one, so a user who keeps hammering stays in one burst:
one note to them and one log line, however long it lasts. An album (one send of up to 10
photos or videos, as complaint evidence often is) counts once: its parts share the verdict of
its first. Pure bookkeeping on an injected monotonic clock (no Telegram, no sleeping), so it is
tested on virtual time.
"""

from __future__ import annotations

import enum
import time
from collections import deque
from collections.abc import Callable, Hashable

Clock = Callable[[], float]
ALBUM_MAX = 10  # parts in one album (Telegram's limit); past that each part counts again


class Verdict(enum.Enum):
    HANDLE = "handle"
    DROP = "drop"
    DROP_FIRST = "drop_first"  # the first drop of a burst: tell the user, log it


class _User:
    __slots__ = ("album", "handled", "last_drop")

    def __init__(self, limit: int) -> None:
        self.handled: deque[float] = deque(maxlen=limit)  # times of handled updates
        self.last_drop: float | None = None  # in a burst while set
        # The last album: its id, whether it was handled, its parts seen so far.
        self.album: tuple[str, bool, int] | None = None


class FloodGuard:
    def __init__(self, limit: int, window: float, clock: Clock = time.monotonic) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("flood control needs limit >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self.clock = clock
        self.dropped = 0  # in total, for benchmarks and tests
        self.bursts = 0
        self._users: dict[Hashable, _User] = {}
        self._next_sweep = 0.0

    def check(self, key: Hashable, album: str | None = None) -> Verdict:
        """Count one update from `key` (a part of `album`, Telegram's media_group_id, counts
        only as its album's first part) and say what to do with it."""
        now = self.clock()
        if now >= self._next_sweep:
            self._sweep(now)
        user = self._users.get(key)
        if user is None:
            user = self._users[key] = _User(self.limit)
        last = user.album
        if album is not None and last is not None and last[0] == album and last[2] < ALBUM_MAX:
            user.album = (album, last[1], last[2] + 1)
            if last[1]:
                return Verdict.HANDLE
            self.dropped += 1
            return Verdict.DROP
        verdict = self._count(user, now)
        if album is not None:
            user.album = (album, verdict is Verdict.HANDLE, 1)
        return verdict

    def _count(self, user: _User, now: float) -> Verdict:
        if user.last_drop is not None and now - user.last_drop >= self.window:
            user.last_drop = None  # a whole window without a drop: the burst is over
        handled = user.handled
        while handled and handled[0] <= now - self.window:
            handled.popleft()
        if len(handled) < self.limit:
            handled.append(now)
            return Verdict.HANDLE
        first = user.last_drop is None
        user.last_drop = now
        self.dropped += 1
        if first:
            self.bursts += 1
            return Verdict.DROP_FIRST
        return Verdict.DROP

    def tracked(self) -> int:
        """Users with state kept (memory stays bounded by the users active in one window)."""
        return len(self._users)

    def _sweep(self, now: float) -> None:
        """Forget users with nothing in their window and no burst going on."""
        horizon = now - self.window
        self._users = {
            key: user
            for key, user in self._users.items()
            if (user.handled and user.handled[-1] > horizon)
            or (user.last_drop is not None and user.last_drop > horizon)
        }
        self._next_sweep = now + self.window
