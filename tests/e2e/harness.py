"""Runs the real Application against the fake Bot API, the way `python -m bot` does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.settings import Settings
from bot.webhook import log_refusals, webhook_of
from domain.catalog.catalog_import import import_catalog
from domain.clock import Clock, utc_now
from domain.store import Store
from tests.fakebotapi import FakeBotApi, FakeChat, FakeMessage

STAFF_CHAT_ID = -1001234567890
FROZEN_AT = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 10:00 WIB: where `frozen_shop` starts
EXAMPLE_CATALOG = Path(__file__).resolve().parents[2] / "examples" / "catalog.csv"


def make_settings(tg: FakeBotApi, db: Path | str, **overrides: Any) -> Settings:
    """Settings for a bot on `db`: a SQLite file's path or a PostgreSQL URL."""
    where: dict[str, Any] = {"database_url": db}  # a URL given in the environment loses
    if not isinstance(db, str):
        where = {"database_path": db, "database_url": ""}
    values: dict[str, Any] = {
        **where,
        "bot_token": tg.token,
        "staff_chat_id": STAFF_CHAT_ID,
        "telegram_api_url": tg.url,
        "shop_name": "Toko Kopi Nusantara",
        # The fake server is not rate limited unless a test asks; don't wait on the limiter.
        "rate_limit_group_per_minute": 100_000,
        "rate_limit_overall_per_second": 100_000,
        "rate_limit_chat_per_second": 100_000,
        # Scheduled messages depend on the time of day; tests that want them turn them on.
        "schedule_enabled": False,
        # A script presses faster than any person; tests/e2e/test_flood.py turns it on.
        "flood_limit": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class RunningBot:
    """Start, stop and restart the bot on one database file."""

    def __init__(self, tg: FakeBotApi, settings: Settings, clock: Clock = utc_now) -> None:
        self.tg = tg
        self.settings = settings
        self.clock = clock
        self.app: Application | None = None  # type: ignore[type-arg]
        self.staff: FakeChat = tg.group(STAFF_CHAT_ID, "Toko — Pesanan", bot_is_admin=True)

    @property
    def store(self) -> Store:
        assert self.app is not None
        return self.app.bot_data.shop.store

    async def seed(self, csv_text: str | None = None) -> None:
        async with Store(self.settings.database, self.clock) as store:
            await import_catalog(store, csv_text or EXAMPLE_CATALOG.read_text(encoding="utf-8"))

    async def start(self) -> None:
        app = build_application(self.settings, clock=self.clock, outbox_interval=0.2)
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None
        if self.settings.webhook_url:  # as bot.cli.run_webhook, inside this event loop
            secret = self.settings.webhook_secret
            assert secret is not None
            log_refusals(self.settings.log_level)
            hook = webhook_of(
                self.settings.webhook_url, self.settings.webhook_listen, secret.get_secret_value()
            )
            await app.updater.start_webhook(
                listen=hook.listen, port=hook.port, url_path=hook.url_path,
                webhook_url=hook.url, secret_token=hook.secret,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            await app.updater.start_polling(poll_interval=0, timeout=1,
                                            allowed_updates=Update.ALL_TYPES)
        self.app = app

    async def stop(self) -> None:
        app, self.app = self.app, None
        if app is None:
            return
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    @asynccontextmanager
    async def running(self, csv_text: str | None = None) -> AsyncIterator[RunningBot]:
        """Seeded (the example catalog unless given), started, and stopped after."""
        await self.seed(csv_text)
        await self.start()
        try:
            yield self
        finally:
            await self.stop()


def button(message: FakeMessage, text_part: str) -> str:
    """The callback data of the button whose label contains `text_part`."""
    for row in message.inline_keyboard:
        for b in row:
            if text_part in b.get("text", "") and "callback_data" in b:
                return b["callback_data"]
    raise AssertionError(f"no button with {text_part!r} in {message.button_texts()}")


def data_starting(message: FakeMessage, prefix: str) -> str:
    for data in message.callback_data():
        if data.startswith(prefix):
            return data
    raise AssertionError(f"no button with data {prefix!r}… in {message.callback_data()}")
