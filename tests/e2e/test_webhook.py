"""Webhook mode: the fake Bot API posts each update to the bot's own HTTP server, with the
secret header, as Telegram does; a request without the right secret gets 403 and is logged."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from bot.webhook import UPDATER_LOGGER
from tests.e2e.harness import STAFF_CHAT_ID, RunningBot, make_settings
from tests.e2e.test_staff_workflow import has
from tests.fakebotapi import FakeBotApi
from tests.fakebotapi.fixtures import fake_tg  # noqa: F401 - the server fixture

SECRET = "rahasia-toko_123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest_asyncio.fixture
async def hooked(
    fake_tg: FakeBotApi, db_location: Path | str  # noqa: F811
) -> AsyncIterator[RunningBot]:
    port = free_port()
    settings = make_settings(
        fake_tg,
        db_location,
        webhook_url=f"http://127.0.0.1:{port}/telegram",
        webhook_secret=SECRET,
        webhook_listen=f"127.0.0.1:{port}",
    )
    bot = RunningBot(fake_tg, settings)
    async with bot.running():
        yield bot


async def test_updates_come_by_webhook_with_the_secret(hooked: RunningBot) -> None:
    tg = hooked.tg
    assert tg.webhook_url == hooked.settings.webhook_url and tg.webhook_secret == SECRET
    budi = tg.user(7001, "Budi")
    await tg.send_text(budi, "/start")
    await tg.wait_bot_message(budi, has("Selamat datang"))
    await tg.send_text(budi, "/help")
    await tg.wait_bot_message(budi, lambda m: m.text is not None)
    assert [status for _, status in tg.webhook_posts] == [200, 200]
    assert not any(method == "getUpdates" for method, _ in tg.calls)


@pytest.mark.parametrize("header", [None, "salah", SECRET + "x"])
async def test_a_request_without_the_secret_is_refused_and_logged(
    hooked: RunningBot, caplog: pytest.LogCaptureFixture, header: str | None
) -> None:
    tg, url = hooked.tg, hooked.settings.webhook_url
    budi = tg.user(7001, "Budi")
    forged = {"update_id": 999_999, "message": {
        "message_id": 1, "date": 0, "chat": {"id": budi.id, "type": "private"},
        "from": {"id": budi.id, "is_bot": False, "first_name": "Budi"}, "text": "/start"}}
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = header
    with caplog.at_level(logging.INFO):
        async with aiohttp.ClientSession() as session, session.post(
            url, data=json.dumps(forged), headers=headers
        ) as answer:
            assert answer.status == 403
    refused = [r for r in caplog.records if r.name == UPDATER_LOGGER]
    assert [r.levelname for r in refused] == ["WARNING"]
    assert "refused with 403" in refused[0].getMessage()
    assert (header or "-") not in refused[0].getMessage() or header is None
    # The real update still gets through, and the forged one did nothing.
    await tg.send_text(budi, "/start")
    await tg.wait_bot_message(budi, has("Selamat datang"))
    assert len([m for m in tg.bot_messages(budi) if "Selamat datang" in (m.text or "")]) == 1


async def test_python_m_bot_serves_the_webhook_and_stops_on_sigterm(
    tmp_path: Path, db_location: Path | str
) -> None:
    """The real process, as the README runs it: on SQLite or on PostgreSQL (DATABASE_URL)."""
    from tests.e2e.test_startup_faults import TOKEN, bot_env, read_line_with, start, stop

    port = free_port()
    where = {"DATABASE_URL": db_location} if isinstance(db_location, str) else {}
    async with FakeBotApi(TOKEN) as tg:
        tg.group(STAFF_CHAT_ID, "Toko — Pesanan", bot_is_admin=True)
        env = bot_env(
            tmp_path,
            tmp_path / "shop.db",
            tg.url,
            WEBHOOK_URL=f"http://127.0.0.1:{port}/tg",
            WEBHOOK_SECRET=SECRET,
            WEBHOOK_LISTEN=f"127.0.0.1:{port}",
            **where,
        )
        proc = await start(env)
        try:
            await read_line_with(proc, "Webhook mode: listening on 127.0.0.1", timeout=30)
            await tg.wait_call("setWebhook", timeout=30)
            budi = tg.user(7001, "Budi")
            await tg.send_text(budi, "/start")
            await tg.wait_bot_message(budi, has("Selamat datang"), timeout=30)
        except BaseException:
            proc.kill()
            await proc.communicate()
            raise
        rest = await stop(proc)
        # Handled once; a post before the server listened is retried, as Telegram does.
        assert [post for post in tg.webhook_posts if post[1] == 200] == [(1, 200)]
        assert not any(method == "getUpdates" for method, _ in tg.calls)
    assert rest.returncode == 0, rest.stderr
    assert "Traceback" not in rest.output and TOKEN not in rest.output and SECRET not in rest.output
