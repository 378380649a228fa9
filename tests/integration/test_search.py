"""/find on the real store: exact numbers first, name and phone fragments through the FTS5
trigram index (migration 004), the index kept in step by triggers, odd input kept literal."""

from __future__ import annotations

import pytest

from domain.errors import InvalidInput
from domain.fulfilment import search
from domain.fulfilment.search import LIMIT
from domain.models import Order
from domain.store import Store
from tests.integration.staff_support import DEWI, flow, placed, shipped


async def found(store: Store, query: str) -> list[str]:
    return [o.number for o in await search.find_orders(store, query)]


async def with_phone(store: Store, order: Order, phone: str) -> None:
    async with store.transaction() as db:
        await db.execute("UPDATE orders SET phone = ? WHERE id = ?", (phone, order.id))


async def test_exact_order_number_with_or_without_hash(seeded_store: Store) -> None:
    a = await placed(seeded_store, 1001, name="Budi Santoso")
    await placed(seeded_store, 1002, name="Siti Rahayu")
    assert await found(seeded_store, a.number) == [a.number]
    assert await found(seeded_store, f"#{a.number.lower()}") == [a.number]


async def test_exact_numbers_come_before_fragments(seeded_store: Store) -> None:
    store = seeded_store
    a = await placed(store, 1001, name="Budi Santoso")
    # A newer customer whose name happens to contain the first order's number.
    b = await placed(store, 1002, name=f"Toko {a.number}")
    assert await found(store, a.number) == [a.number, b.number]


async def test_tracking_number_set_on_shipping_is_found(seeded_store: Store) -> None:
    store, f = seeded_store, flow(seeded_store)
    order = await placed(store, 1001)
    assert await found(store, "JP1234567890") == []
    await shipped(store, f, order, "JP1234567890")
    assert await found(store, "jp 1234 5678 90") == [order.number]
    await f.ship(order.number, DEWI, "sicepat", "004123456789")  # corrected
    assert await found(store, "JP1234567890") == []
    assert await found(store, "004123456789") == [order.number]


@pytest.mark.parametrize(
    "query", ["santo", "SANTOSO", "budi s", "udi", "Budi Santoso", "  budi   santoso "]
)
async def test_name_fragments_any_case(seeded_store: Store, query: str) -> None:
    a = await placed(seeded_store, 1001, name="Budi Santoso")
    await placed(seeded_store, 1002, name="Siti Rahayu")
    assert await found(seeded_store, query) == [a.number]


async def test_phone_fragments_as_staff_type_them(seeded_store: Store) -> None:
    store = seeded_store
    a = await placed(store, 1001, name="Budi")
    b = await placed(store, 1002, name="Siti")
    await with_phone(store, a, "+6281234567890")
    await with_phone(store, b, "+6285711112222")
    for query in ("0812-3456", "0812 3456 7890", "+62 812-3456-7890", "34567890", "(0812) 345"):
        assert await found(store, query) == [a.number], query
    assert await found(store, "0857-1111") == [b.number]
    assert await found(store, "62857") == [b.number]
    assert await found(store, "0813-3456") == []
    assert await found(store, "+62 812") == [a.number]  # the start of the number only
    assert await found(store, "62812") == [a.number]


async def test_a_phone_fragment_may_start_with_zero_mid_number(seeded_store: Store) -> None:
    store = seeded_store
    a = await placed(store, 1001, name="Budi")
    b = await placed(store, 1002, name="Siti")
    await with_phone(store, a, "+6281201234567")
    await with_phone(store, b, "+6281234567012")
    assert await found(store, "01234") == [a.number]  # not +62 1234…, a middle part of a
    assert await found(store, "0812") == []  # too few digits for a phone: a name fragment


async def test_newest_first_and_at_most_ten(seeded_store: Store) -> None:
    orders = [await placed(seeded_store, 2000 + i, name=f"Dewi Lestari {i}") for i in range(12)]
    assert await found(seeded_store, "lestari") == [o.number for o in reversed(orders)][:10]


@pytest.mark.sqlite_only  # FTS5's own table and plans
async def test_index_follows_name_and_phone_changes(seeded_store: Store) -> None:
    store = seeded_store
    a = await placed(store, 1001, name="Budi Santoso")
    async with store.transaction() as db:
        await db.execute("UPDATE orders SET customer_name = 'Agus Wijaya' WHERE id = ?", (a.id,))
    assert await found(store, "santoso") == []
    assert await found(store, "wijaya") == [a.number]
    await with_phone(store, a, "+6289988887777")
    assert await found(store, "0812-3456") == []
    assert await found(store, "0899-8888") == [a.number]
    # Other updates (status, tracking, staff card) leave the index alone and still right.
    async with store.transaction() as db:
        await db.execute("UPDATE orders SET staff_message_id = 7 WHERE id = ?", (a.id,))
    assert await found(store, "wijaya") == [a.number]
    async with store.transaction() as db:
        await db.execute("DELETE FROM order_events WHERE order_id = ?", (a.id,))
        await db.execute("DELETE FROM order_lines WHERE order_id = ?", (a.id,))
        await db.execute("DELETE FROM outbox WHERE order_id = ?", (a.id,))
        await db.execute("DELETE FROM orders WHERE id = ?", (a.id,))
    assert await found(store, "wijaya") == []
    row = await store.fetchone(
        "SELECT COUNT(*) AS n FROM order_search WHERE order_search MATCH 'wij'"
    )
    assert row is not None and row["n"] == 0
    async with store.transaction() as db:  # raises when the index lost its way
        await db.execute("INSERT INTO order_search (order_search) VALUES ('integrity-check')")


