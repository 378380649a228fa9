"""The store: every line of SQL the product runs lives in this package.

Two engines with one interface: `sqlite.py` (the embedded default: one file, WAL, `BEGIN
IMMEDIATE` transactions) and `postgres.py` (psycopg 3; write transactions serialized by an
advisory lock, see its docstring). `Store(location)` picks one: a path or `sqlite:///path`, or a
`postgresql://` URL. The other modules are repositories, one per aggregate, whose functions take
a connection (a transaction's or `store.reader`) and primitives, and return rows or models.
Domain services call them and hold no SQL of their own, and never know which engine runs.

Writing SQL that runs on both (the repositories are shared; keep them so):
- Placeholders `?` or `:name` (with a dict); the PostgreSQL engine translates them once at its
  boundary. A literal `%` is fine (it is escaped there).
- New ids: `INSERT … RETURNING id`, read with `fetchone(db, …)` (never `cursor.lastrowid`).
- Upserts: `INSERT … ON CONFLICT (cols) DO NOTHING` / `DO UPDATE SET c = excluded.c`; in the
  SET, name the table for its own old value (`last_seq = invoice_counters.last_seq + 1`).
  Never `INSERT OR IGNORE` / `OR REPLACE`.
- `cur.rowcount` after UPDATE / DELETE / INSERT is right on both (compare-and-set).
- Standard functions only: COALESCE, CASE, `upper()`/`lower()`, `substr`, `replace`, `||`,
  COUNT/SUM/MIN/MAX/AVG (SUM of integers comes back as int on both). Not: scalar
  `MAX(a, b)` (write CASE), `IFNULL`, `IIF`, `GROUP_CONCAT`, `strftime`/`date()`/`julianday`,
  json functions, `COLLATE NOCASE` (compare `upper(x) = upper(?)`), `rowid`.
- Booleans are INTEGER 0/1 columns: compare `active = 1`, never `WHERE active`; a
  comparison in a SELECT list (`x IS NOT NULL AS flag`) is 1/0 or True/False: read it with
  `bool()`.
- Every subquery in FROM has an alias; HAVING and WHERE repeat the expression, not a SELECT
  alias. A NULL sorts first ascending on SQLite and last on PostgreSQL: where it matters,
  `ORDER BY x IS NULL, x` (or avoid NULLs in sort keys).
- LIKE folds ASCII case on SQLite only: compare `lower(col) LIKE lower(?)` when case must not
  matter.
- Times are ISO text as `to_db` writes them (fixed width, UTC): compare them as strings.
- Parameter types: integers are sent untyped (the column decides), strings as text; do not
  use a bare parameter where no column or operator gives it a type (`? IS NULL`).

A dialect-specific piece, where the engines truly differ: keep the portable query and branch
on `dialect_of(db)` ("sqlite" / "postgresql") in that one repository function, with both
versions side by side (search.py: FTS5 vs pg_trgm; orders.lines: rowid vs seq; reports.waits:
group_concat vs string_agg). SQLite's planner hint `INDEXED BY` is written `indexed_by(db, name)`
(nothing on PostgreSQL).

Migrations: one numbered series, `domain/migrations/NNN_name.sql`, written for SQLite; on
PostgreSQL it runs through `pg_ddl` (INTEGER → BIGINT, INTEGER PRIMARY KEY → identity, REAL →
double precision). Where that is not enough (virtual tables, triggers, a table rebuild to
change a CHECK, a forward foreign key) add `NNN_name.postgresql.sql` beside it: the whole
migration in PostgreSQL's words (ALTER TABLE … DROP/ADD CONSTRAINT instead of a rebuild;
PostgreSQL names a column CHECK `<table>_<column>_check`). Tests run both halves.
"""

from domain.store import postgres  # noqa: F401 - registers the PostgreSQL engine with Store
from domain.store.sqlite import (
    BUSY_TIMEOUT_MS,
    Connection,
    Row,
    Store,
    StoreUnusable,
    dialect_of,
    fetchall,
    fetchone,
    file_fault,
    from_row,
    indexed_by,
    migrations,
)

__all__ = [
    "BUSY_TIMEOUT_MS",
    "Connection",
    "Row",
    "Store",
    "StoreUnusable",
    "dialect_of",
    "fetchall",
    "fetchone",
    "file_fault",
    "from_row",
    "indexed_by",
    "migrations",
]
