"""Staff nudges: orders waiting at a stage longer than its limit, one message per run."""

from __future__ import annotations

import json
from datetime import timedelta

from domain.clock import FrozenClock
from domain.models import PaymentMethod, Status
from domain.ordering.orders import submit_payment_proof
from domain.store import Store
from tests.integration.schedule_support import move, not_before, outbox, place, policy, run


def listed(row: dict[str, object]) -> list[tuple[str, str]]:
    return [(i["number"], i["stage"]) for i in json.loads(str(row["payload"]))["items"]]


async def test_one_message_lists_every_waiting_order(
    seeded_store: Store, clock: FrozenClock
) -> None:
    cod = await place(seeded_store, 1001, method=PaymentMethod.COD)
    cod2 = await place(seeded_store, 1002, method=PaymentMethod.COD)
    await place(seeded_store, 1003)  # unpaid transfer: the customer's turn, not the staff's
    clock.advance(hours=1, minutes=59)
    await run(seeded_store)
    assert await outbox(seeded_store, "staff_nudge") == []
    clock.advance(minutes=1)
    await run(seeded_store)
    await run(seeded_store)
    [nudge] = await outbox(seeded_store, "staff_nudge")
    assert nudge["audience"] == "staff"
    assert listed(nudge) == [(cod.number, "verification"), (cod2.number, "verification")]


async def test_a_receipt_starts_the_verification_wait(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await place(seeded_store, 1001)
    clock.advance(hours=5)
    await submit_payment_proof(seeded_store, 1001, "photo-1", "Budi")
    clock.advance(hours=1)
    await run(seeded_store)
    assert await outbox(seeded_store, "staff_nudge") == []
    clock.advance(hours=1)  # 2 h after the receipt
    await run(seeded_store)
    [nudge] = await outbox(seeded_store, "staff_nudge")
    assert listed(nudge) == [(order.number, "verification")]


async def test_not_again_until_it_moves_or_a_day_passes(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await place(seeded_store, 1001, method=PaymentMethod.COD)
    clock.advance(hours=2)
    await run(seeded_store)
    clock.advance(hours=3)
    await run(seeded_store)
    assert len(await outbox(seeded_store, "staff_nudge")) == 1
    # It moves on to packing, and waits there past its limit (24 h): listed again.
    order = await move(seeded_store, order, Status.VERIFIED)
    clock.advance(hours=24)
    await run(seeded_store)
    nudges = await outbox(seeded_store, "staff_nudge")
    assert listed(nudges[-1]) == [(order.number, "packing")]
    # Still waiting a day later: listed once more.
    clock.advance(hours=23)
    await run(seeded_store)
    assert len(await outbox(seeded_store, "staff_nudge")) == 2
    clock.advance(hours=1)
    await run(seeded_store)
    assert len(await outbox(seeded_store, "staff_nudge")) == 3


async def test_stage_limits_and_shipment(seeded_store: Store, clock: FrozenClock) -> None:
    packed = await move(seeded_store, await place(seeded_store, 1001), Status.PACKED)
    clock.advance(hours=47)
    await run(seeded_store)
    assert await outbox(seeded_store, "staff_nudge") == []
    clock.advance(hours=1)
    await run(seeded_store)
    [nudge] = await outbox(seeded_store, "staff_nudge")
    assert listed(nudge) == [(packed.number, "shipment")]


async def test_at_most_one_nudge_message_per_period(
    seeded_store: Store, clock: FrozenClock
) -> None:
    await place(seeded_store, 1001, method=PaymentMethod.COD)
    clock.advance(minutes=30)
    later = await place(seeded_store, 1002, method=PaymentMethod.COD)
    clock.advance(hours=1, minutes=30)
    await run(seeded_store)  # the first is overdue
    clock.advance(minutes=30)
    await run(seeded_store)  # the second is overdue too, but the period has not passed
    assert len(await outbox(seeded_store, "staff_nudge")) == 1
    clock.advance(minutes=30)
    await run(seeded_store)
    nudges = await outbox(seeded_store, "staff_nudge")
    assert listed(nudges[-1]) == [(later.number, "verification")]
    quick = policy(nudge_every=timedelta(minutes=1))
    assert (await run(seeded_store, quick))["staff_nudge"] == 0  # nothing new to list


async def test_staff_nudges_are_not_held_by_quiet_hours(
    seeded_store: Store, clock: FrozenClock
) -> None:
    clock.advance(hours=12)  # 21:00 WIB
    await place(seeded_store, 1001, method=PaymentMethod.COD)
    clock.advance(hours=2)  # 23:00 WIB
    await run(seeded_store)
    [nudge] = await outbox(seeded_store, "staff_nudge")
    assert not_before(nudge) == clock()
