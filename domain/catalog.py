"""The catalog: categories, products, availability."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from domain.models import Product
from domain.store import Store

PAGE_SIZE = 6


@dataclass(frozen=True, slots=True)
class Page:
    items: tuple[Product, ...]
    page: int
    pages: int


def product_from_row(row: aiosqlite.Row) -> Product:
    return Product(
        sku=row["sku"],
        name=row["name"],
        category=row["category"],
        price=row["price"],
        stock=row["stock"],
        reserved=row["reserved"],
        description=row["description"],
        photo=row["photo"],
        active=bool(row["active"]),
        low_stock_threshold=row["low_stock_threshold"],
    )


async def categories(store: Store) -> list[str]:
    rows = await store.fetchall(
        "SELECT DISTINCT category FROM products WHERE active = 1 ORDER BY category"
    )
    return [r["category"] for r in rows]


async def products_in(store: Store, category: str, page: int = 0) -> Page:
    row = await store.fetchone(
        "SELECT COUNT(*) AS n FROM products WHERE active = 1 AND category = ?", (category,)
    )
    total = row["n"] if row else 0
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 0), pages - 1)
    rows = await store.fetchall(
        "SELECT * FROM products WHERE active = 1 AND category = ? ORDER BY name, sku"
        " LIMIT ? OFFSET ?",
        (category, PAGE_SIZE, page * PAGE_SIZE),
    )
    return Page(tuple(product_from_row(r) for r in rows), page, pages)


async def get_product(store: Store, sku: str, *, active_only: bool = True) -> Product | None:
    row = await store.fetchone("SELECT * FROM products WHERE sku = ?", (sku,))
    if row is None or (active_only and not row["active"]):
        return None
    return product_from_row(row)
