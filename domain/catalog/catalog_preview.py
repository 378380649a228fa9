"""A catalog file sent to the staff group: previewed first (what is new, what changes field
by field, what stays, every bad row), then imported by one press, exactly as previewed.

The file is parsed and checked by the same module as the command line's import
(domain/catalog/catalog_import.py); the rows read from it are kept with the preview (with the
file's hash), so Import applies exactly what was previewed, in one transaction, once, without
reading the file again. A preview older than PREVIEW_TTL, or made before another change to
the catalog (the catalog's version moved), is not imported: staff are asked to send the file
again.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import timedelta

from domain.actors import Actor
from domain.catalog.catalog_import import (
    CatalogDiff,
    ImportFailed,
    ImportRow,
    RowError,
    apply_rows,
    current_catalog,
    diff_rows,
    parse_file,
)
from domain.clock import from_db
from domain.errors import DomainError, InvalidInput, StaleAction
from domain.store import Row, Store
from domain.store import catalog_desk as desk_rows
from domain.store import products as product_rows

PREVIEW_TTL = timedelta(minutes=30)
# Telegram lets a bot download files up to 20 MB; a shop's catalog is far smaller.
MAX_FILE_BYTES = 10 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx", ".xls")  # an old .xls is read only to be told what to do


class PreviewClosed(DomainError):
    """Imported or cancelled already (a second press): nothing happens again."""

    code = "catalog_preview_closed"  # context: state, actor_name, at


class PreviewExpired(DomainError):
    code = "catalog_preview_expired"  # context: minutes, file_name


class PreviewStale(DomainError):
    code = "catalog_preview_stale"  # context: file_name


@dataclass(frozen=True, slots=True)
class Preview:
    """`id` is set when there is something to import; `errors` lists every bad row."""

    id: int | None
    file_name: str
    diff: CatalogDiff | None
    errors: list[RowError]


@dataclass(frozen=True, slots=True)
class Imported:
    file_name: str
    diff: CatalogDiff


def rows_to_json(rows: list[ImportRow]) -> str:
    return json.dumps([{**asdict(r), "absent": sorted(r.absent)} for r in rows])


def rows_from_json(text: str) -> list[ImportRow]:
    return [ImportRow(**{**r, "absent": frozenset(r["absent"])}) for r in json.loads(text)]


def accepted_name(file_name: str | None) -> bool:
    return (file_name or "").lower().endswith(SUFFIXES)


async def make_preview(
    store: Store, data: bytes, file_name: str, chat_id: int, actor: Actor
) -> Preview:
    """Check the file and compare it with the catalog; keep it for Import when it is good and
    changes something."""
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput("catalog_file_too_big", max_mb=MAX_FILE_BYTES // (1024 * 1024))
    try:
        rows = await asyncio.to_thread(parse_file, data, file_name)  # keep the loop free
    except ImportFailed as failed:
        return Preview(None, file_name, None, failed.errors)
    # The version first: a change landing between the two reads makes the preview stale,
    # never a preview of a catalog newer than its version says.
    version = await product_rows.version(store.reader)
    diff = diff_rows(rows, await current_catalog(store.reader))
    if diff.errors or not (diff.new or diff.changed):
        return Preview(None, file_name, diff, diff.errors)
    now = store.now()
    async with store.transaction() as db:
        await desk_rows.drop_old_rows(db, now - PREVIEW_TTL)
        preview_id = await desk_rows.add_preview(
            db,
            chat_id=chat_id,
            file_name=file_name[:200],
            file_hash=hashlib.sha256(data).hexdigest(),
            rows=rows_to_json(rows),
            version=version,
            actor_id=actor.id,
            actor_name=actor.name,
            now=now,
        )
    return Preview(preview_id, file_name, diff, [])


async def set_message(store: Store, preview_id: int, message_id: int) -> None:
    async with store.transaction() as db:
        await desk_rows.set_preview_message(db, preview_id, message_id)


def _closed(row: Row) -> PreviewClosed:
    at = row["closed_at"]
    return PreviewClosed(
        state=row["state"], actor_name=row["closed_by_name"] or "", at=from_db(at) if at else None
    )


async def import_preview(store: Store, preview_id: int, actor: Actor) -> Imported:
    """Apply the previewed file, once. PreviewClosed on a second press, PreviewExpired after
    PREVIEW_TTL, PreviewStale when the catalog changed since the preview, ImportFailed when
    a row may no longer be imported (an order now holds more than its stock)."""
    row = await desk_rows.preview(store.reader, preview_id)
    if row is None:
        raise StaleAction()
    if row["state"] != "open":
        raise _closed(row)
    rows = rows_from_json(row["rows"]) if row["rows"] is not None else None
    now = store.now()
    outcome: Exception | None = None
    async with store.transaction() as db:
        row = await desk_rows.preview(db, preview_id)
        assert row is not None
        if row["state"] != "open":
            raise _closed(row)
        if now - from_db(row["created_at"]) > PREVIEW_TTL or rows is None:
            await desk_rows.close_preview(db, preview_id, "expired", actor.name, now)
            minutes = int(PREVIEW_TTL.total_seconds() // 60)
            outcome = PreviewExpired(minutes=minutes, file_name=row["file_name"])
        elif await product_rows.version(db) != row["catalog_version"]:
            await desk_rows.close_preview(db, preview_id, "stale", actor.name, now)
            outcome = PreviewStale(file_name=row["file_name"])
        else:
            try:
                diff = await apply_rows(db, rows, now, actor, "import")
            except ImportFailed as failed:  # refused before writing anything
                await desk_rows.close_preview(db, preview_id, "stale", actor.name, now)
                outcome = failed
            else:
                await desk_rows.close_preview(db, preview_id, "imported", actor.name, now)
    if outcome is not None:  # raised after the commit: the preview stays closed
        raise outcome
    return Imported(row["file_name"], diff)


async def cancel_preview(store: Store, preview_id: int, actor: Actor) -> str:
    """Close it unimported; PreviewClosed when it was closed already. Returns the file name."""
    now = store.now()
    async with store.transaction() as db:
        row = await desk_rows.preview(db, preview_id)
        if row is None:
            raise StaleAction()
        if not await desk_rows.close_preview(db, preview_id, "cancelled", actor.name, now):
            raise _closed(row)
    return str(row["file_name"])
