"""Telegram's rate limits shared by every worker of one bot (PostgreSQL only).

Telegram counts per bot, not per process: 30 messages a second overall, 1 a second in a
private chat, 20 a minute in a group. With several workers on one database each request takes
its place in the shared windows first (bot/ratelimit.py keeps the policy; this keeps the
rows, migration 012):

- `rate_sends`: one row per counted request while it is inside a window. In flight its
  `ends_at` is HOLD seconds ahead (a worker that dies mid-request frees its place then); the
  answer sets it to the answer's time, from which it counts as the in-memory limiter does.
- `rate_pauses`: a 429's retry_after for a chat, and '*' for everyone's short pause.

A reservation is one short transaction under its own advisory lock (RATE_LOCK; not the
store's write lock, so sends never wait for the shop's writes): count the windows, and take a
place if every one has room. Times are seconds on the database server's clock (one clock for
all workers and machines) unless the caller gives its own (tests).

One SQLite process keeps its windows in memory; this module runs on PostgreSQL alone (its own
connections, PostgreSQL's functions).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import psycopg

from domain.store.postgres import Connection, connect
from domain.store.sqlite import fetchone

RATE_LOCK = 0x72617465  # "rate" in ASCII; any constant other than the write lock's
HOLD = 60.0  # an unanswered place counts this long at most (its worker may have died)
PRUNE_EVERY = 1.0  # seconds between clean-ups of rows outside every window, per worker
EVERYONE = "*"
# The time of a statement: the caller's (tests) or the server's.
_NOW = (
    "COALESCE(CAST(? AS DOUBLE PRECISION),"
    " CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS DOUBLE PRECISION))"
)
_STATE = f"""
WITH t AS (SELECT {_NOW} AS now)
SELECT t.now,
    (SELECT COUNT(*) FROM rate_sends WHERE ends_at > t.now - ?) AS overall_n,
    (SELECT MIN(CASE WHEN answered = 1 THEN ends_at END) FROM rate_sends
        WHERE ends_at > t.now - ?) AS overall_oldest,
    (SELECT COUNT(*) FROM rate_sends WHERE chat = ? AND ends_at > t.now - ?) AS chat_n,
    (SELECT MIN(CASE WHEN answered = 1 THEN ends_at END) FROM rate_sends
        WHERE chat = ? AND ends_at > t.now - ?) AS chat_oldest,
    (SELECT MAX(until) FROM rate_pauses WHERE chat = '{EVERYONE}') AS everyone_until,
    (SELECT MAX(until) FROM rate_pauses WHERE chat = ?) AS chat_until
