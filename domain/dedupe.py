"""Handled messages: a staff command whose effect is not idempotent by itself (a restock, a
note) claims its message in the effect's transaction, so a redelivered update or an edit of
the same message does nothing twice."""

from __future__ import annotations

from datetime import datetime

from domain.errors import DomainError
from domain.store import Connection
from domain.store import staff_messages as staff_message_rows

MessageKey = tuple[int, int]  # (chat id, message id)


class AlreadyProcessed(DomainError):
    code = "already_processed"


async def claim(db: Connection, key: MessageKey | None, now: datetime) -> None:
    """Record `key` as handled; AlreadyProcessed if it was. No key: nothing to remember."""
    if key is None:
        return
    if not await staff_message_rows.claim_handled(db, key[0], key[1], now):
        raise AlreadyProcessed()
