"""The bot's open questions in the staff group about a complaint or a refund
(aftersales_prompts, migration 010): staff answer by replying to the question's message."""

from __future__ import annotations

from datetime import datetime

from domain.clock import to_db
from domain.store import Connection, Row, fetchall, fetchone


async def add(
    db: Connection,
    chat_id: int,
    message_id: int,
    order_id: int,
    subject: str,
    subject_id: int,
    ask: str,
    extra: str | None,
    created_by: int | None,
    now: datetime,
) -> None:
    """A question waiting for a reply; a second one for the same message is ignored."""
    await db.execute(
        "INSERT INTO aftersales_prompts (chat_id, message_id, order_id, subject, subject_id,"
        " ask, extra, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (chat_id, message_id) DO NOTHING",
        (chat_id, message_id, order_id, subject, subject_id, ask, extra, created_by,
         to_db(now)),
    )


async def get(db: Connection, chat_id: int, message_id: int) -> Row | None:
    """The question asked in that message (closed_at None while open)."""
    return await fetchone(
        db,
        "SELECT * FROM aftersales_prompts WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )


async def open_about(db: Connection, subject: str, subject_id: int) -> list[Row]:
    """The questions still open about one complaint or refund, oldest first."""
    return await fetchall(
        db,
        "SELECT * FROM aftersales_prompts WHERE subject = ? AND subject_id = ?"
        " AND closed_at IS NULL ORDER BY created_at, message_id",
        (subject, subject_id),
    )


async def close(db: Connection, chat_id: int, message_id: int, now: datetime) -> bool:
    """Answered or overtaken; False when it already was (kept: a late reply hears so)."""
    cur = await db.execute(
        "UPDATE aftersales_prompts SET closed_at = ? WHERE chat_id = ? AND message_id = ?"
        " AND closed_at IS NULL",
        (to_db(now), chat_id, message_id),
    )
    return cur.rowcount == 1
