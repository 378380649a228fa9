"""Catalog import on the real store: a failing import, whatever breaks it, leaves every
product as it was (one transaction, nothing half-imported)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest

from domain.catalog.catalog_import import (
    ImportFailed,
    Record,
    import_catalog,
    rows_from_csv,
    rows_from_xlsx,
)
from domain.store import Store
from tests.conftest import SMALL_CATALOG


async def products(store: Store) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in await store.fetchall("SELECT * FROM products ORDER BY sku")]


def xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["sku", "name", "category", "price", "stock"]


def stock_below_reserved() -> list[Record]:
    """Rows that pass the checks; the stock rule fails inside the transaction, on the last."""
    return rows_from_xlsx(
        xlsx(
            [
                HEADER,
                ["KOPI-GAYO", "Kopi", "Kopi", 1, 99],
                ["NEW-1", "Baru", "Baru", 1, 1],
                ["BATIK-M", "Batik", "Pakaian", 1, 0],
            ]
        )
    )


def bad_price_semicolons() -> list[Record]:
    return rows_from_csv("sku;name;category;price;stock\nKOPI-GAYO;K;K;1;1\nNEW-1;B;B;x;1\n")


def quote_never_closed() -> list[Record]:
    return rows_from_csv("sku,name,category,price,stock\nKOPI-GAYO,K,K,1,1\nNEW-1,\"B,B,1,1\n")


@pytest.mark.parametrize("source", [stock_below_reserved, bad_price_semicolons, quote_never_closed])
async def test_a_failing_import_leaves_the_store_unchanged(
    seeded_store: Store, source: Callable[[], list[Record]]
) -> None:
    store = seeded_store
    async with store.transaction() as db:
        await db.execute("UPDATE products SET reserved = 2 WHERE sku = 'BATIK-M'")
    before = await products(store)
    with pytest.raises(ImportFailed):
        await import_catalog(store, source())
    assert await products(store) == before


async def test_xlsx_import_then_csv_update_on_the_store(store: Store) -> None:
    rows = rows_from_xlsx(xlsx([HEADER, ["KOPI-1", "Kopi", "Kopi", 150000, 10]]))
    assert (await import_catalog(store, rows)).created == 1
    assert (await import_catalog(store, SMALL_CATALOG.replace(",", ";"))).created == 3
    row = await store.fetchone("SELECT price, stock FROM products WHERE sku = 'KOPI-1'")
    assert row is not None and (row["price"], row["stock"]) == (150_000, 10)
