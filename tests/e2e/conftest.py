from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

import pytest_asyncio

from domain.clock import FrozenClock
from tests.e2e.harness import FROZEN_AT, RunningBot, make_settings
from tests.fakebotapi import FakeBotApi
from tests.fakebotapi.fixtures import fake_tg  # noqa: F401 - the server fixture


@pytest_asyncio.fixture
async def shop(
    fake_tg: FakeBotApi, db_location: Path | str  # noqa: F811
) -> AsyncIterator[RunningBot]:
    """The real bot, with the example catalog, polling the fake Bot API (on each engine)."""
    bot = RunningBot(fake_tg, make_settings(fake_tg, db_location))
    async with bot.running():
        yield bot


@pytest_asyncio.fixture
async def frozen_shop(
    fake_tg: FakeBotApi, new_location: Callable[[datetime], Path | str]  # noqa: F811
) -> AsyncIterator[RunningBot]:
    """The bot on a clock of its own, at FROZEN_AT until a test moves it (`shop.clock`)."""
    settings = make_settings(fake_tg, new_location(FROZEN_AT))
    async with RunningBot(fake_tg, settings, FrozenClock(FROZEN_AT)).running() as bot:
        yield bot
