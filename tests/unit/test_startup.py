"""Waiting for Telegram at start: backoff, one line per failure, a rejected token, stopping."""

from __future__ import annotations

import logging
import socket
from datetime import timedelta
from itertools import islice

import httpx
import pytest
from telegram import User
from telegram.error import InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.startup import (
    TOKEN_REJECTED,
    TokenRejected,
    backoff,
    unreachable_reason,
    wait_for_telegram,
)

URL = "http://127.0.0.1:9"
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
ME = User(id=123456789, is_bot=True, first_name="Toko", username="toko_bot")


def refused() -> NetworkError:
    """What PTB raises when nothing listens: the refusal is a few causes down."""
    try:
        try:
            raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 9)")
        except ConnectionRefusedError as exc:
            raise httpx.ConnectError("All connection attempts failed") from exc
    except httpx.ConnectError as exc:
        err = NetworkError(f"httpx.ConnectError: {exc}")
        err.__cause__ = exc
        return err


class Script:
    """getMe that fails as scripted, then answers; and a sleep that records its delays."""

    def __init__(self, *failures: BaseException, stop_after: int | None = None) -> None:
        self.failures = list(failures)
        self.calls = 0
        self.slept: list[float] = []
        self.stop_after = stop_after

    async def get_me(self) -> User:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return ME

    async def sleep(self, seconds: float) -> bool:
        self.slept.append(seconds)
        return self.stop_after is not None and len(self.slept) >= self.stop_after


def test_backoff_doubles_from_1_s_up_to_60_s() -> None:
    assert list(islice(backoff(), 9)) == [1, 2, 4, 8, 16, 32, 60, 60, 60]


async def test_each_failure_is_one_warning_naming_the_url_and_the_delay(
    caplog: pytest.LogCaptureFixture,
) -> None:
    script = Script(refused(), refused(), refused())
    with caplog.at_level(logging.INFO):
        assert await wait_for_telegram(script.get_me, URL, script.sleep) == ME
    assert script.slept == [1, 2, 4]
    expected = f"Telegram Bot API at {URL} is unreachable (connection refused); retrying in"
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.WARNING, f"{expected} {delay} s") for delay in (1, 2, 4)
    ]
    assert all(r.exc_info is None for r in caplog.records)  # no traceback


async def test_a_success_after_failures_starts_without_more_waiting() -> None:
    script = Script(refused())
    assert await wait_for_telegram(script.get_me, URL, script.sleep) == ME
    assert script.calls == 2
    assert script.slept == [1]


async def test_a_stop_during_a_wait_ends_the_loop() -> None:
    script = Script(*(refused() for _ in range(10)), stop_after=2)
    assert await wait_for_telegram(script.get_me, URL, script.sleep) is None
    assert script.calls == 2


async def test_a_rejected_token_ends_at_once_without_the_token_in_the_error() -> None:
    script = Script(InvalidToken(f"The token `{TOKEN}` was rejected by the server."))
    with pytest.raises(TokenRejected) as excinfo:
        await wait_for_telegram(script.get_me, URL, script.sleep)
    assert str(excinfo.value) == TOKEN_REJECTED
    assert excinfo.value.__suppress_context__  # PTB's message (with the token) is not chained
    assert excinfo.value.__cause__ is None
    assert script.slept == []


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own init
async def test_flood_wait_waits_as_told(caplog: pytest.LogCaptureFixture) -> None:
    script = Script(RetryAfter(timedelta(seconds=7)))
    with caplog.at_level(logging.WARNING):
        assert await wait_for_telegram(script.get_me, URL, script.sleep) == ME
    assert script.slept == [7]
    assert "retrying in 7 s" in caplog.text


async def test_server_errors_and_timeouts_are_retried_too() -> None:
    script = Script(NetworkError("Bad Gateway"), TimedOut("Timed out"))
    assert await wait_for_telegram(script.get_me, URL, script.sleep) == ME
    assert script.slept == [1, 2]


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (refused(), "connection refused"),
        (TimedOut("Timed out"), "timed out"),
        (NetworkError("Bad Gateway"), "Bad Gateway"),
    ],
)
def test_reasons_in_a_few_words(error: BaseException, reason: str) -> None:
    assert unreachable_reason(error) == reason


def test_an_unknown_host_is_named_as_such() -> None:
    try:
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except socket.gaierror as exc:
            raise NetworkError("httpx.ConnectError: [Errno -2] Name or service not known") from exc
    except NetworkError as err:
        assert unreachable_reason(err) == "host name not found"
