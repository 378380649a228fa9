"""Every status pair through apply_transition on a real store: the allowed ones change the
status, write the event and move stock; the forbidden ones change nothing at all."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from domain.actors import Actor
from domain.errors import AlreadyDone, StaleAction, TransitionNotAllowed
from domain.models import Order, PaymentStatus, Status
from domain.ordering.order_reads import load_order
from domain.ordering.transitions import apply_transition, set_payment_status
from domain.store import Store
from tests.integration.test_checkout import buy, snapshot, stock_of
from tests.unit.test_lifecycle import ALLOWED, PAYMENT_ALLOWED

STAFF = Actor(777, "Rina")
PAIRS = list(itertools.product(Status, Status))
PAYMENT_PAIRS = list(itertools.product(PaymentStatus, PaymentStatus))
QTY = 2  # of BATIK-M (stock 3) in the order


async def order_in(store: Store, status: Status) -> Order:
    """An order of QTY × BATIK-M put straight into `status`, stock consistent with it."""
    order = await buy(store, 1001, {"BATIK-M": QTY})
    async with store.transaction() as db:
        await db.execute("UPDATE orders SET status = ? WHERE id = ?", (status, order.id))
        if status in (Status.SHIPPED, Status.DELIVERED):  # left the shelf
            await db.execute(
                "UPDATE products SET stock = stock - ?, reserved = reserved - ? WHERE sku = ?",
                (QTY, QTY, "BATIK-M"),
            )
        if status in (Status.CANCELLED, Status.REJECTED):  # released
            await db.execute(
                "UPDATE products SET reserved = reserved - ? WHERE sku = ?", (QTY, "BATIK-M")
            )
        return await load_order(db, order.id)


EXPECTED_STOCK = {  # (stock, reserved) of BATIK-M after moving into the status
    Status.VERIFIED: (3, QTY),
    Status.PACKED: (3, QTY),
    Status.SHIPPED: (3 - QTY, 0),
    Status.DELIVERED: (3 - QTY, 0),
    Status.CANCELLED: (3, 0),
    Status.REJECTED: (3, 0),
}


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
async def test_transition_on_the_store(seeded_store: Store, pair: tuple[Status, Status]) -> None:
    current, wanted = pair
    store = seeded_store
    order = await order_in(store, current)
    before = await snapshot(store)

    async def attempt() -> None:
        async with store.transaction() as db:
            await apply_transition(db, order, wanted, STAFF, store.now(), note="catatan <b>")

    if pair not in ALLOWED:
        expected: Any = AlreadyDone if current == wanted else TransitionNotAllowed
        with pytest.raises(expected):
            await attempt()
        assert await snapshot(store) == before
        return

    await attempt()
    after = await load_order(store.reader, order.id)
    assert after.status == wanted
    event = after.events[-1]
    assert (event.kind, event.from_status, event.to_status) == ("status", current, wanted)
    assert (event.actor_id, event.actor_name, event.note) == (777, "Rina", "catatan <b>")
    assert await stock_of(store, "BATIK-M") == EXPECTED_STOCK[wanted]
    queued = await store.fetchall(
        "SELECT audience, kind, chat_id, payload FROM outbox WHERE order_id = ? AND id > ?",
        (order.id, max((r[0] for r in before["outbox"]), default=0)),
    )
    kinds = [(r["audience"], r["kind"], r["chat_id"]) for r in queued]
    assert ("staff", "order_card", None) in kinds
    assert ("customer", "status_changed", 1001) in kinds
    # The text goes to the customer only when it is a reason they are given (timeline.AUDIENCE).
    notice = next(json.loads(r["payload"]) for r in queued if r["kind"] == "status_changed")
    told = wanted in (Status.REJECTED, Status.CANCELLED)
    assert notice["note"] == ("catatan <b>" if told else None)


async def test_a_stale_order_is_refused(seeded_store: Store) -> None:
    """Compare-and-set: staff acting on an old view of the order change nothing."""
    old_view = await order_in(seeded_store, Status.PLACED)
    async with seeded_store.transaction() as db:
        await apply_transition(db, old_view, Status.VERIFIED, STAFF, seeded_store.now())
    before = await snapshot(seeded_store)
    with pytest.raises(AlreadyDone) as excinfo:  # someone verified it first
        async with seeded_store.transaction() as db:
            await apply_transition(
                db, old_view, Status.VERIFIED, Actor(8, "Dewi"), seeded_store.now()
            )
    assert excinfo.value.context["actor_name"] == "Rina"
    with pytest.raises(StaleAction):  # it moved on; rejecting the old view is refused
        async with seeded_store.transaction() as db:
            await apply_transition(
                db, old_view, Status.REJECTED, Actor(8, "Dewi"), seeded_store.now()
            )
    assert await snapshot(seeded_store) == before


@pytest.mark.parametrize("pair", PAYMENT_PAIRS, ids=[f"{a}->{b}" for a, b in PAYMENT_PAIRS])
async def test_payment_transition_on_the_store(
    seeded_store: Store, pair: tuple[PaymentStatus, PaymentStatus]
) -> None:
    current, wanted = pair
    order = await order_in(seeded_store, Status.PLACED)
    async with seeded_store.transaction() as db:
        await db.execute("UPDATE orders SET payment_status = ? WHERE id = ?", (current, order.id))
    before = await snapshot(seeded_store)

    async def attempt() -> None:
        async with seeded_store.transaction() as db:
            await set_payment_status(db, order, wanted, STAFF, seeded_store.now())

    if pair not in PAYMENT_ALLOWED:
        with pytest.raises(TransitionNotAllowed):
            await attempt()
        assert await snapshot(seeded_store) == before
        return
    await attempt()
    after = await load_order(seeded_store.reader, order.id)
    assert after.payment_status == wanted
    event = after.events[-1]
    assert (event.kind, event.from_status, event.to_status) == ("payment", current, wanted)
