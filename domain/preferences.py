"""What a customer lets the bot send unasked: reminders and surveys can be turned off;
status messages about their orders always arrive."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from domain.store import Store

Topic = Literal["reminders", "surveys"]
_COLUMNS: dict[str, str] = {"reminders": "reminders_enabled", "surveys": "surveys_enabled"}


@dataclass(frozen=True, slots=True)
class Preferences:
    reminders: bool = True
    surveys: bool = True


async def get_preferences(store: Store, user_id: int) -> Preferences:
    row = await store.fetchone(
        "SELECT reminders_enabled, surveys_enabled FROM customers WHERE user_id = ?", (user_id,)
    )
    if row is None:
        return Preferences()
    return Preferences(bool(row["reminders_enabled"]), bool(row["surveys_enabled"]))


async def set_preference(store: Store, user_id: int, topic: Topic, enabled: bool) -> Preferences:
    column = _COLUMNS.get(topic)
    if column is None:
        raise ValueError(f"unknown preference {topic!r}")
    async with store.transaction() as db:
        await db.execute(
            f"UPDATE customers SET {column} = ?, updated_at = ? WHERE user_id = ?",
            (int(enabled), store.now_db(), user_id),
        )
    return await get_preferences(store, user_id)
