"""The update being handled, and its "done" written in the same commit as its work.

While a worker handles an update from the inbox (domain/store/inbox.py) it holds a `Ticket`
in `HANDLING` (a context variable: it follows the handler's awaits and nothing else). Every
write transaction of the store calls `settle` just before its commit; the first one marks the
update done in the same commit as what the update changed, so a crash leaves either both or
neither. Should this worker's lease have run out and another worker have taken the update
meanwhile, that write finds the update no longer ours and the transaction rolls back
(`TakenOver`): the work is done once, by the worker that holds the update.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.clock import to_db

Outcome = str  # 'handled' | 'dropped' | 'interrupted' | 'failed'

MARK_DONE = (
    "UPDATE inbox SET done_at = ?, outcome = ?, lease_until = NULL"
    " WHERE update_id = ? AND worker = ? AND done_at IS NULL"
)


class TakenOver(Exception):
    """The update was claimed by another worker after this one's lease ran out."""


@dataclass(slots=True)
class Ticket:
    update_id: int
    worker: str
    outcome: Outcome = "handled"
    done: bool = False


HANDLING: ContextVar[Ticket | None] = ContextVar("inbox_ticket", default=None)


async def settle(db: Any, now: datetime) -> None:
    """Inside a write transaction, before its commit: mark the update being handled done
    (once). Raises TakenOver, rolling the transaction back, if another worker holds it now."""
    ticket = HANDLING.get()
    if ticket is None or ticket.done:
        return
    cur = await db.execute(MARK_DONE, (to_db(now), ticket.outcome, ticket.update_id, ticket.worker))
    if cur.rowcount != 1:
        raise TakenOver(ticket.update_id)
    ticket.done = True
