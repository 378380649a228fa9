"""Pytest fixtures for the fake Bot API.

Enable in tests/conftest.py with::

    from tests.fakebotapi.fixtures import fake_tg  # noqa: F401
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from .server import FakeBotApi


@pytest_asyncio.fixture
async def fake_tg() -> AsyncIterator[FakeBotApi]:
    """A started FakeBotApi; at teardown the bot must not have made refused requests."""
    server = FakeBotApi()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
    # Also runs after a failed test: the violations often explain the failure.
    server.assert_clean()
