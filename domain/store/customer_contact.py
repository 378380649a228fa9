"""What may be sent to a customer: the reminder and survey switches they set, and whether the
bot can reach them at all (a customer who blocked the bot cannot be)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from domain.clock import to_db
from domain.store import Connection, fetchone

Switch = Literal["reminders", "surveys"]
_COLUMNS: dict[str, str] = {"reminders": "reminders_enabled", "surveys": "surveys_enabled"}


async def switches(db: Connection, user_id: int) -> tuple[bool, bool] | None:
    """(reminders, surveys) as the customer set them; None for an unknown customer."""
    row = await fetchone(
        db, "SELECT reminders_enabled, surveys_enabled FROM customers WHERE user_id = ?", (user_id,)
    )
    if row is None:
        return None
    return bool(row["reminders_enabled"]), bool(row["surveys_enabled"])


async def set_switch(
    db: Connection, user_id: int, switch: Switch, enabled: bool, now: datetime
) -> None:
    column = _COLUMNS[switch]  # a name from this table, never the caller's text
    await db.execute(
        f"UPDATE customers SET {column} = ?, updated_at = ? WHERE user_id = ?",
        (int(enabled), to_db(now), user_id),
    )


async def mark_unreachable(db: Connection, user_id: int, now: datetime) -> None:
    await db.execute(
        "UPDATE customers SET reachable = 0, updated_at = ? WHERE user_id = ?",
        (to_db(now), user_id),
    )
