"""The store on PostgreSQL (psycopg 3): the same interface as the SQLite engine (sqlite.py), so
repositories, services and handlers run unchanged on either.

Connections. One writer connection under an asyncio lock runs every write transaction of this
Store object; one reader connection (autocommit, READ COMMITTED) answers `store.reader`, and
psycopg serializes the reader's queries as aiosqlite's thread does. Repositories' SQL is
translated once per statement at this boundary (`translate`): `?` and `:name` placeholders
become psycopg's `%s` / `%(name)s`; nothing else is rewritten.

Write transactions and their guarantees. SQLite's `BEGIN IMMEDIATE` makes every write
transaction the only writer from its first statement. The domain was written for that: some
transactions read, decide in Python and then write (a checkout reads the cart and the
products, an invoice reads the order and its counter). Per case on PostgreSQL:

- stock never below zero: the conditional `UPDATE products … WHERE stock - reserved >= ?` and
  the table's CHECKs hold by themselves under READ COMMITTED (an UPDATE that waited for a row
  lock re-checks its WHERE on the new row), but the checkout's "read the cart, then reserve"
  also needs the cart and the product it read to stay put;
- gap-free invoice / credit-note numbers: the counter's `INSERT … ON CONFLICT DO UPDATE …
  RETURNING` row lock is held to commit, so a second issuer waits and a rollback gives the
  number back; but "is this order invoiced yet?" is read before, in Python;
- compare-and-set status changes: `UPDATE … WHERE status = ?` is re-evaluated after a lock
  wait, so of two exactly one wins; what they trigger reads state decided before the CAS.

Row locks (`SELECT … FOR UPDATE`) would cover each case only with every read-then-write found
and rewritten in the domain's services (and every one the other rooms add later); SERIALIZABLE
with retry would need the transaction's body re-run, which `async with store.transaction()`
cannot do. So every write transaction takes one transaction-scoped advisory lock
(`pg_advisory_xact_lock(WRITE_LOCK)`) right after BEGIN: writers of one database run one at a
time across all processes and machines, exactly as under `BEGIN IMMEDIATE`, and every guarantee
above holds for today's SQL and for SQL written later to SQLite's rules. Readers never take it
and never wait. Write transactions are short (milliseconds), so one writer at a time is not
what limits a shop; the lock is taken in one place, so a narrower one (per aggregate) can
replace it when several workers need it. `lock_timeout` plays SQLite's busy timeout.

Migrations run under the same lock (several workers may start at once), each in its own
transaction (PostgreSQL's DDL is transactional). Types: `INTEGER` becomes BIGINT (Telegram ids
exceed 32 bits) and `INTEGER PRIMARY KEY` an identity column (`pg_ddl`); timestamps stay ISO
text as on SQLite, so comparisons and the copy between engines are plain strings.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import pq
from psycopg.adapt import Dumper, Loader
from psycopg.rows import BaseRowFactory

from domain.clock import Clock, utc_now
from domain.store.handling import settle as settle_inbox
from domain.store.sqlite import (
    BUSY_TIMEOUT_MS,
    Store,
    StoreUnusable,
    migrations,
    pg_ddl,
)

# The advisory lock every write transaction holds (any constant; "toko" in ASCII).
WRITE_LOCK = 0x746F6B6F
SCHEMA_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


# ---------------------------------------------------------------- SQL at the boundary

_TOKENS = re.compile(
    r"""('(?:[^']|'')*')         # a string literal
      | ("(?:[^"]|"")*")         # a quoted identifier
      | (--[^\n]*)               # a comment
      | (::)                     # a cast, not a named parameter
      | (\?)                     # a positional parameter
      | :([A-Za-z_]\w*)          # a named parameter
      | (%)                      # psycopg's escape character
    """,
    re.VERBOSE,
)


@lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """SQLite's `?` / `:name` placeholders as psycopg's `%s` / `%(name)s`; `%` doubled."""

    def one(m: re.Match[str]) -> str:
        literal, ident, comment, cast, positional, named, percent = m.groups()
        if literal is not None or ident is not None:
            return m[0].replace("%", "%%")
        if comment is not None or cast is not None:
            return m[0].replace("%", "%%")
        if positional is not None:
            return "%s"
        if named is not None:
            return f"%({named})s"
        assert percent is not None
        return "%%"

    return _TOKENS.sub(one, sql)


class _IntAsUnknown(Dumper):
    """Integers (and booleans) go as untyped literals, so the server reads them as the column
    or operator needs (SQLite's loose typing): `text_column = 5`, `bigint_column = TRUE`."""

    oid = 0
    format = pq.Format.TEXT

    def dump(self, obj: Any) -> bytes:
        return str(int(obj)).encode()


class _NumericLoader(Loader):
    """SUM over BIGINT is NUMERIC on PostgreSQL: whole numbers come back as int, the rest as
    float, as SQLite returns them."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        return int(text) if text.lstrip("-").isdigit() else float(text)


class Row:
    """A result row read by name or position, iterating its values, `keys()` its column
    names: what sqlite3.Row offers, and no more (so code written on one engine runs on both)."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: Sequence[Any]) -> None:
        self._index = index
        self._values = tuple(values)

    def __getitem__(self, key: str | int | slice) -> Any:
        if isinstance(key, int | slice):
            return self._values[key]
        return self._values[self._index[key]]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._index)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return self._values == other._values and self._index == other._index
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))!r})"


