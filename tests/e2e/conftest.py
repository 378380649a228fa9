from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from tests.e2e.harness import RunningBot, make_settings
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
