"""Webhook mode (WEBHOOK_URL): Telegram posts each update to the bot's own HTTP server, which
python-telegram-bot runs (tornado). Every request must carry WEBHOOK_SECRET in Telegram's
`X-Telegram-Bot-Api-Secret-Token` header; PTB answers a wrong or missing one 403 and says so
only at DEBUG, so `log_refusals` raises exactly those lines to a WARNING (without the secret
the caller presented). Long polling stays the default."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

# PTB's webhook handler logs as this logger ("we log as Updater").
UPDATER_LOGGER = "telegram.ext.Updater"
_REFUSALS = ("Request did not include the secret token", "Request had the wrong secret token")
REFUSED = "Webhook request refused with 403: %s"


@dataclass(frozen=True, slots=True)
class Webhook:
    listen: str  # address to bind
    port: int
    url_path: str  # the path Telegram posts to (from WEBHOOK_URL)
    url: str  # what setWebhook registers
    secret: str


def webhook_of(url: str, listen: str, secret: str) -> Webhook:
    host, _, port = listen.rpartition(":")
    return Webhook(host, int(port), urlsplit(url).path.strip("/"), url, secret)


class _Refusals(logging.Filter):
    """On PTB's Updater logger: its two secret-token refusals become warnings; its other
    DEBUG lines pass only when the app logs at DEBUG."""

    def __init__(self, debug: bool) -> None:
        super().__init__()
        self.debug = debug

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.DEBUG and isinstance(record.msg, str):
            reason = next((r for r in _REFUSALS if record.msg.startswith(r)), None)
            if reason is not None:
                record.levelno, record.levelname = logging.WARNING, "WARNING"
                record.msg, record.args = REFUSED, (reason.removeprefix("Request ").lower(),)
                return True
            return self.debug
        return True


def log_refusals(level: str) -> None:
    """Make refused webhook requests visible at LOG_LEVEL (call after setup_logging)."""
    logger = logging.getLogger(UPDATER_LOGGER)
    for old in [f for f in logger.filters if isinstance(f, _Refusals)]:
        logger.removeFilter(old)
    logger.addFilter(_Refusals(debug=level == "DEBUG"))
    logger.setLevel(logging.DEBUG)  # the filter decides what passes
