"""Shared fixtures: a frozen clock, a store on a fresh file, a small catalog, customers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio

from domain.catalog.catalog_import import import_catalog
from domain.clock import FrozenClock
from domain.customers import ensure_customer
from domain.models import Customer
from domain.store import Store

START = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 09:00 WIB

# A small shop: two categories, a product that sells out fast (BATIK-M) and one cheap item.
SMALL_CATALOG = """\
sku,name,category,price,stock,description
KOPI-GAYO,Kopi Arabika Gayo 250 g,Kopi & Teh,Rp85.000,40,"Sangrai medium, cocok untuk V60."
TEH-MELATI,Teh Melati Tubruk 100 g,Kopi & Teh,18000,10,
BATIK-M,Kemeja Batik Parang ukuran M,Pakaian,"Rp 250.000",3,Katun primisima.
"""

CustomerFactory = Callable[..., Awaitable[Customer]]


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest_asyncio.fixture
async def store(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[Store]:
    opened = await Store(tmp_path / "shop.db", clock=clock).open()
    try:
        yield opened
    finally:
        await opened.close()


async def seed_catalog(store: Store, csv_text: str = SMALL_CATALOG) -> Store:
    await import_catalog(store, csv_text)
    return store


@pytest_asyncio.fixture
async def seeded_store(store: Store) -> Store:
    return await seed_catalog(store)


async def make_customer(
    store: Store,
    user_id: int,
    *,
    first_name: str = "Budi",
    username: str | None = None,
    language_code: str | None = "id",
) -> Customer:
    return await ensure_customer(
        store,
        user_id,
        first_name=first_name,
        username=username,
        language_code=language_code,
        default_language="id",
    )


@pytest.fixture
def customer(store: Store) -> CustomerFactory:
    """`await customer(1001)` creates (or returns) that customer in `store`."""

    async def create(user_id: int, **kwargs: object) -> Customer:
        return await make_customer(store, user_id, **kwargs)  # type: ignore[arg-type]

    return create
