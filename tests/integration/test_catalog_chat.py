"""The catalog managed from the staff group, on a real store: a file's preview imported
exactly once, refused when old or stale; a 10,000-row workbook in one transaction; edits and
an import at the same time; stock counted, added and removed with a reason; a new product."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta

import openpyxl
import pytest

from domain.catalog import catalog, product_edit, stock
from domain.catalog.catalog_import import ImportFailed
from domain.catalog.catalog_preview import (
    PreviewClosed,
    PreviewExpired,
    PreviewStale,
    cancel_preview,
    import_preview,
    make_preview,
)
from domain.clock import FrozenClock
from domain.errors import InvalidInput
from domain.ordering import order_reads
from domain.store import Store
from tests.integration.staff_support import DEWI, SARI, placed

CHAT = -1001234567890
HEADER = ["sku", "name", "category", "price", "stock", "description", "active"]


def workbook(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Katalog")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


UPDATE = workbook(
    [
        ["KOPI-GAYO", "Kopi Arabika Gayo 250 g", "Kopi & Teh", 90000, 40,
         "Sangrai medium, cocok untuk V60.", "yes"],
        ["SAMBAL-ROA", "Sambal Roa 150 g", "Bumbu", 45000, 20, "", "yes"],
    ]
)


async def product(store: Store, sku: str) -> tuple[int, int, bool]:
    item = await stock.product(store, sku)
    return item.price, item.stock, item.active


async def test_a_preview_is_imported_exactly_once(seeded_store: Store) -> None:
    store = seeded_store
    preview = await make_preview(store, UPDATE, "katalog.xlsx", CHAT, SARI)
    assert preview.id is not None and preview.errors == []
    assert preview.diff is not None
    assert [r.sku for r in preview.diff.new] == ["SAMBAL-ROA"]
    assert [(d.row.sku, [c.field for c in d.changes]) for d in preview.diff.changed] == [
        ("KOPI-GAYO", ["price"])
    ]
    assert await product(store, "KOPI-GAYO") == (85_000, 40, True)  # a preview changes nothing

    done = await import_preview(store, preview.id, SARI)
    assert (len(done.diff.new), len(done.diff.changed)) == (1, 1)
    assert await product(store, "KOPI-GAYO") == (90_000, 40, True)
    assert await product(store, "SAMBAL-ROA") == (45_000, 20, True)

    with pytest.raises(PreviewClosed) as again:  # a second press does nothing
        await import_preview(store, preview.id, DEWI)
    assert again.value.context["state"] == "imported"
    assert again.value.context["actor_name"] == "Sari"
    with pytest.raises(PreviewClosed):
        await cancel_preview(store, preview.id, DEWI)
    card = await product_edit.card(store, "KOPI-GAYO")
    assert [(c.field, c.before, c.after, c.actor_name) for c in card.changes] == [
        ("price", 85_000, 90_000, "Sari"),
        ("created", None, None, "command line"),
    ]


async def test_two_presses_at_once_import_once(seeded_store: Store) -> None:
    preview = await make_preview(seeded_store, UPDATE, "katalog.xlsx", CHAT, SARI)
    assert preview.id is not None
    results = await asyncio.gather(
        import_preview(seeded_store, preview.id, SARI),
        import_preview(seeded_store, preview.id, DEWI),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert sum(isinstance(r, PreviewClosed) for r in results) == 1
    rows = await seeded_store.fetchall("SELECT * FROM product_changes WHERE field = 'price'")
    assert len(rows) == 1


async def test_a_preview_older_than_30_minutes_asks_for_the_file_again(
    seeded_store: Store, clock: FrozenClock
) -> None:
    preview = await make_preview(seeded_store, UPDATE, "katalog.xlsx", CHAT, SARI)
    assert preview.id is not None
    clock.current += timedelta(minutes=31)
    with pytest.raises(PreviewExpired):
        await import_preview(seeded_store, preview.id, SARI)
    assert await product(seeded_store, "KOPI-GAYO") == (85_000, 40, True)
    with pytest.raises(PreviewClosed) as closed:
        await import_preview(seeded_store, preview.id, SARI)
    assert closed.value.context["state"] == "expired"
    row = await seeded_store.fetchone("SELECT rows FROM catalog_previews")
    assert row is not None and row["rows"] is None  # what was read is not kept any longer


@pytest.mark.parametrize("change", ["edit", "restock", "import"])
async def test_another_change_makes_the_preview_stale(seeded_store: Store, change: str) -> None:
    store = seeded_store
    preview = await make_preview(store, UPDATE, "katalog.xlsx", CHAT, SARI)
    assert preview.id is not None
    if change == "edit":
        await product_edit.edit(store, "BATIK-M", "price", 260_000, DEWI)
    elif change == "restock":
        await stock.restock(store, "BATIK-M", 5, DEWI)
    else:
        other = await make_preview(store, UPDATE, "lagi.xlsx", CHAT, DEWI)
        assert other.id is not None
        await import_preview(store, other.id, DEWI)
    with pytest.raises(PreviewStale):
        await import_preview(store, preview.id, SARI)
    if change != "import":
        assert await product(store, "KOPI-GAYO") == (85_000, 40, True)
        assert await store.fetchone("SELECT 1 FROM products WHERE sku = 'SAMBAL-ROA'") is None


async def test_orders_placed_meanwhile_do_not_make_a_preview_stale(seeded_store: Store) -> None:
    preview = await make_preview(seeded_store, UPDATE, "katalog.xlsx", CHAT, SARI)
    assert preview.id is not None
    await placed(seeded_store, items={"TEH-MELATI": 1})
    await import_preview(seeded_store, preview.id, SARI)
    assert await product(seeded_store, "KOPI-GAYO") == (90_000, 40, True)


async def test_a_bad_file_previews_its_reasons_and_keeps_nothing(seeded_store: Store) -> None:
    bad = workbook(
        [
            ["KOPI-GAYO", "Kopi", "Kopi & Teh", "sembilan puluh ribu", 40, "", "yes"],
            ["NEW", "", "Baru", 1000, 1, "", "mungkin"],
        ]
    )
    preview = await make_preview(seeded_store, bad, "katalog.xlsx", CHAT, SARI)
    assert preview.id is None
    assert [(e.line, e.code) for e in preview.errors] == [(2, "price_invalid"), (3, "name_length")]
    assert await seeded_store.fetchone("SELECT 1 FROM catalog_previews") is None
    same = await make_preview(seeded_store, b"sku,name\n", "x.csv", CHAT, SARI)
    assert [e.code for e in same.errors] == ["missing_columns"]


async def test_a_file_that_changes_nothing_offers_no_import(seeded_store: Store) -> None:
    text = (
        b"sku;name;category;price;stock\n"
        b"TEH-MELATI;Teh Melati Tubruk 100 g;Kopi & Teh;18.000;10\n"
    )
    preview = await make_preview(seeded_store, text, "teh.csv", CHAT, SARI)
    assert preview.id is None and preview.errors == []
    assert preview.diff is not None and preview.diff.unchanged == 1


async def test_ten_thousand_rows_in_one_transaction(store: Store) -> None:
    """All 10,000 rows of a workbook land together; a file whose last row turns bad before
    Import is pressed (an order now holds more than it states) leaves every product as it
    was. Timing and memory: bench/catalog.py (tests do not time things)."""
    n = 10_000
    rows = [[f"SKU-{i:05d}", f"Produk {i}", f"Kategori {i % 40}", 1000 + i, 50, "", "yes"]
            for i in range(n)]
    preview = await make_preview(store, workbook(rows), "besar.xlsx", CHAT, SARI)
    assert preview.id is not None and preview.diff is not None
    assert len(preview.diff.new) == n
    await import_preview(store, preview.id, SARI)
    row = await store.fetchone("SELECT COUNT(*) AS n, SUM(price) AS total FROM products")
    assert row is not None and (row["n"], row["total"]) == (n, sum(1000 + i for i in range(n)))

    # Every price and stock changes; CSV this time (the same module reads both).
    text = "sku,name,category,price,stock,description,active\n" + "".join(
        f"SKU-{i:05d},Produk {i},Kategori {i % 40},{1500 + i},20,,yes\n" for i in range(n)
    )
    preview = await make_preview(store, text.encode(), "besar.csv", CHAT, SARI)
    assert preview.id is not None and preview.diff is not None
    assert len(preview.diff.changed) == n
    async with store.transaction() as db:  # an order holds 30 of the last product meanwhile
        await db.execute("UPDATE products SET reserved = 30 WHERE sku = 'SKU-09999'")
    with pytest.raises(ImportFailed) as failed:
        await import_preview(store, preview.id, SARI)
    assert [(e.line, e.code) for e in failed.value.errors] == [(n + 1, "below_reserved")]
    row = await store.fetchone("SELECT SUM(price) AS total, SUM(stock) AS units FROM products")
    assert row is not None
    assert (row["total"], row["units"]) == (sum(1000 + i for i in range(n)), 50 * n)


@pytest.mark.parametrize("rounds", range(4))
async def test_an_edit_and_an_import_at_the_same_time(seeded_store: Store, rounds: int) -> None:
    """Either the import went first and the edit after it (both show), or the edit went first
    and made the preview stale (the import changes nothing): never half of each."""
    store = seeded_store
    preview = await make_preview(store, UPDATE, "katalog.xlsx", CHAT, SARI)
    assert preview.id is not None
    edit = product_edit.edit(store, "KOPI-GAYO", "price", 99_000, DEWI)
    tasks = [import_preview(store, preview.id, SARI), edit]
    if rounds % 2:
        tasks.reverse()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    imported = next(r for r in results if not isinstance(r, product_edit.Edited))
    price, _, _ = await product(store, "KOPI-GAYO")
    sambal = await store.fetchone("SELECT 1 FROM products WHERE sku = 'SAMBAL-ROA'")
    if isinstance(imported, PreviewStale):
        assert sambal is None and price == 99_000
    else:
        assert not isinstance(imported, Exception), imported
        assert sambal is not None and price == 99_000  # the later edit stands


async def test_stock_counted_added_and_removed_with_a_reason(seeded_store: Store) -> None:
    store = seeded_store
    await placed(store, items={"BATIK-M": 2})  # 3 on hand, 2 held
    added = await stock.adjust(store, "batik-m", "add", 4, SARI, "kiriman pemasok")
    assert (added.before, added.after, added.product.available) == (3, 7, 5)
    removed = await stock.adjust(store, "BATIK-M", "remove", 1, DEWI, "rusak")
    assert removed.after == 6
    counted = await stock.adjust(store, "BATIK-M", "set", 10, SARI)
    assert counted.after == 10
    with pytest.raises(InvalidInput) as below:
        await stock.adjust(store, "BATIK-M", "set", 1, SARI, "hitung")
    assert below.value.code == "stock_below_reserved"
    assert below.value.context == {"reserved": 2, "wanted": 1}
    moves = await stock.movements(store, "BATIK-M")
    assert [(m.delta, m.stock_after, m.reason, m.note, m.actor_name) for m in moves] == [
        (4, 10, "set", None, "Sari"),
        (-1, 6, "remove", "rusak", "Dewi"),
        (4, 7, "add", "kiriman pemasok", "Sari"),
    ]


async def test_an_edit_is_recorded_and_a_product_off_sale_leaves_the_catalog(
    seeded_store: Store,
) -> None:
    store = seeded_store
    order = await placed(store, items={"KOPI-GAYO": 1})
    edited = await product_edit.edit(store, "KOPI-GAYO", "price", 95_000, SARI)
    assert (edited.before, edited.after, edited.product.price) == (85_000, 95_000, 95_000)
    again = await product_edit.edit(store, "KOPI-GAYO", "price", 95_000, DEWI)
    assert not again.changed
    placed_order = await order_reads.order_by_number(store.reader, order.number)
    assert placed_order.lines[0].unit_price == 85_000  # placed orders keep their price
    await product_edit.edit(store, "BATIK-M", "active", False, SARI)
    assert await catalog.get_product(store, "BATIK-M") is None
    assert "Pakaian" not in await catalog.categories(store)
    rows = await store.fetchall(
        "SELECT field, actor_name, source FROM product_changes WHERE source = 'chat' ORDER BY id"
    )
    assert [tuple(r) for r in rows] == [("price", "Sari", "chat"), ("active", "Sari", "chat")]


async def test_a_new_product_step_by_step(seeded_store: Store) -> None:
    store = seeded_store
    await product_edit.create(
        store,
        {"sku": "KOPI-TORAJA-200-G", "name": "x", "category": "K", "price": 1, "stock": 1},
        SARI,
    )
    step = await product_edit.answer_step(store, {}, "name", "  Kopi Toraja 200 g ")
    assert step.next == "sku"
    assert step.draft == {"name": "Kopi Toraja 200 g", "suggested": "KOPI-TORAJA-200-G-2"}
    with pytest.raises(InvalidInput) as taken:
        await product_edit.answer_step(store, step.draft, "sku", "kopi-gayo")
    assert taken.value.code == "sku_taken"
    step = await product_edit.answer_step(store, step.draft, "sku", "ok")
    step = await product_edit.answer_step(store, step.draft, "category", "Kopi & Teh")
    step = await product_edit.answer_step(store, step.draft, "price", "Rp 72.500")
    step = await product_edit.answer_step(store, step.draft, "stock", "12")
    assert step.next is None
    made = await product_edit.create(store, step.draft, SARI)
    assert (made.sku, made.price, made.stock, made.active) == ("KOPI-TORAJA-200-G-2", 72_500, 12,
                                                              True)
    assert await catalog.get_product(store, made.sku) is not None
    with pytest.raises(InvalidInput):
        await product_edit.create(store, step.draft, SARI)
