"""What handlers and jobs need, built once by the composition root and kept in bot_data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.settings import Settings
from domain.store import Store
from messages import Messages

if TYPE_CHECKING:
    from bot.sender import OutboxSender

DEPS_KEY = "deps"


@dataclass
class Deps:
    settings: Settings
    store: Store
    messages: Messages
    sender: OutboxSender = field(init=False)  # needs the Deps itself; set right after


def deps(context: Any) -> Deps:
    """The Deps of a handler's or job's context (bot_data is not persisted)."""
    return context.bot_data[DEPS_KEY]
