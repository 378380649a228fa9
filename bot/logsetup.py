"""Logging that never shows the bot token (httpx logs request URLs, which contain it)."""

from __future__ import annotations

import logging
import re

# Any token-shaped string, so a token from another setting or a traceback is caught too.
_TOKEN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")


class RedactingFormatter(logging.Formatter):
    """Redacts the whole formatted record, tracebacks included."""

    def __init__(self, token: str, fmt: str) -> None:
        super().__init__(fmt)
        self.token = token

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if self.token:
            text = text.replace(self.token, "<token>")
        return _TOKEN.sub("<token>", text)


def setup_logging(level: str, token: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter(token, "%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request at INFO; keep that for debugging only.
    logging.getLogger("httpx").setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
