"""Interactive replies are retried on network errors and 5xx, per how sure we are that
Telegram did not do the request (bot/retries.py); on virtual time, nothing really waits."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from telegram.error import BadRequest, NetworkError, TimedOut

from bot import retries
from bot.ratelimit import TelegramRateLimiter
from tests.unit.test_schedule_ratelimit import VirtualTime, limiter

CHAT = 1001


@pytest.fixture
def vt() -> VirtualTime:
    return VirtualTime()


def connect_refused() -> NetworkError:
    """What PTB raises when the connection could not be made (the request never left)."""
    try:
        raise httpx.ConnectError("[Errno 111] Connection refused")
    except httpx.ConnectError as err:
        try:
            raise NetworkError(f"httpx.ConnectError: {err}") from err
        except NetworkError as exc:
            return exc


def read_timeout() -> TimedOut:
    """Sent, then no answer in time: Telegram may have done it."""
    try:
        raise httpx.ReadTimeout("timed out")
    except httpx.ReadTimeout as err:
        try:
            raise TimedOut from err
        except TimedOut as exc:
            return exc


def pool_timeout() -> TimedOut:
    """PTB: "Pool timeout: ... Request was *not* sent to Telegram"."""
    try:
        raise httpx.PoolTimeout("no free connection")
    except httpx.PoolTimeout as err:
        try:
            raise TimedOut("Pool timeout") from err
        except TimedOut as exc:
            return exc


def dropped() -> NetworkError:
    try:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
    except httpx.RemoteProtocolError as err:
        try:
            raise NetworkError(f"httpx.RemoteProtocolError: {err}") from err
        except NetworkError as exc:
            return exc


def server_error() -> NetworkError:
    return NetworkError("Internal Server Error")  # PTB: a 5xx answer, no transport error


class Flaky:
    """A request that fails with the given errors first, then succeeds."""

    def __init__(self, vt: VirtualTime, *errors: Exception) -> None:
        self.vt = vt
        self.errors = list(errors)
        self.calls: list[float] = []

    async def __call__(self) -> dict[str, Any]:
        self.calls.append(self.vt.now)
        if self.errors:
            raise self.errors.pop(0)
        return {"message_id": 1}


async def request(rl: TelegramRateLimiter, api: Flaky, endpoint: str = "sendMessage") -> Any:
    return await rl.process_request(api, (), {}, endpoint, {"chat_id": CHAT}, None)


@pytest.mark.parametrize("error", [connect_refused, server_error], ids=["refused", "5xx"])
async def test_a_send_telegram_surely_did_not_do_is_retried(vt: VirtualTime, error: Any) -> None:
    rl, api = limiter(vt, chat_per_second=100), Flaky(vt, error(), error())
    [result] = await vt.run(request(rl, api))
    assert result == {"message_id": 1}
    assert api.calls == pytest.approx([0.0, 0.5, 2.0])  # 3 attempts, 0.5 s then 1.5 s apart


async def test_a_retry_still_keeps_the_chats_rate(vt: VirtualTime) -> None:
    rl, api = limiter(vt), Flaky(vt, server_error())  # 1 message a second in a private chat
    await vt.run(request(rl, api))
    assert api.calls == pytest.approx([0.0, 1.0])


async def test_it_gives_up_after_three_attempts(vt: VirtualTime) -> None:
    rl, api = limiter(vt), Flaky(vt, *(server_error() for _ in range(5)))
    with pytest.raises(NetworkError):
        await vt.run(request(rl, api))
    assert len(api.calls) == retries.ATTEMPTS == 3


@pytest.mark.parametrize("error", [read_timeout, dropped], ids=["read-timeout", "dropped"])
async def test_a_send_that_may_have_arrived_is_not_repeated(vt: VirtualTime, error: Any) -> None:
    rl, api = limiter(vt), Flaky(vt, error())
    with pytest.raises(NetworkError):
        await vt.run(request(rl, api, "sendMessage"))
    assert len(api.calls) == 1  # a duplicate message is worse than a missing reply


@pytest.mark.parametrize("error", [read_timeout, dropped], ids=["read-timeout", "dropped"])
async def test_an_edit_that_may_have_arrived_is_repeated(vt: VirtualTime, error: Any) -> None:
    rl, api = limiter(vt), Flaky(vt, error())
    await vt.run(request(rl, api, "editMessageText"))
    assert len(api.calls) == 2  # twice is harmless: "not modified"


async def test_a_refusal_is_not_retried(vt: VirtualTime) -> None:
    rl, api = limiter(vt), Flaky(vt, BadRequest("Bad Request: message text is empty"))
    with pytest.raises(BadRequest):
        await vt.run(request(rl, api, "editMessageText"))
    assert len(api.calls) == 1


async def test_the_outbox_turns_them_off(vt: VirtualTime) -> None:
    rl, api = limiter(vt), Flaky(vt, server_error())
    with retries.without_retries(), pytest.raises(NetworkError):
        await vt.run(request(rl, api))
    assert len(api.calls) == 1
    await vt.run(request(rl, Flaky(vt)))  # and back on outside
    api = Flaky(vt, server_error())
    await vt.run(request(rl, api))
    assert len(api.calls) == 2


@pytest.mark.parametrize(
    ("error", "endpoint", "retried"),
    [
        (connect_refused, "sendPhoto", True),
        (server_error, "sendDocument", True),
        (read_timeout, "copyMessage", False),
        (dropped, "deleteMessage", True),
        (pool_timeout, "sendMessage", True),  # never left the process
        (lambda: TimedOut(), "sendMessage", False),  # no cause: unsure
    ],
)
def test_the_policy_per_error_class(error: Any, endpoint: str, retried: bool) -> None:
    assert (retries.retry_delay(error(), endpoint, 1) is not None) is retried
