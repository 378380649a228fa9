"""Where the staff group went: each upgrade of a group to a supergroup (old id → new id)."""

from __future__ import annotations

from datetime import datetime

from domain.clock import to_db
from domain.store import Connection, fetchall


async def add_move(db: Connection, from_chat_id: int, to_chat_id: int, now: datetime) -> bool:
    """Record that `from_chat_id` became `to_chat_id`; False when that move was known."""
    cur = await db.execute(
        "INSERT INTO staff_chat_moves (from_chat_id, to_chat_id, moved_at) VALUES (?, ?, ?)"
        " ON CONFLICT (from_chat_id) DO NOTHING",
        (from_chat_id, to_chat_id, to_db(now)),
    )
    return cur.rowcount == 1


async def moves(db: Connection) -> dict[int, int]:
    """Every recorded move, old id → new id."""
    rows = await fetchall(db, "SELECT from_chat_id, to_chat_id FROM staff_chat_moves")
    return {r["from_chat_id"]: r["to_chat_id"] for r in rows}
