"""Helpers for the scheduled follow-up tests: orders in a given state, the outbox, a policy."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from domain import customers
from domain.actors import Actor
from domain.clock import from_db
from domain.models import CheckoutDetails, Order, PaymentMethod, ShippingOption, Status
from domain.ordering import cart
from domain.ordering.order_reads import load_order
from domain.ordering.orders import place_order
from domain.ordering.transitions import apply_transition
from domain.schedule.passes import run_due
from domain.schedule.policy import Policy
from domain.store import Store

STAFF = Actor(777, "Rina")
SHIP = ShippingOption(code="reg", name="JNE REG", fee=15_000)
PATH = {  # the statuses an order goes through to reach each one
    Status.PLACED: [],
    Status.VERIFIED: [Status.VERIFIED],
    Status.PACKED: [Status.VERIFIED, Status.PACKED],
    Status.SHIPPED: [Status.VERIFIED, Status.PACKED, Status.SHIPPED],
    Status.DELIVERED: [Status.VERIFIED, Status.PACKED, Status.SHIPPED, Status.DELIVERED],
}


def policy(**changes: Any) -> Policy:
    """The shop defaults (quiet hours 21:00–08:00 WIB), with changes."""
    return dataclasses.replace(Policy(), **changes)


async def place(
    store: Store,
    user_id: int,
    *,
    method: PaymentMethod = PaymentMethod.TRANSFER,
    items: dict[str, int] | None = None,
    language: str = "id",
) -> Order:
    await customers.ensure_customer(
        store,
        user_id,
        first_name=f"C{user_id}",
        username=None,
        language_code=language,
        default_language="id",
    )
    for sku, qty in (items or {"KOPI-GAYO": 1}).items():
        await cart.add_to_cart(store, user_id, sku, qty)
    details = CheckoutDetails(
        name=f"Pelanggan {user_id}",
        phone="+6281234567890",
        address="Jl. Merdeka No. 1, Jakarta 10110",
        shipping_code="reg",
        payment_method=method,
    )
    order = await place_order(store, user_id, details, SHIP)
    # Its confirmation went out at checkout (the checkout tests follow it); these tests
    # watch what the schedule sends afterwards.
    async with store.transaction() as db:
        await db.execute(
            "UPDATE outbox SET state = 'sent', sent_at = created_at"
            " WHERE kind = 'order_placed' AND order_id = ?",
            (order.id,),
        )
    return order


async def move(store: Store, order: Order, to: Status, actor: Actor = STAFF) -> Order:
    """Through the lifecycle (each step an event, stock moving as it does) up to `to`,
    from wherever the order is now."""
    current = await load_order(store.reader, order.id)
    path = PATH[to]
    for step in path[path.index(current.status) + 1 :] if current.status in path else path:
        async with store.transaction() as db:
            current = await load_order(db, order.id)
            await apply_transition(db, current, step, actor, store.now())
    return await load_order(store.reader, order.id)


async def outbox(store: Store, kind: str | None = None) -> list[dict[str, Any]]:
    rows = await store.fetchall(
        "SELECT * FROM outbox" + (" WHERE kind = ?" if kind else "") + " ORDER BY id",
        (kind,) if kind else (),
    )
    return [dict(r) for r in rows]


def not_before(row: dict[str, Any]) -> datetime:
    return from_db(row["not_before"])


async def run(store: Store, pol: Policy | None = None) -> dict[str, int]:
    return await run_due(store, pol or policy())


async def stock(store: Store, sku: str) -> tuple[int, int]:
    row = await store.fetchone("SELECT stock, reserved FROM products WHERE sku = ?", (sku,))
    assert row is not None
    return row["stock"], row["reserved"]


async def opt_out(store: Store, user_id: int, column: str = "reminders_enabled") -> None:
    async with store.transaction() as db:
        await db.execute(f"UPDATE customers SET {column} = 0 WHERE user_id = ?", (user_id,))
