"""The application's error handler: a lost connection while polling is one line, not a
traceback; a real fault in a handler is still logged with its traceback."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from telegram.error import NetworkError, TimedOut

from bot.app import _on_error


@pytest.mark.parametrize("error", [NetworkError("Bad Gateway"), TimedOut()])
async def test_polling_network_error_is_one_warning(
    error: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.app")
    await _on_error(None, SimpleNamespace(error=error))
    records = [r for r in caplog.records if r.name == "bot.app"]
    assert [r.levelno for r in records] == [logging.WARNING]
    assert records[0].exc_info is None
    assert "retrying" in records[0].getMessage()


async def test_other_errors_keep_their_traceback(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.app")
    try:
        raise ValueError("a bug")
    except ValueError as exc:
        error = exc
    await _on_error(None, SimpleNamespace(error=error))
    records = [r for r in caplog.records if r.name == "bot.app"]
    assert [r.levelno for r in records] == [logging.ERROR]
    assert records[0].exc_info is not None
