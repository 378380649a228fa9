"""Strict in-process fake of the Telegram Bot API for tests.

Typical use with the real PTB Application::

    async with FakeBotApi() as tg:
        app = (
            ApplicationBuilder()
            .token(tg.token)
            .base_url(tg.base_url)
            .base_file_url(tg.base_file_url)
            .build()
        )
        alice = tg.user(1001, "Alice")
        await tg.send_text(alice, "/start")
        reply = await tg.wait_bot_message(alice)
        tg.assert_clean()
"""

from .balancer import Balancer, Forward
from .html_check import HtmlParseError, ParsedText, parse_html
from .server import DEFAULT_TOKEN, DROP, ApiError, FakeBotApi
from .state import (
    CallbackAnswer,
    FakeChat,
    FakeMessage,
    FakeUser,
    SentDocument,
    StoredFile,
    UploadedFile,
    Violation,
)

__all__ = [
    "DEFAULT_TOKEN",
    "DROP",
    "ApiError",
    "Balancer",
    "CallbackAnswer",
    "FakeBotApi",
    "FakeChat",
    "FakeMessage",
    "FakeUser",
    "Forward",
    "HtmlParseError",
    "ParsedText",
    "SentDocument",
    "StoredFile",
    "UploadedFile",
    "Violation",
    "parse_html",
]
