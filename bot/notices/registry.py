"""The outbox renderers' registry: one renderer per message kind, registered by decorator.

bot/notices/__init__.py imports every module that registers, so importing `bot.notices`
gives the complete table; `check_complete` says whether every Kind has its renderer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Bot
from telegram.error import BadRequest

from bot.settings import Settings
from domain.fulfilment.couriers import CourierBook
from domain.outbox import Kind, OutboxMessage
from domain.schedule.policy import Policy
from domain.store import Store
from messages import Messages


@dataclass(frozen=True)
class NoticeKit:
    """What a renderer needs: built once by the composition root, handed to the sender."""

    settings: Settings
    store: Store
    messages: Messages
    couriers: CourierBook
    schedule: Policy  # the scheduled follow-up's limits (a nudge shows its stage's)


Renderer = Callable[[NoticeKit, Bot, int, OutboxMessage], Awaitable[int | None]]
RENDERERS: dict[Kind, Renderer] = {}


def renderer(kind: Kind) -> Callable[[Renderer], Renderer]:
    """Register the one renderer of `kind` (a second one for the same kind is a bug)."""

    def register(func: Renderer) -> Renderer:
        if kind in RENDERERS:
            raise RuntimeError(f"two renderers for outbox kind {kind!r}")
        RENDERERS[kind] = func
        return func

    return register


def is_not_modified(exc: BadRequest) -> bool:
    return "not modified" in exc.message.lower()


def check_complete() -> None:
    """Every Kind the domain may queue has a renderer, and nothing else has one: a missing
    renderer fails at start, not as a "failed" outbox row in production."""
    missing = sorted(str(k) for k in set(Kind) - set(RENDERERS))
    unknown = sorted(str(k) for k in set(RENDERERS) - set(Kind))
    if missing or unknown:
        raise RuntimeError(f"outbox renderers: missing {missing}, unknown {unknown}")
