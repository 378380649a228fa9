"""What the bot remembers about messages in the staff group: which were handled already
(handled_messages) and which of its questions wait for a reply (staff_prompts)."""

from __future__ import annotations

from datetime import datetime

from domain.clock import to_db
from domain.store import Connection, Row, fetchone


async def claim_handled(db: Connection, chat_id: int, message_id: int, now: datetime) -> bool:
    """Record the message as handled; False if it already was."""
    cur = await db.execute(
        "INSERT INTO handled_messages (chat_id, message_id, handled_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (chat_id, message_id, to_db(now)),
    )
    return cur.rowcount == 1


async def add_prompt(
    db: Connection,
    chat_id: int,
    message_id: int,
    order_id: int,
    action: str,
    courier: str | None,
    created_by: int | None,
    now: datetime,
) -> None:
    """A question waiting for a reply; a second one for the same message is ignored."""
    await db.execute(
        "INSERT INTO staff_prompts (chat_id, message_id, order_id, action, courier,"
        " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (chat_id, message_id) DO NOTHING",
        (chat_id, message_id, order_id, action, courier, created_by, to_db(now)),
    )


async def prompt(db: Connection, chat_id: int, message_id: int) -> Row | None:
    """The question asked in that message: chat_id, message_id, order_id, action, courier,
    closed_at (None while open), …"""
    return await fetchone(
        db,
        "SELECT * FROM staff_prompts WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )


async def close_prompt(db: Connection, chat_id: int, message_id: int, now: datetime) -> None:
    await db.execute(
        "UPDATE staff_prompts SET closed_at = ? WHERE chat_id = ? AND message_id = ?"
        " AND closed_at IS NULL",
        (to_db(now), chat_id, message_id),
    )