FROM t
"""


class BudgetUnavailable(Exception):
    """The database cannot be reached for the budget (the caller paces on its own)."""


@asynccontextmanager
async def _reachable() -> AsyncIterator[None]:
    try:
        yield
    except psycopg.OperationalError as exc:
        lines = str(exc).strip().splitlines()
        raise BudgetUnavailable(lines[-1] if lines else type(exc).__name__) from exc


@dataclass(frozen=True, slots=True)
class Window:
    """At most `limit` requests in any `span` seconds."""

    limit: int
    span: float


@dataclass(frozen=True, slots=True)
class Reservation:
    place: int | None  # the request's row once taken; None: wait and try again
    wait: float  # seconds until it may fit (0 once taken)
    chat_bound: bool  # the chat's own window or pause is what is full (not the overall one)
    now: float  # the budget's clock when it was decided


def _wait(n: int, oldest: float | None, window: Window, now: float, nap: float) -> float:
    """Seconds until one more fits in a window holding `n` (`oldest`: the earliest answered
    end; None when every place is still in flight, so look again after `nap`)."""
    if n < window.limit:
        return 0.0
    return nap if oldest is None else max(oldest + window.span - now, 0.0)


class RateBudget:
    """The shared windows of one bot, on its own two connections to the store's database."""

    def __init__(self, url: str, keep: float, nap: float = 0.02) -> None:
        self.url = url
        self.keep = keep  # the longest window's span: rows older than it count nowhere
        self.nap = nap
        self._tx: Connection | None = None  # reservations (a transaction each)
        self._quick: Connection | None = None  # answers and pauses (one statement each)
        self._lock = asyncio.Lock()
        self._pruned_at = float("-inf")

    async def open(self) -> RateBudget:
        async with _reachable():
            if self._tx is None or self._tx.raw.closed:
                self._tx = Connection(await connect(self.url))
            if self._quick is None or self._quick.raw.closed:
                self._quick = Connection(await connect(self.url))
        return self

    async def close(self) -> None:
        for conn in (self._tx, self._quick):
            if conn is not None:
                await conn.raw.close()
        self._tx = self._quick = None

    def _need(self, conn: Connection | None) -> Connection:
        if conn is None:
            raise BudgetUnavailable("the rate budget is not open")
        return conn

    async def _reopened(self) -> None:
        """A connection the server dropped (a restart, a failover) is opened again."""
        if (self._tx is not None and self._tx.raw.closed) or (
            self._quick is not None and self._quick.raw.closed
        ):
            await self.open()

    async def reserve(
        self, chat: str, overall: Window, window: Window | None, now: float | None = None
    ) -> Reservation:
        """Take a place in the overall window and the chat's (`window`; None: overall only)
        if both have room and nothing pauses the chat; else say how long to wait."""
        async with self._lock, _reachable():
            await self._reopened()
            db = self._need(self._tx)
            await db.raw.execute("BEGIN")
            try:
                await db.raw.execute("SELECT pg_advisory_xact_lock(%s)", (RATE_LOCK,))
                span = window.span if window else 0.0
                row = await fetchone(
                    db,  # type: ignore[arg-type]
                    _STATE,
                    (now, overall.span, overall.span, chat, span, chat, span, chat),
                )
                assert row is not None
                at = float(row["now"])
                everyone = max((row["everyone_until"] or at) - at, 0.0)
                overall_wait = max(
                    everyone, _wait(row["overall_n"], row["overall_oldest"], overall, at, self.nap)
                )
                chat_wait = 0.0
                if window is not None:
                    chat_wait = max(
                        (row["chat_until"] or at) - at,
                        _wait(row["chat_n"], row["chat_oldest"], window, at, self.nap),
                    )
                wait = max(overall_wait, chat_wait)
                place = None
                if wait <= 0:
                    taken = await fetchone(
                        db,  # type: ignore[arg-type]
                        "INSERT INTO rate_sends (chat, ends_at) VALUES (?, ?) RETURNING id",
                        (chat, at + HOLD),
                    )
                    assert taken is not None
                    place = int(taken["id"])
                if at - self._pruned_at >= PRUNE_EVERY:
                    await self._prune(db, at)
            except BaseException:
                await db.raw.execute("ROLLBACK")
                raise
            await db.raw.execute("COMMIT")
        return Reservation(place, wait, chat_wait > 0, at)

    async def _prune(self, db: Connection, now: float) -> None:
        await db.execute("DELETE FROM rate_sends WHERE ends_at <= ?", (now - self.keep,))
        await db.execute("DELETE FROM rate_pauses WHERE until <= ?", (now,))
        self._pruned_at = now

    async def release(self, place: int, now: float | None = None) -> None:
        """The request's answer came: its place counts from now."""
        async with _reachable():
            await self._need(self._quick).execute(
                f"UPDATE rate_sends SET ends_at = {_NOW}, answered = 1 WHERE id = ?",
                (now, place),
            )

    async def pause(
        self, chat: str | None, seconds: float, everyone: float, now: float | None = None
    ) -> None:
        """A 429: the chat waits `seconds`, every chat `everyone` seconds, on all workers."""
        db = self._need(self._quick)
        pauses = [(EVERYONE, everyone)] + ([(chat, seconds)] if chat else [])
        for key, span in pauses:
            async with _reachable():
                await db.execute(
                    f"INSERT INTO rate_pauses (chat, until) VALUES (?, {_NOW} + ?)"
                    " ON CONFLICT (chat) DO UPDATE SET until = CASE"
                    " WHEN excluded.until > rate_pauses.until THEN excluded.until"
                    " ELSE rate_pauses.until END",
                    (key, now, float(span)),
                )
