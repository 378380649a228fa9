"""What a customer lets the bot send unasked: reminders and surveys can be turned off;
status messages about their orders always arrive."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from domain.store import Store
from domain.store import customers as customer_rows

Topic = Literal["reminders", "surveys"]
_TOPICS: frozenset[str] = frozenset({"reminders", "surveys"})


@dataclass(frozen=True, slots=True)
class Preferences:
    reminders: bool = True
    surveys: bool = True


async def get_preferences(store: Store, user_id: int) -> Preferences:
    found = await customer_rows.switches(store.reader, user_id)
    if found is None:
        return Preferences()
    return Preferences(*found)


async def set_preference(store: Store, user_id: int, topic: Topic, enabled: bool) -> Preferences:
    if topic not in _TOPICS:
        raise ValueError(f"unknown preference {topic!r}")
    async with store.transaction() as db:
        await customer_rows.set_switch(db, user_id, topic, enabled, store.now())
    return await get_preferences(store, user_id)
