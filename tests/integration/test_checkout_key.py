"""Confirm is idempotent: a checkout's key places its order once, on a real store."""

from __future__ import annotations

import asyncio

import pytest

from domain.errors import EmptyCart
from domain.ordering.cart import add_to_cart
from domain.ordering.orders import (
    new_checkout_key,
    place_checkout,
    place_order,
    placed_by_checkout_key,
)
from domain.store import Store
from tests.integration.test_checkout import (
    BUDI,
    SHIP,
    SITI,
    details,
    fill_cart,
    snapshot,
    stock_of,
)


async def test_the_same_key_places_once_and_then_finds_the_order(seeded_store: Store) -> None:
    store, key = seeded_store, new_checkout_key()
    await fill_cart(store, SITI, {"BATIK-M": 2})
    first = await place_checkout(store, SITI, details(), SHIP, key)
    assert not first.already_placed
    after_first = await snapshot(store)

    again = await place_checkout(store, SITI, details(), SHIP, key)

    assert again.already_placed
    assert again.order == first.order
    assert await snapshot(store) == after_first  # nothing written: no order, stock, message
    assert await stock_of(store, "BATIK-M") == (3, 2)
    confirmations = await store.fetchall("SELECT chat_id FROM outbox WHERE kind = 'order_placed'")
    assert [r["chat_id"] for r in confirmations] == [SITI]
    # place_order gives the same order back too (instead of "your cart is empty").
    assert await place_order(store, SITI, details(), SHIP, checkout_key=key) == first.order
    assert await placed_by_checkout_key(store, SITI, key) == first.order


async def test_a_new_checkout_key_places_a_new_order(seeded_store: Store) -> None:
    store = seeded_store
    await fill_cart(store, SITI, {"KOPI-GAYO": 1})
    one = await place_checkout(store, SITI, details(), SHIP, new_checkout_key())
    await add_to_cart(store, SITI, "KOPI-GAYO", 1)
    two = await place_checkout(store, SITI, details(), SHIP, new_checkout_key())
    assert not two.already_placed and two.order.id != one.order.id
    with pytest.raises(EmptyCart):  # and with the cart empty, a fresh key has nothing to place
        await place_checkout(store, SITI, details(), SHIP, new_checkout_key())


async def test_someone_elses_key_finds_nothing(seeded_store: Store) -> None:
    store, key = seeded_store, new_checkout_key()
    await fill_cart(store, SITI, {"KOPI-GAYO": 1})
    await place_checkout(store, SITI, details(), SHIP, key)
    await fill_cart(store, BUDI, {"KOPI-GAYO": 1})
    assert await placed_by_checkout_key(store, BUDI, key) is None


async def test_two_confirms_at_once_place_one_order(seeded_store: Store) -> None:
    store, key = seeded_store, new_checkout_key()
    await fill_cart(store, SITI, {"TEH-MELATI": 3})
    results = await asyncio.gather(
        *(place_checkout(store, SITI, details(), SHIP, key) for _ in range(5))
    )
    assert sorted(r.already_placed for r in results) == [False, True, True, True, True]
    assert len({r.order.id for r in results}) == 1
    assert await stock_of(store, "TEH-MELATI") == (10, 3)


async def test_keys_are_unique_in_the_store(seeded_store: Store) -> None:
    """The UNIQUE index backs the lookup up, whatever the caller does."""
    store, key = seeded_store, new_checkout_key()
    await fill_cart(store, SITI, {"KOPI-GAYO": 1})
    order = (await place_checkout(store, SITI, details(), SHIP, key)).order
    await fill_cart(store, BUDI, {"KOPI-GAYO": 1})
    before = await snapshot(store)
    with pytest.raises(Exception, match=r"(?i)unique"):
        await place_checkout(store, BUDI, details(name="Budi"), SHIP, key)
    assert await snapshot(store) == before
    row = await store.fetchone("SELECT checkout_key FROM orders WHERE id = ?", (order.id,))
    assert row is not None and row["checkout_key"] == key
