"""The bot token never reaches the logs, not even in httpx's request lines or tracebacks."""

from __future__ import annotations

import io
import logging
import sys
import threading

import pytest
from telegram.error import InvalidToken

from bot.logsetup import (
    RedactingFormatter,
    RedactingStream,
    install_redaction,
    redact,
    setup_logging,
)

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


# Everything else written to the console goes through RedactingStream and the hooks that
# `python -m bot` installs (tests/e2e/test_startup_faults.py runs them in a real process).


def test_a_token_written_in_pieces_is_still_redacted() -> None:
    out = io.StringIO()
    stream = RedactingStream(out, TOKEN)
    print("url /bot", TOKEN[:10], TOKEN[10:], "/getMe", sep="", file=stream)  # type: ignore[arg-type]
    assert out.getvalue() == "url /bot<token>/getMe\n"


def test_a_partial_line_is_held_until_a_newline_or_flush() -> None:
    out = io.StringIO()
    stream = RedactingStream(out, TOKEN)
    stream.write("waiting for " + TOKEN[:5])
    assert out.getvalue() == ""
    stream.write(TOKEN[5:])
    stream.flush()
    assert out.getvalue() == "waiting for <token>"


def test_a_short_token_is_redacted_by_value() -> None:
    assert redact("bot1:abc/getMe", "1:abc") == "bot<token>/getMe"


def test_uncaught_exceptions_are_printed_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", RedactingStream(err, TOKEN))
    monkeypatch.setattr(sys, "stdout", sys.stdout)  # restored after: it gets wrapped too
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_redaction(TOKEN)
    assert sys.stderr.stream is err  # type: ignore[attr-defined]  # not wrapped twice
    try:
        raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.")
    except InvalidToken as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    thread = threading.Thread(target=lambda: int(TOKEN), name="poller")
    thread.start()
    thread.join()
    text = err.getvalue()
    assert "Traceback" in text and "InvalidToken: The token `<token>` was rejected" in text
    assert "Exception in thread poller" in text and "ValueError" in text
    assert TOKEN not in text
