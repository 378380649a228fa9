"""The inbox (migration 011): updates as Telegram delivered them, stored before Telegram is told
they arrived, claimed per lane (a chat) by one worker at a time with a lease, marked done.

Worked in the same transaction as the work, done once answered: see domain/store/handling.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.clock import from_db, to_db
from domain.store.handling import HANDLING, MARK_DONE, Outcome, TakenOver, Ticket
from domain.store.sqlite import Connection, dialect_of, fetchall, fetchone

__all__ = ["HANDLING", "Claimed", "TakenOver", "Ticket"]

@dataclass(frozen=True, slots=True)
class Claimed:
    update_id: int
    lane: int
    payload: str
    received_at: datetime
    attempts: int
    worked: bool  # a worker died after its work was saved, before it was done


async def record(
    db: Connection, updates: Sequence[tuple[int, int, str]], now: datetime
) -> int:
    """Store (update_id, lane, payload) rows; a repeated update_id is ignored. How many were new."""
    added = 0
    for update_id, lane, payload in updates:
        cur = await db.execute(
            "INSERT INTO inbox (update_id, lane, payload, received_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (update_id) DO NOTHING",
            (update_id, lane, payload, to_db(now)),
        )
        added += max(cur.rowcount, 0)
    return added


_FREE_LANES = (
    "SELECT lane FROM inbox WHERE done_at IS NULL{one} GROUP BY lane"
    " HAVING MAX(CASE WHEN lease_until > ? THEN 1 ELSE 0 END) = 0"
    " ORDER BY MIN(update_id) LIMIT ?"
)


async def free_lanes(
    db: Connection, now: datetime, limit: int, lane: int | None = None
) -> list[int]:
    """Lanes with updates waiting that no live lease holds, the longest waiting first (only
    `lane`, if given)."""
    if lane is None:
        rows = await fetchall(db, _FREE_LANES.format(one=""), (to_db(now), limit))
    else:
        rows = await fetchall(db, _FREE_LANES.format(one=" AND lane = ?"), (lane, to_db(now), 1))
    return [r["lane"] for r in rows]


async def claim(
    db: Connection,
    worker: str,
    now: datetime,
    lease_until: datetime,
    lanes: int,
    lane: int | None = None,
) -> list[Claimed]:
    """Take every waiting update of up to `lanes` free lanes (or of `lane`, if it is free)
    for `worker` until `lease_until`; in lane, then update_id order. In a write transaction."""
    free = await free_lanes(db, now, lanes, lane)
    if not free:
        return []
    marks = ", ".join("?" for _ in free)
    # Every write transaction is already the only writer (BEGIN IMMEDIATE / the advisory
    # lock); SKIP LOCKED keeps this claim correct should that lock ever narrow.
    skip = " FOR UPDATE SKIP LOCKED" if dialect_of(db) == "postgresql" else ""
    rows = await fetchall(
        db,
        "UPDATE inbox SET worker = ?, lease_until = ?, attempts = attempts + 1"
        " WHERE update_id IN (SELECT update_id FROM inbox WHERE done_at IS NULL"
        f" AND lane IN ({marks}){skip})"
        " RETURNING update_id, lane, payload, received_at, attempts, worked_at",
        (worker, to_db(lease_until), *free),
    )
    claimed = [
        Claimed(
            r["update_id"],
            r["lane"],
            r["payload"],
            from_db(r["received_at"]),
            r["attempts"],
            r["worked_at"] is not None,
        )
        for r in rows
    ]
    return sorted(claimed, key=lambda c: (free.index(c.lane), c.update_id))


async def renew(db: Connection, worker: str, lease_until: datetime) -> int:
    """Extend every lease `worker` holds on updates not yet done."""
    cur = await db.execute(
        "UPDATE inbox SET lease_until = ? WHERE worker = ? AND done_at IS NULL",
        (to_db(lease_until), worker),
    )
    return cur.rowcount


async def mark_done(
    db: Connection, update_id: int, worker: str, outcome: Outcome, now: datetime
) -> bool:
    """Done, if `worker` still holds it; False when it does not (taken over, or done)."""
    cur = await db.execute(MARK_DONE, (to_db(now), outcome, update_id, worker))
    return cur.rowcount == 1


async def release(db: Connection, worker: str | None) -> int:
    """Give back the leases `worker` holds (every lease when None): at a clean stop, and at
    the start of the only process there can be."""
    if worker is None:
        cur = await db.execute(
            "UPDATE inbox SET worker = NULL, lease_until = NULL"
            " WHERE done_at IS NULL AND lease_until IS NOT NULL"
        )
    else:
        cur = await db.execute(
            "UPDATE inbox SET worker = NULL, lease_until = NULL"
            " WHERE done_at IS NULL AND worker = ?",
            (worker,),
        )
    return cur.rowcount


async def prune(db: Connection, before: datetime, limit: int = 5000) -> int:
    """Forget up to `limit` updates done before `before`."""
    cur = await db.execute(
        "DELETE FROM inbox WHERE update_id IN (SELECT update_id FROM inbox"
        " WHERE done_at IS NOT NULL AND done_at < ? LIMIT ?)",
        (to_db(before), limit),
    )
    return cur.rowcount


async def counts(db: Connection, now: datetime) -> dict[str, int]:
    """waiting (no live lease), running (leased), done."""
    row = await fetchone(
        db,
        "SELECT"
        " SUM(CASE WHEN done_at IS NULL AND (lease_until IS NULL OR lease_until <= ?)"
        " THEN 1 ELSE 0 END) AS waiting,"
        " SUM(CASE WHEN done_at IS NULL AND lease_until > ? THEN 1 ELSE 0 END) AS running,"
        " SUM(CASE WHEN done_at IS NOT NULL THEN 1 ELSE 0 END) AS done"
        " FROM inbox",
        (to_db(now), to_db(now)),
    )
    assert row is not None
    return {k: int(row[k] or 0) for k in ("waiting", "running", "done")}
