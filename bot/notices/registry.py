"""The outbox renderers' registry: one renderer per message kind, registered by decorator.

bot/notices/__init__.py imports every module that registers, so importing `bot.notices`
gives the complete table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Bot
from telegram.error import BadRequest

from bot.settings import Settings
from domain.couriers import CourierBook
from domain.outbox import OutboxMessage
from domain.store import Store
from messages import Messages


@dataclass(frozen=True)
class NoticeKit:
    """What a renderer needs: built once by the composition root, handed to the sender."""

    settings: Settings
    store: Store
    messages: Messages
    couriers: CourierBook


Renderer = Callable[[NoticeKit, Bot, int, OutboxMessage], Awaitable[int | None]]
RENDERERS: dict[str, Renderer] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    def register(func: Renderer) -> Renderer:
        RENDERERS[kind] = func
        return func

    return register


def is_not_modified(exc: BadRequest) -> bool:
    return "not modified" in exc.message.lower()
