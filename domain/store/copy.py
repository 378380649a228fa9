"""A shop's data from its SQLite file into an empty PostgreSQL database
(`python -m bot db copy --to postgresql://…`), checked by counts and totals per table.

Both stores are opened first, so both are migrated to this bot's schema. The copy is one
transaction on the target: tables in foreign-key order, rows in their stored order (order
lines keep the order they were placed in), identity sequences moved past the copied ids. Then
every table's row count and the sum of each integer column are compared on both sides; any
difference is reported (and the caller exits non-zero).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.store.sqlite import Store, fetchall, fetchone

BATCH = 1000
# Tables a migration fills by itself (the target's rows are replaced by the source's).
SEEDED = ("catalog_version",)
SKIPPED = ("schema_migrations",)  # each store keeps its own record of migrations


class CopyRefused(Exception):
    """The copy cannot start (e.g. the target holds a shop already); says why."""


@dataclass
class TableCheck:
    table: str
    rows: int
    target_rows: int
    totals: dict[str, int] = field(default_factory=dict)
    target_totals: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.rows == self.target_rows and self.totals == self.target_totals


async def _sqlite_tables(source: Store) -> dict[str, list[tuple[str, str]]]:
    """Each plain table (not FTS5's, not SQLite's own) → [(column, declared type)]."""
    rows = await source.fetchall(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    found: dict[str, list[tuple[str, str]]] = {}
    shadow = {r["name"] for r in rows if "VIRTUAL TABLE" in (r["sql"] or "").upper()}
    for r in rows:
        name = r["name"]
        if name in shadow or name in SKIPPED or any(name.startswith(f"{s}_") for s in shadow):
            continue
        cols = await source.fetchall(f"SELECT name, type FROM pragma_table_info('{name}')")
        found[name] = [(c["name"], (c["type"] or "").upper()) for c in cols]
    return found


async def _fk_order(source: Store, tables: list[str]) -> list[str]:
    """Tables with the ones they reference first."""
    needs: dict[str, set[str]] = {}
    for t in tables:
        refs = await source.fetchall(f"SELECT \"table\" AS ref FROM pragma_foreign_key_list('{t}')")
        needs[t] = {r["ref"] for r in refs if r["ref"] != t and r["ref"] in tables}
    ordered: list[str] = []
    while needs:
        ready = sorted(t for t, n in needs.items() if not n - set(ordered))
        if not ready:
            raise CopyRefused(f"foreign keys in a cycle among {sorted(needs)}")
        ordered += ready
        for t in ready:
            del needs[t]
    return ordered


async def _has_rowid(source: Store, table: str) -> bool:
    try:
        await source.fetchone(f"SELECT rowid FROM {table} LIMIT 1")
    except Exception:  # a WITHOUT ROWID table
        return False
    return True


async def _totals(store: Store, table: str, columns: list[str]) -> tuple[int, dict[str, int]]:
    sums = "".join(f', COALESCE(SUM("{c}"), 0) AS s{i}' for i, c in enumerate(columns))
    row = await fetchone(store.reader, f"SELECT COUNT(*) AS n{sums} FROM {table}")
    assert row is not None
    return int(row["n"]), {c: int(row[f"s{i}"]) for i, c in enumerate(columns)}


async def copy_store(source: Store, target: Store) -> list[TableCheck]:
    """Copy every table of `source` (SQLite) into `target` (PostgreSQL, without a shop yet)."""
    if source.dialect != "sqlite" or target.dialect != "postgresql":
        raise CopyRefused("copies from a SQLite store into a PostgreSQL one")
    tables = await _sqlite_tables(source)
    order = await _fk_order(source, list(tables))
    target_columns = {
        (r["table_name"], r["column_name"])
        for r in await target.fetchall(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema()"
        )
    }
    missing = [t for t in order if (t, tables[t][0][0]) not in target_columns]
    if missing:
        raise CopyRefused(f"the target has no table(s) {', '.join(missing)}")
    for table in order:
        if table in SEEDED:
            continue
        row = await target.fetchone(f"SELECT 1 AS x FROM {table} LIMIT 1")
        if row is not None:
            raise CopyRefused(f"the target is not empty (table {table} has rows): copy into a"
                              " new database")

    async with target.transaction() as db:
        for table in SEEDED:
            if table in tables:
                await db.execute(f"DELETE FROM {table}")
        for table in order:
            columns = [c for c, _ in tables[table] if (table, c) in target_columns]
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            insert = f"INSERT INTO {table} ({names}) VALUES ({marks})"
            by = " ORDER BY rowid" if await _has_rowid(source, table) else ""
            offset = 0
            while True:
                rows = await fetchall(
                    source.reader,
                    f"SELECT {names} FROM {table}{by} LIMIT ? OFFSET ?",
                    (BATCH, offset),
                )
                if not rows:
                    break
                await db.executemany(insert, [tuple(r) for r in rows])
                offset += len(rows)
        identities = await fetchall(
            db,
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND is_identity = 'YES'",
        )
        for r in identities:
            table, column = r["table_name"], r["column_name"]
            await db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                f" COALESCE(MAX({column}), 0) + 1, false) FROM {table}"
            )

    checks = []
    for table in order:
        numeric = [c for c, kind in tables[table] if "INT" in kind and (table, c) in target_columns]
        rows, totals = await _totals(source, table, numeric)
        target_rows, target_totals = await _totals(target, table, numeric)
        checks.append(TableCheck(table, rows, target_rows, totals, target_totals))
    return checks
