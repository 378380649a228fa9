"""Who did something: a person (Telegram user id and display name) or the system."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    id: int | None
    name: str


SYSTEM = Actor(None, "system")