@pytest.mark.parametrize(
    "query",
    [
        '" "',
        '"""',
        'Budi"',
        '"budi',
        "budi*",
        "*udi",
        "budi AND siti",
        "OR siti",
        "NOT",
        "NEAR(budi siti)",
        "NEAR",
        "(budi",
        "budi)",
        "name: budi",
        "phone : 0812",
        "{name phone}: x",
        "^budi",
        "- budi",
        "+ + +",
        "a'b",
        "\\\\\\",
        "%_%",
        "bu\x00di",
        "🙂🙂🙂",
    ],
)
async def test_fts_syntax_in_queries_is_literal(seeded_store: Store, query: str) -> None:
    await placed(seeded_store, 1001, name="Budi Santoso")
    await placed(seeded_store, 1002, name='Siti "Ani" (Toko*) AND OR NEAR')
    assert isinstance(await found(seeded_store, query), list)


async def test_special_characters_in_names_are_found_literally(seeded_store: Store) -> None:
    store = seeded_store
    a = await placed(store, 1001, name="Budi Santoso")
    b = await placed(store, 1002, name='Siti "Ani" (Toko*) AND OR NEAR')
    assert await found(store, '"Ani"') == [b.number]
    assert await found(store, "(Toko*)") == [b.number]
    assert await found(store, "AND OR NEAR") == [b.number]
    assert await found(store, "budi*") == []
    assert await found(store, "santoso") == [a.number]


@pytest.mark.parametrize("query", ["ab", "x", "", "   ", "a" * 61])
async def test_too_short_or_long(seeded_store: Store, query: str) -> None:
    with pytest.raises(InvalidInput) as err:
        await search.find_orders(seeded_store, query)
    assert err.value.code == "find_query"


@pytest.mark.sqlite_only  # FTS5's own table and plans
async def test_migration_indexes_orders_placed_before_it(seeded_store: Store) -> None:
    store = seeded_store
    a = await placed(store, 1001, name="Budi Santoso")
    async with store.transaction() as db:  # as if the store predates migration 004
        for trigger in ("insert", "update", "delete"):
            await db.execute(f"DROP TRIGGER order_search_{trigger}")
        await db.execute("DROP TABLE order_search")
        await db.execute("DELETE FROM schema_migrations WHERE version = 4")
    assert await store.migrate() == [4]
    assert await found(store, "santoso") == [a.number]
    assert await found(store, "0812-3456") == [a.number]


@pytest.mark.sqlite_only  # FTS5's own table and plans
async def test_searches_use_indexes(seeded_store: Store) -> None:
    for lookup in search.lookups("0812-3456"):
        params = (lookup.expression, lookup.pattern, LIMIT)
        rows = await seeded_store.fetchall("EXPLAIN QUERY PLAN " + lookup.sql, params)
        plan = " ".join(r["detail"] for r in rows)
        # The trigram index drives, newest first (no sort step); orders only by primary key.
        assert "VIRTUAL TABLE INDEX" in plan and "TEMP B-TREE" not in plan, plan
        assert "SCAN o " not in plan + " " and "SCAN orders" not in plan, plan
    plan = await seeded_store.fetchall(
        "EXPLAIN QUERY PLAN SELECT id FROM orders WHERE number = ?"
        " UNION SELECT id FROM orders WHERE tracking_number = ?",
        ("A", "B"),
    )
    details = " ".join(r["detail"] for r in plan)
    assert "SCAN orders" not in details and "orders_tracking" in details


async def test_long_names_and_names_beyond_ascii(seeded_store: Store) -> None:
    store = seeded_store
    a = await placed(store, 1001, name="Ni Made Ayu Kusumawati Pangaribuan")
    b = await placed(store, 1002, name="Çağla Öztürk")
    c = await placed(store, 1003, name="Ayu Pangaribuan Made")
    assert await found(store, "made ayu kusumawati pangaribuan") == [a.number]
    assert await found(store, "ayu pangaribuan") == [c.number]  # all trigrams, wrong order
    assert await found(store, "pangaribuan") == [c.number, a.number]
    assert await found(store, "ÇAĞLA") == [b.number]
    assert await found(store, "öztürk") == [b.number]
