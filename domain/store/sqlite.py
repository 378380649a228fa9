"""The store: one SQLite file in WAL mode, migrations at open, serialized write transactions.

Writes go through one connection under an asyncio lock and `BEGIN IMMEDIATE`, so a writer
takes SQLite's write lock up front instead of failing half-way; several processes (or Store
objects) on one file wait for each other through the busy timeout. Reads use a second
connection, which in WAL mode never blocks on writers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from domain.clock import Clock, to_db, utc_now

BUSY_TIMEOUT_MS = 30_000
# What a transaction or the reader hands to repositories; services name it, never aiosqlite.
Connection = aiosqlite.Connection
Row = aiosqlite.Row  # what repositories read; they turn it into models or primitives
# `NNN_name.sql` (shared), `NNN_name.postgresql.sql` (PostgreSQL's own, where it differs).
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)(\.postgresql)?\.sql$")
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

# SQLite's primary result codes that mean "this file cannot be the store" rather than a bug.
_FILE_FAULTS = {
    sqlite3.SQLITE_READONLY: "the file is read-only",
    sqlite3.SQLITE_CANTOPEN: "cannot open the file",
    sqlite3.SQLITE_PERM: "no permission to use the file",
    sqlite3.SQLITE_NOTADB: "not a SQLite database",
    sqlite3.SQLITE_CORRUPT: "the database file is damaged",
    sqlite3.SQLITE_IOERR: "disk I/O error",
    sqlite3.SQLITE_FULL: "the disk is full",
}


class StoreUnusable(Exception):
    """The database file cannot serve as the store; `reason` says why in a few words."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def file_fault(exc: sqlite3.Error) -> str | None:
    """The reason an SQLite error means the file is unusable, or None for other errors."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else _FILE_FAULTS.get(code & 0xFF)


def migrations(dialect: str = "sqlite") -> list[tuple[int, str, str]]:
    """(version, name, sql) of every numbered migration shipped in domain/migrations, as
    `dialect` ("sqlite" or "postgresql") runs it: a PostgreSQL variant file where there is one,
    else the shared file (on PostgreSQL through `postgres.pg_ddl`, the type names)."""
    shared: dict[int, tuple[str, str]] = {}
    variants: dict[int, tuple[str, str]] = {}
    names: list[int] = []
    for entry in resources.files("domain.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found = (match[2], entry.read_text(encoding="utf-8"))
            if match[3]:
                variants[int(match[1])] = found
            else:
                names.append(int(match[1]))
                shared[int(match[1])] = found
    if len(set(names)) != len(names):
        raise RuntimeError(f"duplicate migration numbers: {sorted(names)}")
    if set(variants) - set(shared):
        raise RuntimeError(f"PostgreSQL variants without a shared migration: {sorted(variants)}")
    if dialect == "sqlite":
        return [(v, *shared[v]) for v in sorted(shared)]
    from domain.store.postgres import pg_ddl

    out = []
    for v in sorted(shared):
        name, sql = variants[v] if v in variants else (shared[v][0], pg_ddl(shared[v][1]))
        out.append((v, name, sql))
    return out


def dialect_of(db: object) -> str:
    """"sqlite" or "postgresql": which engine a connection (transaction's or reader) is on,
    for the few repository functions with a dialect-specific piece."""
    return getattr(db, "dialect", "sqlite")


def parse_location(location: Path | str) -> Path | str:
    """A path for SQLite (`sqlite:///data/orders.db` or a plain path), the URL unchanged for
    PostgreSQL."""
    if isinstance(location, str):
        if location.startswith(POSTGRES_SCHEMES):
            return location
        if location.startswith("sqlite:///"):
            return Path(location.removeprefix("sqlite:///"))
        return Path(location)
    return location


class Store:
    """The SQLite store; `Store("postgresql://…")` gives the PostgreSQL one (postgres.py), a
    subclass with the same interface."""

    dialect = "sqlite"

    def __new__(cls, path: Path | str, clock: Clock = utc_now) -> Store:
        if cls is Store and isinstance(parse_location(path), str):
            from domain.store.postgres import PostgresStore

            return super().__new__(PostgresStore)
        return super().__new__(cls)

    def __init__(self, path: Path | str, clock: Clock = utc_now) -> None:
        self.path = Path(parse_location(path))
        self.clock = clock
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._open_lock = asyncio.Lock()

    def now(self) -> datetime:
        return self.clock()

    def now_db(self) -> str:
        return to_db(self.clock())

    async def _connect(self) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            await conn.close()  # each connection runs a thread: a leaked one keeps us alive
            raise
        return conn

    async def open(self) -> Store:
        """Open (creating the file and its folder) and migrate; StoreUnusable when the file
        cannot be the store. Nothing stays open after a failure."""
        self._check_path()
        try:
            self._writer = await self._connect()
            await self._refuse_newer_schema(self._writer)  # before changing anything
            await self._writer.execute("PRAGMA journal_mode = WAL")
            await self.migrate()
            self._reader = await self._connect()
        except BaseException as exc:
            await self.close()
            reason = file_fault(exc) if isinstance(exc, sqlite3.Error) else None
            if reason is not None:
                raise StoreUnusable(self.path, reason) from exc
            raise
        return self

    async def _refuse_newer_schema(self, db: aiosqlite.Connection) -> None:
        """A file written by a newer bot: this code's queries could corrupt it."""
        rows = await db.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        )
        if not rows:
            return
        rows = await db.execute_fetchall("SELECT MAX(version) FROM schema_migrations")
        found = next(iter(rows))[0] or 0
        known = max((v for v, _, _ in migrations()), default=0)
        if found > known:
            raise StoreUnusable(
                self.path,
                f"schema version {found} is newer than this bot's ({known});"
                " run the newer bot or restore a backup",
            )

    def _check_path(self) -> None:
        """What SQLite would report vaguely ("unable to open database file") or only at the
        first write, said plainly before opening."""
        path, folder = self.path, self.path.parent
        try:
            is_dir, exists = path.is_dir(), path.exists()
        except OSError as exc:  # e.g. a folder on the way that we may not enter
            raise StoreUnusable(path, f"cannot reach the file: {exc.strerror}") from exc
        if is_dir:
            raise StoreUnusable(path, "is a folder, not a file")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:
            reason = f"cannot create folder {folder}: a file is in the way"
            raise StoreUnusable(path, reason) from exc
        except OSError as exc:
            raise StoreUnusable(path, f"cannot create folder {folder}: {exc.strerror}") from exc
        if exists:
            if not os.access(path, os.R_OK):
                raise StoreUnusable(path, "the file is not readable (permissions)")
            if not os.access(path, os.W_OK):
                raise StoreUnusable(path, "the file is read-only")
        # SQLite creates its journal files (-wal, -shm) next to the database.
        if not os.access(folder, os.W_OK | os.X_OK):
            raise StoreUnusable(path, f"folder {folder} is read-only")

    async def ensure_open(self) -> Store:
        """Open once; later calls are no-ops (PTB persistence may need the store first)."""
        async with self._open_lock:
            if self._writer is None:
                await self.open()
        return self

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    async def __aenter__(self) -> Store:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def migrate(self) -> list[int]:
        """Apply missing migrations, each in its own transaction; returns the versions applied."""
        db = self._require(self._writer)
        async with self._write_lock:
            await db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            async with db.execute("SELECT version FROM schema_migrations") as cur:
                done = {row[0] for row in await cur.fetchall()}
            applied = []
            for version, name, sql in migrations():
                if version in done:
                    continue
                # executescript commits first; the script carries its own transaction.
                stamp = self.now_db()
                script = (
                    f"BEGIN IMMEDIATE;\n{sql}\n"
                    f"INSERT INTO schema_migrations VALUES ({version}, '{name}', '{stamp}');"
                    "\nCOMMIT;"
                )
                try:
                    await db.executescript(script)
                except Exception:
                    if db.in_transaction:
                        await db.rollback()
                    raise
                applied.append(version)
            return applied

    async def schema_version(self) -> int:
        row = await self.fetchone("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")
        return int(row["v"]) if row else 0

    @staticmethod
    def _require(conn: aiosqlite.Connection | None) -> aiosqlite.Connection:
        if conn is None:
            raise RuntimeError("store is not open")
        return conn

    @property
    def reader(self) -> aiosqlite.Connection:
        """The read connection, for functions shared with code inside transactions. Read it
        only through `fetchone`/`fetchall` below (never hold a cursor open across an await)."""
        return self._require(self._reader)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: everything inside commits together or not at all."""
        db = self._require(self._writer)
        async with self._write_lock:
            await db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                await db.rollback()
                raise
            else:
                await db.commit()

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        return await fetchone(self._require(self._reader), sql, params)

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        return await fetchall(self._require(self._reader), sql, params)


# Queries run and finish in one step of the connection's thread. A cursor left open across an
# await would keep its read snapshot alive for every other query on that connection, so a
# read right after a commit could miss it.


async def fetchone(
    db: aiosqlite.Connection, sql: str, params: Iterable[Any] = ()
) -> aiosqlite.Row | None:
    """First row, on the read connection or inside a transaction (sees its own writes)."""
    rows = await db.execute_fetchall(sql, tuple(params))
    return next(iter(rows), None)  # type: ignore[arg-type]


async def fetchall(
    db: aiosqlite.Connection, sql: str, params: Iterable[Any] = ()
) -> list[aiosqlite.Row]:
    return list(await db.execute_fetchall(sql, tuple(params)))  # type: ignore[arg-type]


_Model = TypeVar("_Model")


@cache
def _field_names(model: type) -> tuple[str, ...]:
    names = getattr(model, "model_fields", None)  # a pydantic model
    if names is not None:
        return tuple(names)
    return tuple(f.name for f in dataclasses.fields(model))


def from_row(model: type[_Model], row: Mapping[str, Any], **converted: Any) -> _Model:
    """`model` (a pydantic model or dataclass) from the row's columns of the same names;
    `converted` gives the fields that need more than the stored value (times, flags, JSON,
    child rows) or are not columns."""
    values = {name: row[name] for name in _field_names(model) if name not in converted}
    return model(**values, **converted)
