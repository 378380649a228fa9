"""The outbox renderers' registry: one renderer per message kind, registered by decorator.

bot/notices/__init__.py imports every module that registers, so importing `bot.notices`
gives the complete table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from telegram import Bot
from telegram.error import BadRequest

from domain.outbox import OutboxMessage

if TYPE_CHECKING:
    from bot.deps import Deps

Renderer = Callable[["Deps", Bot, int, OutboxMessage], Awaitable[int | None]]
RENDERERS: dict[str, Renderer] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    def register(func: Renderer) -> Renderer:
        RENDERERS[kind] = func
        return func

    return register


def is_not_modified(exc: BadRequest) -> bool:
    return "not modified" in exc.message.lower()
