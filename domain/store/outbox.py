"""The outbox table: messages waiting to be sent, and what became of each.

Payloads are stored as JSON text and times in the store's form; callers hand in dicts and
datetimes. Which kinds exist and who may be sent what are the domain's (domain/outbox.py).

Several workers share the table: a sender claims the due rows it will send (`claimed_by`,
`claim_until`: its name and a lease, migration 012) in a write transaction, a whole chat's
lane at a time, and every outcome (sent, retry, postponed, failed) clears the claim.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from domain.clock import from_db, to_db
from domain.store import Connection, Row, dialect_of, fetchall, fetchone, from_row

Audience = Literal["customer", "staff"]
_ERROR_CHARS = 500  # last_error keeps the start of a long error
_UNCLAIM = "claimed_by = NULL, claim_until = NULL"  # an outcome lets the row go


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    audience: Audience
    chat_id: int | None
    kind: str  # a Kind, or a kind this version does not know (a row from another version)
    order_id: int | None
    payload: dict[str, Any]
    attempts: int
    not_before: datetime


async def add(
    db: Connection,
    *,
    audience: Audience,
    kind: str,
    chat_id: int | None,
    order_id: int | None,
    payload: dict[str, Any],
    dedupe_key: str | None,
    created_at: datetime,
    not_before: datetime,
) -> int | None:
    """The new row's id; None when a row with this dedupe_key exists (nothing is written)."""
    row = await fetchone(
        db,
        "INSERT INTO outbox (audience, chat_id, kind, order_id, payload, dedupe_key,"
        " created_at, not_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
        (
            audience,
            chat_id,
            kind,
            order_id,
            json.dumps(payload, ensure_ascii=False),
            dedupe_key,
            to_db(created_at),
            to_db(not_before),
        ),
    )
    return None if row is None else row["id"]


def _message(row: Row) -> OutboxMessage:
    return from_row(
        OutboxMessage,
        row,
        payload=json.loads(row["payload"]),
        not_before=from_db(row["not_before"]),
    )


async def pending_due(
    db: Connection, now: datetime, limit: int, audience: Audience | None = None
) -> list[OutboxMessage]:
    """Pending rows due at `now`, oldest first; one audience's only if given."""
    where = "" if audience is None else " AND audience = ?"
    rows = await fetchall(
        db,
        "SELECT * FROM outbox WHERE state = 'pending' AND not_before <= ?"
        + where
        + " ORDER BY not_before, id LIMIT ?",
        (to_db(now), *([audience] if audience else []), limit),
    )
    return [_message(r) for r in rows]


def _lane_held(audience: Audience) -> str:
    """No row of this lane is held by another worker whose lease still runs: a chat's lane
    for customers, the one staff group for staff (its rows go in order as one lane)."""
    same_lane = "h.audience = 'staff'" if audience == "staff" else (
        "h.audience = 'customer' AND h.chat_id = o.chat_id"
    )
    return (
        " AND NOT EXISTS (SELECT 1 FROM outbox h WHERE h.claimed_by IS NOT NULL AND "
        + same_lane
        + " AND h.claimed_by <> ? AND h.claim_until > ? AND h.state = 'pending')"
    )


def skip_locked(db: Connection) -> str:
    """PostgreSQL's `FOR UPDATE SKIP LOCKED` after a claiming SELECT (rows another worker's
    transaction is claiming are passed over, not waited for); nothing on SQLite, whose write
    transactions are the only writer anyway."""
    return " FOR UPDATE OF o SKIP LOCKED" if dialect_of(db) == "postgresql" else ""


_CLAIMABLE = (
    "SELECT o.* FROM outbox o WHERE o.state = 'pending' AND o.not_before <= ?"
    " AND o.audience = ?"
)


async def claimable(db: Connection, now: datetime, worker: str, audience: Audience) -> bool:
    """Whether a due row of this audience waits that `worker` could claim (a read: the sender
    opens a write transaction only when there is something to claim)."""
    params = (to_db(now), audience, worker, to_db(now))
    row = await fetchone(db, _CLAIMABLE + _lane_held(audience) + " LIMIT 1", params)
    return row is not None


