"""Handled messages: a staff command whose effect is not idempotent by itself (a restock, a
note) claims its message in the effect's transaction, so a redelivered update or an edit of
the same message does nothing twice."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from domain.clock import to_db
from domain.errors import DomainError

MessageKey = tuple[int, int]  # (chat id, message id)


class AlreadyProcessed(DomainError):
    code = "already_processed"


async def claim(db: aiosqlite.Connection, key: MessageKey | None, now: datetime) -> None:
    """Record `key` as handled; AlreadyProcessed if it was. No key: nothing to remember."""
    if key is None:
        return
    cur = await db.execute(
        "INSERT INTO handled_messages (chat_id, message_id, handled_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (key[0], key[1], to_db(now)),
    )
    if cur.rowcount != 1:
        raise AlreadyProcessed()
