"""The update being handled, and "its work is saved" written in the same commit as the work.

While a worker handles an update from the inbox (domain/store/inbox.py) it holds a `Ticket`
in `HANDLING` (a context variable: it follows the handler's awaits and nothing else). Every
write transaction of the store calls `settle` just before its commit; the first one marks the
update *worked* in the same commit as what the update changed, so a crash leaves either both
or neither. The update is *done* once its answer is sent (bot/inbox.py). One found worked and
not done after a crash is never run again (its work would be done twice): the person is shown
where things stand instead. Should this worker's lease have run out and another worker have
taken the update meanwhile, its write finds the update no longer ours and the transaction
rolls back (`TakenOver`): the work is done once, by the worker that holds the update.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.clock import to_db

Outcome = str  # 'handled' | 'dropped' | 'interrupted' | 'failed'

MARK_DONE = (
    "UPDATE inbox SET done_at = ?, outcome = ?, lease_until = NULL"
    " WHERE update_id = ? AND worker = ? AND done_at IS NULL"
)
MARK_WORKED = (
    "UPDATE inbox SET worked_at = ? WHERE update_id = ? AND worker = ? AND done_at IS NULL"
)


class TakenOver(Exception):
    """The update was claimed by another worker after this one's lease ran out."""


@dataclass(slots=True)
class Ticket:
    update_id: int
    worker: str
    outcome: Outcome = "handled"
    worked: bool = False  # its first write committed
    # The task handling the update. A task started from it (a job the handler scheduled, the
    # outbox kicked) copies the context variable, but its writes are not the update's work.
    task: asyncio.Task[Any] | None = field(default_factory=asyncio.current_task)


HANDLING: ContextVar[Ticket | None] = ContextVar("inbox_ticket", default=None)


@contextmanager
def idempotent() -> Iterator[None]:
    """Writes inside are safe to make again (an upsert of what Telegram says about a user):
    they do not count as the update's work, so a crash right after them still replays it."""
    token = HANDLING.set(None)
    try:
        yield
    finally:
        HANDLING.reset(token)


async def settle(db: Any, now: datetime) -> None:
    """Inside a write transaction, before its commit: mark the update being handled worked
    (once). Raises TakenOver, rolling the transaction back, if another worker holds it now."""
    ticket = HANDLING.get()
    if ticket is None or ticket.worked or ticket.task is not asyncio.current_task():
        return
    cur = await db.execute(MARK_WORKED, (to_db(now), ticket.update_id, ticket.worker))
    if cur.rowcount != 1:
        raise TakenOver(ticket.update_id)
    ticket.worked = True