async def claim_due(
    db: Connection,
    now: datetime,
    worker: str,
    until: datetime,
    limit: int,
    audience: Audience,
) -> list[OutboxMessage]:
    """Inside a write transaction: up to `limit` due rows of `audience`, oldest first, from
    lanes no other live worker holds, marked as `worker`'s until `until`. A chat whose row
    another worker holds is left whole (its order stays). Rows `worker` holds already (a
    restart under the same name) are taken again."""
    rows = await fetchall(
        db,
        _CLAIMABLE + _lane_held(audience) + " ORDER BY o.not_before, o.id LIMIT ?"
        + skip_locked(db),
        (to_db(now), audience, worker, to_db(now), limit),
    )
    if rows:
        ids = [r["id"] for r in rows]
        await db.execute(
            "UPDATE outbox SET claimed_by = ?, claim_until = ?"
            f" WHERE id IN ({', '.join('?' * len(ids))})",
            (worker, to_db(until), *ids),
        )
    return [_message(r) for r in rows]


async def renew_claims(
    db: Connection, worker: str, ids: list[int], until: datetime
) -> int:
    """`worker`'s claims on these rows (those still pending) run until `until`; how many."""
    if not ids:
        return 0
    cur = await db.execute(
        "UPDATE outbox SET claim_until = ? WHERE claimed_by = ? AND state = 'pending'"
        f" AND id IN ({', '.join('?' * len(ids))})",
        (to_db(until), worker, *ids),
    )
    return cur.rowcount


async def release_claims(db: Connection, worker: str, ids: list[int]) -> None:
    """`worker` lets these rows go (left pending by a lane that stopped): anyone may send them."""
    if ids:
        await db.execute(
            "UPDATE outbox SET claimed_by = NULL, claim_until = NULL WHERE claimed_by = ?"
            f" AND id IN ({', '.join('?' * len(ids))})",
            (worker, *ids),
        )


async def next_due_at(db: Connection) -> datetime | None:
    row = await fetchone(db, "SELECT MIN(not_before) AS t FROM outbox WHERE state = 'pending'")
    return from_db(row["t"]) if row and row["t"] else None


async def mark_sent(
    db: Connection, message_id: int, telegram_message_id: int | None, now: datetime
) -> None:
    await db.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ?, message_id = ?,"
        " attempts = attempts + 1, " + _UNCLAIM + " WHERE id = ? AND state = 'pending'",
        (to_db(now), telegram_message_id, message_id),
    )


async def mark_retry(db: Connection, message_id: int, error: str, retry_at: datetime) -> None:
    await db.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, not_before = ?, "
        + _UNCLAIM + " WHERE id = ? AND state = 'pending'",
        (error[:_ERROR_CHARS], to_db(retry_at), message_id),
    )


async def postpone(db: Connection, message_id: int, retry_at: datetime, error: str) -> None:
    """A new time without counting an attempt."""
    await db.execute(
        "UPDATE outbox SET last_error = ?, not_before = ?, " + _UNCLAIM
        + " WHERE id = ? AND state = 'pending'",
        (error[:_ERROR_CHARS], to_db(retry_at), message_id),
    )


async def mark_failed(db: Connection, message_id: int, error: str) -> None:
    await db.execute(
        "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?, "
        + _UNCLAIM + " WHERE id = ? AND state = 'pending'",
        (error[:_ERROR_CHARS], message_id),
    )


async def drop_pending_for_customer(db: Connection, chat_id: int, error: str) -> None:
    """The customer's pending messages become 'unreachable' (they are not sent)."""
    await db.execute(
        "UPDATE outbox SET state = 'unreachable', last_error = ?, " + _UNCLAIM
        + " WHERE state = 'pending' AND audience = 'customer' AND chat_id = ?",
        (error[:_ERROR_CHARS], chat_id),
    )


async def release_held(db: Connection, dedupe_key: str, now: datetime) -> None:
    """A pending row held for later (by dedupe_key) becomes due at `now`."""
    await db.execute(
        "UPDATE outbox SET not_before = ? WHERE dedupe_key = ? AND state = 'pending'"
        " AND not_before > ?",
        (to_db(now), dedupe_key, to_db(now)),
    )


async def pending_after(db: Connection, kind: str, order_id: int, after_id: int) -> bool:
    """Whether a pending row of this kind for the order was queued after row `after_id`."""
    row = await fetchone(
        db,
        "SELECT 1 FROM outbox WHERE kind = ? AND state = 'pending'"
        " AND order_id = ? AND id > ? LIMIT 1",
        (kind, order_id, after_id),
    )
    return row is not None


async def counts_by_state(db: Connection) -> dict[str, int]:
    rows = await fetchall(db, "SELECT state, COUNT(*) AS n FROM outbox GROUP BY state")
    return {r["state"]: r["n"] for r in rows}


async def pending_count(db: Connection, audience: Audience) -> int:
    row = await fetchone(
        db, "SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending' AND audience = ?", (audience,)
    )
    return row["n"] if row else 0
