"""The store on a real SQLite file (and the checks that hold on PostgreSQL too): migrations,
WAL, foreign keys, busy timeout, atomicity."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import psycopg
import pytest

from domain.clock import FrozenClock
from domain.store import BUSY_TIMEOUT_MS, Store, StoreUnusable, fetchone, migrations
from domain.store import sqlite as store_module
from tests.conftest import START, seed_catalog

INTEGRITY = (sqlite3.IntegrityError, psycopg.IntegrityError)

ISSUE_2_TABLES = (
    "products",
    "customers",
    "cart_items",
    "orders",
    "order_lines",
    "order_events",
    "outbox",
    "ptb_conversations",
    "ptb_data",
    "schema_migrations",
)


def shipped_versions() -> list[int]:
    return [version for version, _, _ in migrations()]


async def recorded(store: Store) -> list[tuple[int, str, str]]:
    rows = await store.fetchall("SELECT version, name, applied_at FROM schema_migrations")
    return [(r["version"], r["name"], r["applied_at"]) for r in rows]




def test_migrations_are_numbered_from_1_without_gaps() -> None:
    versions = shipped_versions()
    gaps = set(range(1, max(versions) + 1)) - set(versions)
    assert versions == sorted(set(versions)) and not gaps
    assert all(sql.strip() for _, _, sql in migrations())


async def test_fresh_file_gets_every_migration_and_records_the_version(
    tmp_path: Path, clock: FrozenClock
) -> None:
    path = tmp_path / "nested" / "folder" / "shop.db"  # folders are created
    async with Store(path, clock=clock) as store:
        assert path.exists()
        versions = shipped_versions()
        assert await store.schema_version() == versions[-1]
        assert [(v, n) for v, n, _ in await recorded(store)] == [(v, n) for v, n, _ in migrations()]
        assert {at for _, _, at in await recorded(store)} == {"2026-11-22T02:00:00+00:00"}
        tables = {
            r["name"]
            for r in await store.fetchall("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert set(ISSUE_2_TABLES) <= tables


async def test_rerunning_migrations_is_a_no_op(tmp_path: Path, clock: FrozenClock) -> None:
    path = tmp_path / "shop.db"
    async with Store(path, clock=clock) as store:
        before = await recorded(store)
        assert await store.migrate() == []
        async with store.transaction() as db:
            await db.execute(
                "INSERT INTO products (sku, name, category, price, stock, updated_at)"
                " VALUES ('KOPI', 'Kopi', 'Kopi', 1000, 5, 'x')"
            )
    clock.advance(days=1)
    async with Store(path, clock=clock) as again:  # a restart
        assert await again.migrate() == []
        assert await recorded(again) == before  # nothing re-applied, stamps unchanged
        row = await again.fetchone("SELECT stock FROM products WHERE sku = 'KOPI'")
        assert row is not None and row["stock"] == 5  # data kept


async def test_an_older_database_is_upgraded_on_open(
    tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = migrations()
    if len(real) < 2:
        pytest.skip("needs two migrations")
    path = tmp_path / "shop.db"
    monkeypatch.setattr(store_module, "migrations", lambda: real[:1])  # last release
    async with Store(path, clock=clock) as old:
        assert await old.schema_version() == 1
    monkeypatch.setattr(store_module, "migrations", lambda: real)  # this release
    clock.advance(days=30)
    async with Store(path, clock=clock) as upgraded:
        assert await upgraded.schema_version() == real[-1][0]
        stamps = {v: at for v, _, at in await recorded(upgraded)}
        assert stamps[1] == "2026-11-22T02:00:00+00:00"
        assert {stamps[v] for v, _, _ in real[1:]} == {"2026-12-22T02:00:00+00:00"}


async def test_a_failing_migration_leaves_nothing_behind(
    tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "shop.db"
    async with Store(path, clock=clock) as store:
        version = await store.schema_version()
    real = migrations()
    broken = (
        version + 1,
        "broken",
        "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);",
    )
    monkeypatch.setattr(store_module, "migrations", lambda: [*real, broken])
    store = Store(path, clock=clock)
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        await store.open()
    await store.close()
    monkeypatch.setattr(store_module, "migrations", lambda: real)
    async with Store(path, clock=clock) as reopened:
        assert await reopened.schema_version() == version
        half = await reopened.fetchone(
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'half_done'"
        )
        assert half is not None and half["n"] == 0


@pytest.mark.sqlite_only
async def test_pragmas_on_both_connections(store: Store) -> None:
    assert store._writer is not None
    for conn in (store._writer, store.reader):
        async with conn.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"  # type: ignore[index]
        async with conn.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1  # type: ignore[index]
        async with conn.execute("PRAGMA busy_timeout") as cur:
            assert (await cur.fetchone())[0] == BUSY_TIMEOUT_MS  # type: ignore[index]
    assert BUSY_TIMEOUT_MS >= 5_000  # long enough for a burst of checkouts to queue up
    assert store.path.with_name(store.path.name + "-wal").is_file()


async def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(INTEGRITY, match=r"(?i)foreign key"):
        async with store.transaction() as db:
            await db.execute(
                "INSERT INTO cart_items (user_id, sku, quantity, added_at)"
                " VALUES (999, 'NOPE', 1, 'x')"
            )
    row = await store.fetchone("SELECT COUNT(*) AS n FROM cart_items")
    assert row is not None and row["n"] == 0


async def test_stock_constraints_back_up_the_code(seeded_store: Store) -> None:
    for sql in (
        "UPDATE products SET reserved = stock + 1 WHERE sku = 'BATIK-M'",
        "UPDATE products SET reserved = -1 WHERE sku = 'BATIK-M'",
        "UPDATE products SET stock = -1 WHERE sku = 'BATIK-M'",
    ):
        with pytest.raises(INTEGRITY, match=r"(?i)check"):
            async with seeded_store.transaction() as db:
                await db.execute(sql)
    row = await seeded_store.fetchone("SELECT stock, reserved FROM products WHERE sku = 'BATIK-M'")
    assert row is not None and (row["stock"], row["reserved"]) == (3, 0)


async def test_transaction_rolls_back_everything_on_error(seeded_store: Store) -> None:
    with pytest.raises(RuntimeError):
        async with seeded_store.transaction() as db:
            await db.execute("UPDATE products SET stock = 0 WHERE sku = 'KOPI-GAYO'")
            await db.execute("DELETE FROM products WHERE sku = 'TEH-MELATI'")
            raise RuntimeError("boom")
    rows = await seeded_store.fetchall("SELECT sku, stock FROM products ORDER BY sku")
    assert {r["sku"]: r["stock"] for r in rows} == {"BATIK-M": 3, "KOPI-GAYO": 40, "TEH-MELATI": 10}
    # The connection is usable again afterwards.
    async with seeded_store.transaction() as db:
        await db.execute("UPDATE products SET stock = 41 WHERE sku = 'KOPI-GAYO'")
    row = await seeded_store.fetchone("SELECT stock FROM products WHERE sku = 'KOPI-GAYO'")
    assert row is not None and row["stock"] == 41


async def test_a_second_store_on_the_same_file_sees_committed_writes(
    seeded_store: Store, clock: FrozenClock
) -> None:
    async with Store(seeded_store.path, clock=clock) as other:
        assert await other.migrate() == []
        async with seeded_store.transaction() as db:
            await db.execute("UPDATE products SET stock = 7 WHERE sku = 'BATIK-M'")
        row = await other.fetchone("SELECT stock FROM products WHERE sku = 'BATIK-M'")
        assert row is not None and row["stock"] == 7


def test_clock_fixture_is_the_agreed_moment(clock: FrozenClock) -> None:
    assert clock() == START
    assert clock.advance(minutes=5) == clock()


@pytest.mark.postgresql_only
async def test_postgresql_writers_wait_for_each_other_like_begin_immediate(
    engine: str, db_location: Path | str, clock: FrozenClock
) -> None:
    """A second store's write transaction starts only once the first commits (the advisory
    lock), and then sees its write; readers never wait."""
    async with Store(db_location, clock) as one, Store(db_location, clock) as two:
        await seed_catalog(one)
        steps: list[object] = []
        inside, release = asyncio.Event(), asyncio.Event()

        async def first() -> None:
            async with one.transaction() as db:
                await db.execute("UPDATE products SET stock = stock + 1 WHERE sku = 'BATIK-M'")
                steps.append("first in")
                inside.set()
                await release.wait()
                steps.append("first out")

        async def second() -> None:
            await inside.wait()
            async with two.transaction() as db:
                row = await fetchone(db, "SELECT stock FROM products WHERE sku = 'BATIK-M'")
                steps.append(("second in", row["stock"] if row else None))

        tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
        for _ in range(500):  # until the second writer waits on the lock (a condition, not time)
            waiting = await one.fetchone(
                "SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )
            if waiting and waiting["n"] == 1:
                break
            await asyncio.sleep(0.01)
        assert waiting is not None and waiting["n"] == 1
        assert steps == ["first in"]
        row = await two.fetchone("SELECT stock FROM products WHERE sku = 'BATIK-M'")
        assert row is not None and row["stock"] == 3  # a reader: not blocked, sees the last commit
        release.set()
        await asyncio.gather(*tasks)
        assert steps == ["first in", "first out", ("second in", 4)]


@pytest.mark.postgresql_only
async def test_a_postgresql_store_that_cannot_be_reached_is_one_reason(
    engine: str, clock: FrozenClock
) -> None:
    from tests.postgres import SERVER

    url = SERVER.url("no_such_shop")
    missing = url.replace("postgresql://postgres@", "postgresql://postgres:s3cret@")
    with pytest.raises(StoreUnusable) as caught:
        await Store(missing, clock).open()
    assert caught.value.reason.startswith("cannot connect: ")
    assert "no_such_shop" in caught.value.reason and "does not exist" in caught.value.reason
    assert "s3cret" not in str(caught.value) and "***" in str(caught.value.path)
