"""Abandoned carts: one reminder a day after the cart last changed."""

from __future__ import annotations

from datetime import timedelta

from domain import customers
from domain.clock import FrozenClock
from domain.ordering import cart
from domain.store import Store
from tests.integration.schedule_support import not_before, opt_out, outbox, run


async def shopper(store: Store, user_id: int = 1001) -> None:
    await customers.ensure_customer(
        store, user_id, first_name="Budi", username=None, language_code="id", default_language="id"
    )
    await cart.add_to_cart(store, user_id, "KOPI-GAYO", 1)


async def test_reminder_a_day_later_once(seeded_store: Store, clock: FrozenClock) -> None:
    await shopper(seeded_store)
    clock.advance(days=1, seconds=-1)
    await run(seeded_store)
    assert await outbox(seeded_store, "cart_reminder") == []
    clock.advance(seconds=1)
    await run(seeded_store)
    clock.advance(days=3)
    await run(seeded_store)
    [reminder] = await outbox(seeded_store, "cart_reminder")
    assert reminder["chat_id"] == 1001


async def test_a_changed_cart_is_a_new_cart(seeded_store: Store, clock: FrozenClock) -> None:
    await shopper(seeded_store)
    clock.advance(days=1)
    await run(seeded_store)
    clock.advance(hours=2)
    await cart.add_to_cart(seeded_store, 1001, "TEH-MELATI", 1)
    clock.advance(hours=23)
    await run(seeded_store)
    assert len(await outbox(seeded_store, "cart_reminder")) == 1
    clock.advance(hours=1)
    await run(seeded_store)
    assert len(await outbox(seeded_store, "cart_reminder")) == 2


async def test_quiet_hours_opt_out_and_old_carts(seeded_store: Store, clock: FrozenClock) -> None:
    clock.advance(hours=13)  # 22:00 WIB
    await shopper(seeded_store, 1001)
    await shopper(seeded_store, 1002)
    await opt_out(seeded_store, 1002)
    clock.advance(days=1)
    await run(seeded_store)
    [reminder] = await outbox(seeded_store, "cart_reminder")
    assert reminder["chat_id"] == 1001
    assert not_before(reminder) == clock() + timedelta(hours=10)  # 08:00 WIB
    await shopper(seeded_store, 1003)
    clock.advance(days=9)  # long forgotten: no reminder out of the blue
    await run(seeded_store)
    assert len(await outbox(seeded_store, "cart_reminder")) == 1