def _rows(cursor: Any) -> Any:
    desc = cursor.description
    if desc is None:
        return tuple
    index: dict[str, int] = {}
    for i, c in enumerate(desc):  # in column order (keys()); the first of a name wins
        index.setdefault(c.name, i)

    def make(values: Sequence[Any]) -> Row:
        return Row(index, values)

    return make


_row_factory: BaseRowFactory[Row] = _rows


class Cursor:
    """What `db.execute` gives: rowcount, and the rows of a RETURNING or SELECT."""

    def __init__(self, cur: psycopg.AsyncCursor[Row]) -> None:
        self._cur = cur
        self.rowcount = cur.rowcount

    @property
    def lastrowid(self) -> int:
        raise NotImplementedError("lastrowid is SQLite's: write INSERT … RETURNING id")

    async def fetchone(self) -> Row | None:
        return await self._cur.fetchone() if self._cur.description else None

    async def fetchall(self) -> list[Row]:
        return await self._cur.fetchall() if self._cur.description else []

    async def close(self) -> None:
        await self._cur.close()

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class _Pending:
    """`await db.execute(...)` and `async with db.execute(...) as cur`, as with aiosqlite."""

    def __init__(self, run: Any) -> None:
        self._run = run
        self._cursor: Cursor | None = None

    def __await__(self) -> Any:
        return self._run().__await__()

    async def __aenter__(self) -> Cursor:
        self._cursor = await self._run()
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        if self._cursor is not None:
            await self._cursor.close()


class Connection:
    """A psycopg connection with aiosqlite's methods, as repositories use them."""

    dialect = "postgresql"

    def __init__(self, conn: psycopg.AsyncConnection[Row]) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Iterable[Any] | Mapping[str, Any] = ()) -> _Pending:
        async def run() -> Cursor:
            cur = self.raw.cursor()
            await cur.execute(translate(sql), _params(params))
            return Cursor(cur)

        return _Pending(run)

    async def executemany(self, sql: str, seq: Iterable[Iterable[Any]]) -> None:
        batch = [_params(p) for p in seq]
        if batch:
            async with self.raw.cursor() as cur:
                await cur.executemany(translate(sql), batch)

    async def execute_fetchall(
        self, sql: str, params: Iterable[Any] | Mapping[str, Any] = ()
    ) -> list[Row]:
        async with self.raw.cursor() as cur:
            await cur.execute(translate(sql), _params(params))
            return await cur.fetchall() if cur.description else []


def _params(params: Iterable[Any] | Mapping[str, Any]) -> Sequence[Any] | Mapping[str, Any]:
    return params if isinstance(params, Mapping) else tuple(params)


async def connect(url: str, *, autocommit: bool = True) -> psycopg.AsyncConnection[Row]:
    """A connection with the adapters above; psycopg's errors pass through."""
    conn = await psycopg.AsyncConnection.connect(
        url,
        autocommit=autocommit,
        row_factory=_row_factory,
        application_name="tokobot",
        options=f"-c lock_timeout={BUSY_TIMEOUT_MS}",
    )
    conn.adapters.register_dumper(int, _IntAsUnknown)
    conn.adapters.register_dumper(bool, _IntAsUnknown)
    conn.adapters.register_loader("numeric", _NumericLoader)
    return conn


