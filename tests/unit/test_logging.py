"""The bot token never reaches the logs, not even in httpx's request lines or tracebacks."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logsetup import RedactingFormatter, setup_logging

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture
def captured() -> io.StringIO:
    setup_logging("DEBUG", TOKEN)
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    return stream


def test_request_urls_are_redacted(captured: io.StringIO) -> None:
    logging.getLogger("httpx").info(
        'HTTP Request: POST https://api.telegram.org/bot%s/getUpdates "HTTP/1.1 200 OK"', TOKEN
    )
    out = captured.getvalue()
    assert TOKEN not in out
    assert "/bot<token>/getUpdates" in out


def test_tracebacks_are_redacted(captured: io.StringIO) -> None:
    try:
        raise RuntimeError(f"failed https://api.telegram.org/bot{TOKEN}/sendMessage")
    except RuntimeError:
        logging.getLogger("bot").exception("send failed")
    out = captured.getvalue()
    assert "RuntimeError" in out
    assert TOKEN not in out


def test_any_token_shaped_string_is_redacted() -> None:
    other = "987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token %s", (other,), None)
    assert other not in RedactingFormatter(TOKEN, "%(message)s").format(record)


def test_httpx_request_lines_only_at_debug() -> None:
    setup_logging("INFO", TOKEN)
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
