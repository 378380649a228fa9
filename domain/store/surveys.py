"""The survey table (surveys: one row per delivered order, open → scored → closed, or
skipped), the scan for orders due a survey, and the counts the Net Promoter Score needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from domain.clock import from_db, to_db
from domain.store import Connection, Row, fetchall, fetchone, from_row

Category = Literal["promoter", "passive", "detractor"]


@dataclass(frozen=True, slots=True)
class Survey:
    order_id: int
    number: str
    user_id: int
    state: str
    sent_at: datetime
    closes_at: datetime
    score: int | None
    category: Category | None
    comment: str | None
    answered_at: datetime | None


def _survey(row: Row) -> Survey:
    return from_row(
        Survey,
        row,
        sent_at=from_db(row["sent_at"]),
        closes_at=from_db(row["closes_at"]),
        answered_at=from_db(row["answered_at"]) if row["answered_at"] else None,
    )


_WITH_NUMBER = "SELECT s.*, o.number FROM surveys s JOIN orders o ON o.id = s.order_id"


async def delivered_unsurveyed(
    db: Connection, newest: datetime, oldest: datetime, limit: int
) -> list[Row]:
    """Orders delivered in (oldest, newest] without a survey row, longest delivered first:
    id, user_id, surveys_enabled, reachable."""
    return await fetchall(
        db,
        "SELECT o.id, o.user_id, c.surveys_enabled, c.reachable FROM orders o"
        " JOIN customers c ON c.user_id = o.user_id"
        " WHERE o.status = 'delivered' AND o.status_changed_at <= ?"
        " AND o.status_changed_at > ?"
        " AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.order_id = o.id)"
        " ORDER BY o.status_changed_at LIMIT ?",
        (to_db(newest), to_db(oldest), limit),
    )


async def add(
    db: Connection,
    order_id: int,
    user_id: int,
    state: str,
    sent_at: datetime,
    closes_at: datetime,
) -> bool:
    """The order's one survey; False when it has one already (another run started it)."""
    cur = await db.execute(
        "INSERT INTO surveys (order_id, user_id, state, sent_at, closes_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING",
        (order_id, user_id, state, to_db(sent_at), to_db(closes_at)),
    )
    return cur.rowcount == 1


async def customer_survey(db: Connection, user_id: int, number: str) -> Survey | None:
    """The survey of this customer's order `number`, unless skipped."""
    row = await fetchone(
        db,
        _WITH_NUMBER + " WHERE o.number = ? AND s.user_id = ? AND o.user_id = ?"
        " AND s.state <> 'skipped'",
        (number, user_id, user_id),
    )
    return _survey(row) if row else None


async def of_order(db: Connection, order_id: int) -> Survey | None:
    """The order's survey, in any state."""
    row = await fetchone(db, _WITH_NUMBER + " WHERE s.order_id = ?", (order_id,))
    return _survey(row) if row else None


async def score(db: Connection, order_id: int, value: int, category: str, now: datetime) -> None:
    """An open survey becomes scored."""
    await db.execute(
        "UPDATE surveys SET state = 'scored', score = ?, category = ?, answered_at = ?"
        " WHERE order_id = ? AND state = 'open'",
        (value, category, to_db(now), order_id),
    )


async def close(db: Connection, order_id: int, comment: str | None, now: datetime) -> None:
    """A scored survey is closed, with the customer's comment or (skipped) without."""
    if comment is None:
        await db.execute(
            "UPDATE surveys SET state = 'closed' WHERE order_id = ? AND state = 'scored'",
            (order_id,),
        )
    else:
        await db.execute(
            "UPDATE surveys SET state = 'closed', comment = ?, commented_at = ?"
            " WHERE order_id = ? AND state = 'scored'",
            (comment, to_db(now), order_id),
        )


def _span(since: datetime | None, until: datetime) -> tuple[str, str]:
    return (to_db(since) if since else ""), to_db(until)  # "" sorts before every time


async def answers_by_category(
    db: Connection, since: datetime | None, until: datetime
) -> dict[str, int]:
    """Scores given in [since, until) per category (no `since`: from the start)."""
    rows = await fetchall(
        db,
        "SELECT category, COUNT(*) AS n FROM surveys WHERE score IS NOT NULL"
        " AND answered_at >= ? AND answered_at < ? GROUP BY category",
        _span(since, until),
    )
    return {r["category"]: r["n"] for r in rows}


async def sent_between(db: Connection, since: datetime | None, until: datetime) -> int:
    """Surveys sent (not skipped) in [since, until)."""
    row = await fetchone(
        db,
        "SELECT COUNT(*) AS n FROM surveys WHERE state <> 'skipped'"
        " AND sent_at >= ? AND sent_at < ?",
        _span(since, until),
    )
    return row["n"] if row else 0
