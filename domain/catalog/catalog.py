"""The catalog: categories, products, availability."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.models import Product
from domain.store import Store, from_row
from domain.store import products as product_rows

PAGE_SIZE = 6


@dataclass(frozen=True, slots=True)
class Page:
    items: tuple[Product, ...]
    page: int
    pages: int


def product_from_row(row: Mapping[str, Any]) -> Product:
    return from_row(Product, row, active=bool(row["active"]))


async def categories(store: Store) -> list[str]:
    return await product_rows.active_categories(store.reader)


async def products_in(store: Store, category: str, page: int = 0) -> Page:
    total = await product_rows.count_active_in(store.reader, category)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 0), pages - 1)
    rows = await product_rows.active_page(store.reader, category, PAGE_SIZE, page * PAGE_SIZE)
    return Page(tuple(product_from_row(r) for r in rows), page, pages)


async def get_product(store: Store, sku: str, *, active_only: bool = True) -> Product | None:
    row = await product_rows.by_sku(store.reader, sku)
    if row is None or (active_only and not row["active"]):
        return None
    return product_from_row(row)
