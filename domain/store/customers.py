"""Customers: who talks to the bot in private, their language and last delivery details, and
what may be sent to them: the reminder and survey switches they set, and whether the bot can
reach them at all (a customer who blocked the bot cannot be)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from aiosqlite import Row

from domain.clock import to_db
from domain.store.sqlite import Connection, fetchone

Switch = Literal["reminders", "surveys"]
_SWITCH_COLUMNS: dict[str, str] = {"reminders": "reminders_enabled", "surveys": "surveys_enabled"}


async def by_id(db: Connection, user_id: int) -> Row | None:
    return await fetchone(db, "SELECT * FROM customers WHERE user_id = ?", (user_id,))


async def language(db: Connection, user_id: int) -> str | None:
    """The customer's language; None for someone not (yet) known."""
    row = await fetchone(db, "SELECT language FROM customers WHERE user_id = ?", (user_id,))
    return row["language"] if row else None


async def upsert_contact(
    db: Connection,
    user_id: int,
    first_name: str,
    username: str | None,
    language: str,
    now: datetime,
) -> None:
    """Create the customer (with `language`), or refresh the names of a known one and mark
    them reachable again; a known customer keeps their language."""
    stamp = to_db(now)
    await db.execute(
        "INSERT INTO customers (user_id, first_name, username, language, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET first_name = excluded.first_name,"
        " username = excluded.username, reachable = 1, updated_at = excluded.updated_at",
        (user_id, first_name, username, language, stamp, stamp),
    )


async def set_language(db: Connection, user_id: int, language: str, now: datetime) -> None:
    await db.execute(
        "UPDATE customers SET language = ?, updated_at = ? WHERE user_id = ?",
        (language, to_db(now), user_id),
    )


async def set_delivery_details(
    db: Connection, user_id: int, name: str, phone: str, address: str, now: datetime
) -> None:
    """The details of the customer's latest order, offered at their next checkout."""
    await db.execute(
        "UPDATE customers SET name = ?, phone = ?, address = ?, updated_at = ?"
        " WHERE user_id = ?",
        (name, phone, address, to_db(now), user_id),
    )


async def switches(db: Connection, user_id: int) -> tuple[bool, bool] | None:
    """(reminders, surveys) as the customer set them; None for an unknown customer."""
    row = await fetchone(
        db, "SELECT reminders_enabled, surveys_enabled FROM customers WHERE user_id = ?", (user_id,)
    )
    if row is None:
        return None
    return bool(row["reminders_enabled"]), bool(row["surveys_enabled"])


async def set_switch(
    db: Connection, user_id: int, switch: Switch, enabled: bool, now: datetime
) -> None:
    column = _SWITCH_COLUMNS[switch]  # a name from this table, never the caller's text
    await db.execute(
        f"UPDATE customers SET {column} = ?, updated_at = ? WHERE user_id = ?",
        (int(enabled), to_db(now), user_id),
    )


async def mark_unreachable(db: Connection, user_id: int, now: datetime) -> None:
    await db.execute(
        "UPDATE customers SET reachable = 0, updated_at = ? WHERE user_id = ?",
        (to_db(now), user_id),
    )


async def mark_reachable(db: Connection, user_id: int, now: datetime) -> bool:
    """The customer can be reached again (unblocked the bot); False when nothing changed."""
    cur = await db.execute(
        "UPDATE customers SET reachable = 1, updated_at = ? WHERE user_id = ? AND reachable = 0",
        (to_db(now), user_id),
    )
    return cur.rowcount == 1


async def is_reachable(db: Connection, user_id: int) -> bool:
    """False only for a known customer who blocked the bot."""
    row = await fetchone(db, "SELECT reachable FROM customers WHERE user_id = ?", (user_id,))
    return row is None or bool(row["reachable"])


async def add_cod_refusal(db: Connection, user_id: int) -> int:
    """One more refused COD parcel; the count now."""
    async with db.execute(
        "UPDATE customers SET cod_refusals = cod_refusals + 1 WHERE user_id = ?"
        " RETURNING cod_refusals",
        (user_id,),
    ) as cur:
        row = await cur.fetchone()
    return 0 if row is None else int(row[0])


async def cod_refusals(db: Connection, user_id: int) -> int:
    row = await fetchone(db, "SELECT cod_refusals FROM customers WHERE user_id = ?", (user_id,))
    return 0 if row is None else int(row["cod_refusals"])