def _fault(exc: psycopg.Error) -> str | None:
    """The reason a connection error means the database cannot be the store."""
    if isinstance(exc, psycopg.OperationalError):
        first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        return f"cannot connect: {first.removeprefix('FATAL:  ').strip()}"
    return None


class PostgresStore(Store):
    """A Store on a PostgreSQL database (`postgresql://user:pass@host/db`)."""

    dialect = "postgresql"

    def __init__(self, path: Any, clock: Clock = utc_now) -> None:
        self.url = str(path)
        self.path = self.url  # type: ignore[assignment]  # what reopens the same store
        self.clock = clock
        self._pg_writer: Connection | None = None
        self._pg_reader: Connection | None = None
        self._write_lock = asyncio.Lock()
        self._open_lock = asyncio.Lock()

    @property
    def _writer(self) -> Any:  # type: ignore[override]
        return self._pg_writer

    async def open(self) -> PostgresStore:
        try:
            self._pg_writer = Connection(await connect(self.url))
            await self._refuse_newer_schema_pg()
            await self.migrate()
            self._pg_reader = Connection(await connect(self.url))
        except BaseException as exc:
            await self.close()
            reason = _fault(exc) if isinstance(exc, psycopg.Error) else None
            if reason is not None:
                raise StoreUnusable(redact(self.url), reason) from exc  # type: ignore[arg-type]
            raise
        return self

    async def ensure_open(self) -> PostgresStore:
        async with self._open_lock:
            if self._pg_writer is None:
                await self.open()
        return self

    async def close(self) -> None:
        for conn in (self._pg_reader, self._pg_writer):
            if conn is not None:
                await conn.raw.close()
        self._pg_reader = self._pg_writer = None

    async def _refuse_newer_schema_pg(self) -> None:
        db = self._need(self._pg_writer)
        rows = await db.execute_fetchall("SELECT to_regclass('schema_migrations') AS t")
        if rows[0]["t"] is None:
            return
        rows = await db.execute_fetchall("SELECT MAX(version) AS v FROM schema_migrations")
        found = rows[0]["v"] or 0
        known = max((v for v, _, _ in migrations("postgresql")), default=0)
        if found > known:
            raise StoreUnusable(
                redact(self.url),  # type: ignore[arg-type]
                f"schema version {found} is newer than this bot's ({known});"
                " run the newer bot or restore a backup",
            )

    async def migrate(self) -> list[int]:
        db = self._need(self._pg_writer)
        applied: list[int] = []
        async with self._write_lock:
            for version, name, sql in migrations("postgresql"):
                async with self._locked(db):
                    await db.raw.execute(SCHEMA_TABLE)
                    done = await db.execute_fetchall(
                        "SELECT 1 FROM schema_migrations WHERE version = ?", (version,)
                    )
                    if done:
                        continue
                    await db.raw.execute(sql.encode())  # several statements, no parameters
                    await db.execute(
                        "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        (version, name, self.now_db()),
                    )
                    applied.append(version)
        return applied

    @staticmethod
    def _need(conn: Connection | None) -> Connection:
        if conn is None:
            raise RuntimeError("store is not open")
        return conn

    @property
    def reader(self) -> Connection:  # type: ignore[override]
        return self._need(self._pg_reader)

    @asynccontextmanager
    async def _locked(self, db: Connection) -> AsyncIterator[Connection]:
        await db.raw.execute("BEGIN")
        try:
            await db.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield db
        except BaseException:
            await db.raw.execute("ROLLBACK")
            raise
        else:
            await db.raw.execute("COMMIT")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:  # type: ignore[override]
        """A write transaction, the only writer of this database while it runs."""
        db = self._need(self._pg_writer)
        async with self._write_lock, self._locked(db):
            yield db
            await settle_inbox(db, self.now())

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Row | None:  # type: ignore[override]
        rows = await self.reader.execute_fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:  # type: ignore[override]
        return await self.reader.execute_fetchall(sql, params)


Store.engines["postgresql"] = PostgresStore
__all__ = ["Connection", "PostgresStore", "Row", "pg_ddl", "redact", "translate"]
