"""After shipment: the delivery check, the customer's answers, automatic delivery."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.actors import SYSTEM
from domain.clock import FrozenClock
from domain.errors import AlreadyDone, NotFound
from domain.models import Order, PaymentMethod, PaymentStatus, Status
from domain.ordering.order_reads import load_order
from domain.schedule.delivery_checks import answer_check
from domain.store import Store
from tests.integration.schedule_support import move, not_before, opt_out, outbox, place, run

CHECK = timedelta(days=3)
AUTO = timedelta(days=7)


async def shipped(
    store: Store, user_id: int = 1001, method: PaymentMethod = PaymentMethod.TRANSFER
) -> Order:
    return await move(store, await place(store, user_id, method=method), Status.SHIPPED)


async def test_the_question_comes_when_due_not_before_and_once(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await shipped(seeded_store)
    clock.advance(days=3, seconds=-1)
    await run(seeded_store)
    assert await outbox(seeded_store, "delivery_check") == []
    clock.advance(seconds=1)  # 3 days after shipping, 09:00 WIB
    await run(seeded_store)
    await run(seeded_store)
    [asked] = await outbox(seeded_store, "delivery_check")
    assert asked["order_id"] == order.id and not_before(asked) == clock()


async def test_the_question_waits_for_the_morning(seeded_store: Store, clock: FrozenClock) -> None:
    clock.advance(hours=13)  # 22:00 WIB
    await shipped(seeded_store)
    clock.advance(days=3)
    await run(seeded_store)
    [asked] = await outbox(seeded_store, "delivery_check")
    assert not_before(asked) == clock() + timedelta(hours=10)  # 08:00 WIB


async def test_received_delivers_the_order_as_the_customer(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await shipped(seeded_store)
    clock.advance(days=3)
    await run(seeded_store)
    done, answer = await answer_check(seeded_store, 1001, order.number, "received", "Budi")
    assert answer == "received" and done.status == Status.DELIVERED
    assert done.events[-1].actor_id == 1001
    # Twice: politely refused, nothing changes.
    with pytest.raises(AlreadyDone):
        await answer_check(seeded_store, 1001, order.number, "received", "Budi")
    # Nothing automatic happens to it later.
    clock.advance(days=10)
    await run(seeded_store)
    assert await outbox(seeded_store, "auto_delivered") == []


async def test_someone_elses_order_or_one_never_asked_about_is_not_found(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await shipped(seeded_store)
    with pytest.raises(NotFound):  # not asked yet
        await answer_check(seeded_store, 1001, order.number, "received", "Budi")
    clock.advance(days=3)
    await run(seeded_store)
    await place(seeded_store, 2002)  # Sari exists too
    with pytest.raises(NotFound):
        await answer_check(seeded_store, 2002, order.number, "received", "Sari")
    with pytest.raises(NotFound):
        await answer_check(seeded_store, 1001, order.number, "bogus", "Budi")
    assert (await load_order(seeded_store.reader, order.id)).status == Status.SHIPPED


async def test_not_yet_tells_the_shop_and_asks_again_later(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await shipped(seeded_store)
    clock.advance(days=3)
    await run(seeded_store)
    await answer_check(seeded_store, 1001, order.number, "not_yet", "Budi")
    await answer_check(seeded_store, 1001, order.number, "not_yet", "Budi")  # pressed twice
    [report] = await outbox(seeded_store, "delivery_report")
    assert report["audience"] == "staff" and '"not_yet"' in report["payload"]
    # No automatic delivery while the customer says it has not arrived.
    clock.advance(days=3)
    await run(seeded_store)
    assert (await load_order(seeded_store.reader, order.id)).status == Status.SHIPPED
    assert len(await outbox(seeded_store, "delivery_check")) == 2  # asked again
    # Now no answer for the rest of the waiting time: delivered by the system.
    clock.advance(days=4)
    await run(seeded_store)
    done = await load_order(seeded_store.reader, order.id)
    assert done.status == Status.DELIVERED and done.events[-1].actor_name == SYSTEM.name


async def test_a_problem_goes_to_the_staff_and_stops_automatic_delivery(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await shipped(seeded_store)
    clock.advance(days=3)
    await run(seeded_store)
    await answer_check(seeded_store, 1001, order.number, "problem", "Budi")
    [report] = await outbox(seeded_store, "delivery_report")
    assert '"problem"' in report["payload"]
    clock.advance(days=30)
    await run(seeded_store)
    assert (await load_order(seeded_store.reader, order.id)).status == Status.SHIPPED
    # The customer can still confirm later.
    await answer_check(seeded_store, 1001, order.number, "received", "Budi")
    assert (await load_order(seeded_store.reader, order.id)).status == Status.DELIVERED


async def test_no_answer_means_delivered_by_the_system_once(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await shipped(seeded_store, method=PaymentMethod.COD)
    clock.advance(days=3)
    await run(seeded_store)  # asked
    clock.advance(days=4, seconds=-1)
    await run(seeded_store)
    assert (await load_order(seeded_store.reader, order.id)).status == Status.SHIPPED
    clock.advance(seconds=1)
    await run(seeded_store)
    await run(seeded_store)
    done = await load_order(seeded_store.reader, order.id)
    assert done.status == Status.DELIVERED
    assert done.payment_status == PaymentStatus.PAID  # cash on delivery was collected
    status_events = [e for e in done.events if e.kind == "status"]
    assert status_events[-1].actor_name == SYSTEM.name
    [told] = await outbox(seeded_store, "auto_delivered")
    assert told["chat_id"] == 1001
    assert await outbox(seeded_store, "status_changed") != []  # earlier steps only
    assert all(
        '"delivered"' not in r["payload"] for r in await outbox(seeded_store, "status_changed")
    )


async def test_after_an_outage_the_question_still_comes_first(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await shipped(seeded_store)
    clock.advance(days=10)  # down past both the question and the automatic delivery
    await run(seeded_store)
    await run(seeded_store)
    assert len(await outbox(seeded_store, "delivery_check")) == 1
    assert (await load_order(seeded_store.reader, order.id)).status == Status.SHIPPED
    clock.advance(days=4)
    await run(seeded_store)
    assert (await load_order(seeded_store.reader, order.id)).status == Status.DELIVERED
    assert len(await outbox(seeded_store, "auto_delivered")) == 1


async def test_opted_out_customers_are_not_asked_but_still_delivered(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await shipped(seeded_store)
    await opt_out(seeded_store, 1001)
    clock.advance(days=3)
    await run(seeded_store)
    assert await outbox(seeded_store, "delivery_check") == []
    clock.advance(days=4)
    await run(seeded_store)
    assert (await load_order(seeded_store.reader, order.id)).status == Status.DELIVERED
    # The delivery itself is a status message: it still arrives.
    assert len(await outbox(seeded_store, "auto_delivered")) == 1


async def test_delivered_by_staff_meanwhile_closes_the_check(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await shipped(seeded_store)
    clock.advance(days=3)
    await run(seeded_store)
    await move(seeded_store, order, Status.DELIVERED)  # staff step (from shipped on)
    clock.advance(days=5)
    await run(seeded_store)
    row = await seeded_store.fetchone(
        "SELECT answer FROM delivery_checks WHERE order_id = ?", (order.id,)
    )
    assert row is not None and row["answer"] == "closed"
    assert await outbox(seeded_store, "auto_delivered") == []
