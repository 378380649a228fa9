"""What python-telegram-bot persists between restarts, kept in the store: conversation states
(ptb_conversations, with when each last changed) and per-user and per-chat data (ptb_data),
each stored as JSON text."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from domain.clock import from_db, to_db
from domain.store import Connection, fetchall, fetchone

Scope = Literal["user", "chat"]
ConversationKey = tuple[int | str, ...]  # as PTB makes them (chat, user, …)


async def data_of(db: Connection, scope: Scope) -> dict[int, dict[Any, Any]]:
    """Every stored user's (or chat's) data, by id."""
    rows = await fetchall(db, "SELECT id, data FROM ptb_data WHERE scope = ?", (scope,))
    return {r["id"]: json.loads(r["data"]) for r in rows}


async def put_data(db: Connection, scope: Scope, key: int, data: dict[Any, Any]) -> None:
    await db.execute(
        "INSERT INTO ptb_data (scope, id, data) VALUES (?, ?, ?)"
        " ON CONFLICT (scope, id) DO UPDATE SET data = excluded.data",
        (scope, key, json.dumps(data, ensure_ascii=False)),
    )


async def drop_data(db: Connection, scope: Scope, key: int) -> None:
    await db.execute("DELETE FROM ptb_data WHERE scope = ? AND id = ?", (scope, key))


async def states(db: Connection, name: str) -> dict[ConversationKey, object]:
    """The conversation's state per key (the key as a tuple, as PTB gives it)."""
    rows = await fetchall(db, "SELECT key, state FROM ptb_conversations WHERE name = ?", (name,))
    return {tuple(json.loads(r["key"])): json.loads(r["state"]) for r in rows}


async def state_of(db: Connection, name: str, key: ConversationKey) -> object | None:
    """One conversation's state for one key; None when it is not open."""
    row = await fetchone(
        db,
        "SELECT state FROM ptb_conversations WHERE name = ? AND key = ?",
        (name, json.dumps(list(key))),
    )
    return None if row is None else json.loads(row["state"])


async def put_state(
    db: Connection, name: str, key: ConversationKey, state: object, now: datetime
) -> None:
    await db.execute(
        "INSERT INTO ptb_conversations (name, key, state, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (name, key) DO UPDATE"
        " SET state = excluded.state, updated_at = excluded.updated_at",
        (name, json.dumps(list(key)), json.dumps(state), to_db(now)),
    )


async def drop_state(db: Connection, name: str, key: ConversationKey) -> None:
    await db.execute(
        "DELETE FROM ptb_conversations WHERE name = ? AND key = ?",
        (name, json.dumps(list(key))),
    )


@dataclass(frozen=True, slots=True)
class Stored:
    state: object
    updated_at: datetime | None  # None: written before the column existed (not since)


async def states_for(
    db: Connection, keys: list[ConversationKey]
) -> dict[tuple[str, ConversationKey], Stored]:
    """The states stored under any of `keys`, by (conversation name, key)."""
    if not keys:
        return {}
    marks = ", ".join("?" for _ in keys)
    rows = await fetchall(
        db,
        f"SELECT name, key, state, updated_at FROM ptb_conversations WHERE key IN ({marks})",
        [json.dumps(list(k)) for k in keys],
    )
    return {
        (r["name"], tuple(json.loads(r["key"]))): Stored(
            json.loads(r["state"]), from_db(r["updated_at"]) if r["updated_at"] else None
        )
        for r in rows
    }


async def end_if_older(
    db: Connection, name: str, key: ConversationKey, before: datetime
) -> bool:
    """End the conversation if its state last changed before `before`; whether it did (not
    when it moved on meanwhile)."""
    cur = await db.execute(
        "DELETE FROM ptb_conversations WHERE name = ? AND key = ? AND updated_at < ?",
        (name, json.dumps(list(key)), to_db(before)),
    )
    return cur.rowcount > 0


async def prune(db: Connection, before: datetime) -> int:
    """End every conversation left since before `before` (customers who never came back)."""
    cur = await db.execute("DELETE FROM ptb_conversations WHERE updated_at < ?", (to_db(before),))
    return cur.rowcount


async def data_for(db: Connection, scope: Scope, key: int) -> dict[Any, Any]:
    """One user's (or chat's) stored data; empty when none."""
    rows = await fetchall(
        db, "SELECT data FROM ptb_data WHERE scope = ? AND id = ?", (scope, key)
    )
    return json.loads(rows[0]["data"]) if rows else {}
