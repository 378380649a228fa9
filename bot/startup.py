"""Before the Application starts: Telegram answers and accepts the token.

Each fault is one line, never a traceback: PTB's own bootstrap would log every failed attempt
with its traceback, and its InvalidToken exception carries the token in its text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterator

from telegram import Bot, User
from telegram.error import InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.ratelimit import retry_seconds

log = logging.getLogger(__name__)

FIRST_DELAY = 1.0
MAX_DELAY = 60.0
TOKEN_REJECTED = "BOT_TOKEN was rejected by Telegram (check @BotFather)"

Sleep = Callable[[float], Awaitable[bool]]  # waits; True when asked to stop meanwhile


class TokenRejected(Exception):
    """Telegram answered 401/404 to the token (PTB's InvalidToken carries the token itself)."""

    def __init__(self) -> None:
        super().__init__(TOKEN_REJECTED)


def backoff(first: float = FIRST_DELAY, cap: float = MAX_DELAY) -> Iterator[float]:
    delay = first
    while True:
        yield delay
        delay = min(cap, delay * 2)


def unreachable_reason(exc: BaseException) -> str:
    """A few words for why Telegram could not be reached, from the exception's causes."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused"
        if isinstance(seen, socket.gaierror):
            return "host name not found"
        if isinstance(seen, TimedOut | TimeoutError):
            return "timed out"
        if isinstance(seen, ssl.SSLError):
            return "TLS error"
        seen = seen.__cause__ or seen.__context__
    return str(exc) or type(exc).__name__


async def wait_for_telegram(
    get_me: Callable[[], Awaitable[User]], url: str, sleep: Sleep
) -> User | None:
    """getMe until it answers, waiting 1 s, 2 s, 4 s … 60 s between network failures with one
    log line each. None when asked to stop during a wait; TokenRejected on 401/404."""
    for delay in backoff():
        try:
            return await get_me()
        except InvalidToken:
            raise TokenRejected() from None
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            log.warning("Telegram Bot API at %s asks to wait; retrying in %g s", url, seconds)
            if await sleep(seconds):
                return None
        except NetworkError as exc:  # TimedOut included; also 5xx answers
            log.warning(
                "Telegram Bot API at %s is unreachable (%s); retrying in %g s",
                url,
                unreachable_reason(exc),
                delay,
            )
            if await sleep(delay):
                return None
    raise AssertionError("backoff() never ends")


async def reach_telegram(
    token: str, api_url: str, lost: tuple[NetworkError, float] | None = None
) -> User | None:
    """The bot's user once getMe answers; None when SIGINT/SIGTERM came meanwhile. `lost`:
    the error that ended the previous start and how long to wait before this one (said here,
    once a signal can stop the wait)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    bot = Bot(token, base_url=f"{api_url}/bot", base_file_url=f"{api_url}/file/bot")

    async def sleep(seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)
        return stop.is_set()

    async def get_me() -> User:
        # Bot.initialize() calls getMe and may be called again after a failure. A stop signal
        # must not wait for a hanging request either.
        call = asyncio.ensure_future(bot.initialize())
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait((call, stopped), return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if not call.done():
            call.cancel()
            raise _Stopped
        call.result()
        return bot.bot

    try:
        if lost is not None:
            error, delay = lost
            log.warning(
                "Telegram Bot API at %s failed during start (%s); retrying in %g s",
                api_url,
                unreachable_reason(error),
                delay,
            )
            if await sleep(delay):
                return None
        return await wait_for_telegram(get_me, api_url, sleep)
    except _Stopped:
        return None
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        with contextlib.suppress(Exception):
            await bot.shutdown()


class _Stopped(Exception):
    """A stop signal arrived during a getMe call."""
