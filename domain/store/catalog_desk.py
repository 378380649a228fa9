"""The catalog as staff manage it in the group: previews of a sent file waiting for Import
(catalog_previews) and the bot's questions about a product (catalog_prompts)."""

from __future__ import annotations

from datetime import datetime

from domain.clock import to_db
from domain.store.sqlite import Connection, Row, fetchone

# ---------------------------------------------------------------- previews


async def add_preview(
    db: Connection,
    *,
    chat_id: int,
    file_name: str,
    file_hash: str,
    rows: str,
    version: int,
    actor_id: int | None,
    actor_name: str,
    now: datetime,
) -> int:
    row = await fetchone(
        db,
        "INSERT INTO catalog_previews (chat_id, file_name, file_hash, rows, catalog_version,"
        " created_by, created_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " RETURNING id",
        (chat_id, file_name, file_hash, rows, version, actor_id, actor_name, to_db(now)),
    )
    assert row is not None
    return row["id"]


async def set_preview_message(db: Connection, preview_id: int, message_id: int) -> None:
    await db.execute(
        "UPDATE catalog_previews SET message_id = ? WHERE id = ?", (message_id, preview_id)
    )


async def preview(db: Connection, preview_id: int) -> Row | None:
    return await fetchone(db, "SELECT * FROM catalog_previews WHERE id = ?", (preview_id,))


async def close_preview(
    db: Connection, preview_id: int, state: str, actor_name: str, now: datetime
) -> bool:
    """Compare-and-set from open: False when it was closed already (a second press)."""
    cur = await db.execute(
        "UPDATE catalog_previews SET state = ?, closed_by_name = ?, closed_at = ?, rows = NULL"
        " WHERE id = ? AND state = 'open'",
        (state, actor_name, to_db(now), preview_id),
    )
    return cur.rowcount == 1


async def drop_old_rows(db: Connection, before: datetime) -> None:
    """The rows of previews nobody imported in time: they can never be imported."""
    await db.execute(
        "UPDATE catalog_previews SET rows = NULL WHERE rows IS NOT NULL AND created_at < ?",
        (to_db(before),),
    )


# ---------------------------------------------------------------- prompts


async def add_prompt(
    db: Connection,
    *,
    chat_id: int,
    message_id: int,
    sku: str | None,
    field: str,
    draft: str,
    actor_id: int | None,
    now: datetime,
) -> None:
    await db.execute(
        "INSERT INTO catalog_prompts (chat_id, message_id, sku, field, draft, created_by,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, message_id) DO NOTHING",
        (chat_id, message_id, sku, field, draft, actor_id, to_db(now)),
    )


async def prompt(db: Connection, chat_id: int, message_id: int) -> Row | None:
    return await fetchone(
        db,
        "SELECT * FROM catalog_prompts WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )


async def close_prompt(db: Connection, chat_id: int, message_id: int, now: datetime) -> bool:
    """Compare-and-set from open: False when it was answered already."""
    cur = await db.execute(
        "UPDATE catalog_prompts SET closed_at = ? WHERE chat_id = ? AND message_id = ?"
        " AND closed_at IS NULL",
        (to_db(now), chat_id, message_id),
    )
    return cur.rowcount == 1
