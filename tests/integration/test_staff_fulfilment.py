"""The staff use cases on the real store: payment rules at verification, reasons, shipment
with courier and tracking number, delivery, the customer's "received", notes, notices."""

from __future__ import annotations

import json

import pytest

from domain.errors import AlreadyDone, InvalidInput, NotFound, TransitionNotAllowed
from domain.fulfilment import search, worklist
from domain.models import PaymentMethod, PaymentStatus, Status
from domain.ordering.order_reads import track
from domain.store import Store
from tests.integration.staff_support import DEWI, SARI, flow, outbox_kinds, placed, shipped


async def customer_notices(store: Store, order_id: int) -> list[tuple[str, dict[str, object]]]:
    """What the customer is told after placing (the confirmation is the checkout's)."""
    rows = await store.fetchall(
        "SELECT kind, payload FROM outbox WHERE order_id = ? AND audience = 'customer'"
        " AND kind <> 'order_placed' ORDER BY id",
        (order_id,),
    )
    return [(r["kind"], json.loads(r["payload"])) for r in rows]


# ---------------------------------------------------------------- verification


async def test_transfer_without_receipt_needs_an_override_note(seeded_store: Store) -> None:
    store, f = seeded_store, flow(seeded_store)
    order = await placed(store, receipt=False)
    with pytest.raises(InvalidInput) as err:
        await f.verify(order.number, SARI)
    assert err.value.code == "receipt_missing"
    with pytest.raises(InvalidInput):
        await f.verify(order.number, SARI, "   ")
    result = await f.verify(order.number, SARI, "sudah masuk di m-BCA")
    assert result.order.status == Status.VERIFIED
    assert result.order.payment_status == PaymentStatus.PAID
    payment = [e for e in result.order.events if e.kind == "payment"][-1]
    assert (payment.actor_name, payment.note) == ("Sari", "sudah masuk di m-BCA")
    # The override note is internal: the customer hears "verified", not the note.
    assert await customer_notices(store, order.id) == [
        ("status_changed", {"from": "placed", "to": "verified", "note": None})
    ]


async def test_transfer_with_receipt_becomes_paid(seeded_store: Store) -> None:
    result = await flow(seeded_store).verify((await placed(seeded_store)).number, SARI)
    assert result.order.payment_status == PaymentStatus.PAID
    assert [(e.kind, e.to_status) for e in result.order.events][-2:] == [
        ("payment", "paid"),
        ("status", "verified"),
    ]


async def test_cod_is_verified_unpaid_and_paid_on_delivery(seeded_store: Store) -> None:
    store, f = seeded_store, flow(seeded_store)
    order = await placed(store, method=PaymentMethod.COD)
    verified = await f.verify(order.number, SARI)
    assert verified.order.payment_status == PaymentStatus.UNPAID
    await f.pack(order.number, DEWI)
    await f.ship(order.number, DEWI, "sicepat", "004123456789")
    delivered = await f.deliver(order.number, DEWI)
    assert delivered.order.status == Status.DELIVERED
    assert delivered.order.payment_status == PaymentStatus.PAID


# ---------------------------------------------------------------- reasons


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
async def test_reject_needs_a_reason(seeded_store: Store, reason: str) -> None:
    order = await placed(seeded_store)
    with pytest.raises(InvalidInput) as err:
        await flow(seeded_store).reject(order.number, SARI, reason)
    assert err.value.code == "reason_required"


async def test_reasons_are_kept_as_typed_and_told_to_the_customer(seeded_store: Store) -> None:
    store = seeded_store
    order = await placed(store)
    reason = "Stok <b>habis</b> & maaf 🙏\nkami refund"
    result = await flow(store).reject(order.number, SARI, reason)
    assert result.order.events[-1].note == reason
    assert (await customer_notices(store, order.id))[-1] == (
        "status_changed",
        {"from": "placed", "to": "rejected", "note": reason},
    )


async def test_over_long_reason_is_refused(seeded_store: Store) -> None:
    order = await placed(seeded_store)
    with pytest.raises(InvalidInput) as err:
        await flow(seeded_store).cancel(order.number, SARI, "x" * 301)
    assert err.value.code == "note_too_long"


# ---------------------------------------------------------------- shipment


async def test_ship_with_courier_and_tracking(seeded_store: Store) -> None:
    store, f = seeded_store, flow(seeded_store)
    order = await placed(store, 1001)
    await f.verify(order.number, SARI)
    with pytest.raises(TransitionNotAllowed):  # not packed yet
        await f.ship(order.number, DEWI, "jnt", "JP1234567890")
    await f.pack(order.number, DEWI)
    for courier, resi, code in [
        ("dhl", "JP1234567890", "courier_unknown"),
        ("jnt", "JP12", "tracking_invalid"),
        ("jnt", "", "tracking_missing"),
    ]:
        with pytest.raises(InvalidInput) as err:
            await f.ship(order.number, DEWI, courier, resi)
        assert err.value.code == code
    result = await f.ship(order.number, DEWI, "J&T", "jp 1234 5678 90")
    assert (result.order.status, result.order.courier, result.order.tracking_number) == (
        Status.SHIPPED,
        "J&T Express",
        "JP1234567890",
    )
    assert ("customer", "order_shipped") in await outbox_kinds(store, order.id)
    # The customer finds it by its tracking number; somebody else does not.
    assert (await track(store, 1001, "jp1234567890")).number == order.number
    with pytest.raises(NotFound):
        await track(store, 1002, "JP1234567890")


async def test_a_tracking_number_belongs_to_one_order(seeded_store: Store) -> None:
    store, f = seeded_store, flow(seeded_store)
    await shipped(store, f, await placed(store, 1001), "JP1234567890")
    other = await placed(store, 1002)
    await f.verify(other.number, SARI)
    await f.pack(other.number, SARI)
    with pytest.raises(InvalidInput) as err:
        await f.ship(other.number, SARI, "jnt", "JP1234567890")
    assert err.value.code == "tracking_in_use"


async def test_a_wrong_tracking_number_can_be_corrected(seeded_store: Store) -> None:
    store, f = seeded_store, flow(seeded_store)
    order = await shipped(store, f, await placed(store), "JP1234567890")
    with pytest.raises(AlreadyDone):  # the very same shipment again: nothing to do
        await f.ship(order.number, DEWI, "jnt", "JP1234567890")
    fixed = await f.ship(order.number, DEWI, "sicepat", "004123456789")
    assert (fixed.order.courier, fixed.order.tracking_number) == ("SiCepat", "004123456789")
    assert fixed.order.events[-1].note == "J&T Express JP1234567890 → SiCepat 004123456789"
    notices = [k for k, _ in await customer_notices(store, order.id)]
    assert notices.count("order_shipped") == 2


async def test_shops_own_courier_needs_no_tracking_number(seeded_store: Store) -> None:
    store, f = seeded_store, flow(seeded_store)
    order = await placed(store)
    await f.verify(order.number, SARI)
    await f.pack(order.number, SARI)
    result = await f.ship(order.number, SARI, "toko", None)
    assert result.order.status == Status.SHIPPED and result.order.tracking_number is None


# ---------------------------------------------------------------- delivery


async def test_the_customer_confirms_arrival(seeded_store: Store) -> None:
    store, f = seeded_store, flow(seeded_store)
    order = await placed(store, 1001)
    with pytest.raises(InvalidInput) as err:
        await f.confirm_received(1001, order.number, "Budi")
    assert err.value.code == "received_not_shipped"
    await shipped(store, f, order, "JP1234567890")
    with pytest.raises(NotFound):  # someone else's order, even with its number
        await f.confirm_received(1002, order.number, "Eve")
    result = await f.confirm_received(1001, order.number, "Budi")
    assert result.order.status == Status.DELIVERED
    assert result.order.events[-1].actor_name == "Budi"
    with pytest.raises(AlreadyDone):
        await f.confirm_received(1001, order.number, "Budi")
    # No notice about what the customer just did themselves.
    assert [
        k for k, p in await customer_notices(store, order.id) if p.get("to") == "delivered"
    ] == []


async def test_unknown_order_numbers(seeded_store: Store) -> None:
    f = flow(seeded_store)
    for number in ("ZZZZZZ", "", "#", "x" * 500):
        with pytest.raises(NotFound):
            await f.verify(number, SARI)


async def test_notes_are_internal_and_refresh_the_card(seeded_store: Store) -> None:
    store = seeded_store
    order = await placed(store)
    result = await flow(store).note(f"#{order.number.lower()}", SARI, "<i>hati-hati</i> 🍵")
    assert result.order.events[-1].note == "<i>hati-hati</i> 🍵"
    kinds = await outbox_kinds(store, order.id)
    assert kinds[-1] == ("staff", "order_card")
    assert ("customer", "status_changed") not in kinds


# ---------------------------------------------------------------- queue and search


async def test_queue_oldest_first_per_stage(seeded_store: Store, clock: object) -> None:
    store, f = seeded_store, flow(seeded_store)
    a = await placed(store, 1001)
    clock.advance(minutes=5)  # type: ignore[attr-defined]
    b = await placed(store, 1002)
    clock.advance(minutes=5)  # type: ignore[attr-defined]
    c = await placed(store, 1003)
    await f.verify(c.number, SARI)
    page = await worklist.queue(store, worklist.OPEN)
    assert [(i.number, i.status) for i in page.items] == [
        (a.number, Status.PLACED),
        (b.number, Status.PLACED),
        (c.number, Status.VERIFIED),
    ]
    assert page.counts[Status.PLACED] == 2 and page.counts[Status.SHIPPED] == 0
    only = await worklist.queue(store, worklist.parse_stage("terverifikasi"))
    assert [i.number for i in only.items] == [c.number]
    with pytest.raises(InvalidInput):
        worklist.parse_stage("kemarin")


async def test_queue_pages(seeded_store: Store) -> None:
    for i in range(23):
        await placed(seeded_store, 2000 + i, {"KOPI-GAYO": 1})
    pages = [await worklist.queue(seeded_store, worklist.OPEN, p) for p in range(4)]
    assert [len(p.items) for p in pages] == [10, 10, 3, 3]  # past the end: the last page
    assert pages[0].pages == 3 and pages[0].total == 23


async def test_find_by_name_phone_number_and_tracking(seeded_store: Store) -> None:
    store, f = seeded_store, flow(seeded_store)
    a = await placed(store, 1001, name="Budi Santoso")
    b = await placed(store, 1002, name="Siti 100% Asli")
    await shipped(store, f, b, "JP1234567890")

    async def found(query: str) -> list[str]:
        return [o.number for o in await search.find_orders(store, query)]

    assert await found("budi") == [a.number]
    assert await found(a.number.lower()) == [a.number]
    assert await found("jp1234567890") == [b.number]
    assert await found("0812-3456-7890") == [b.number, a.number]  # both, newest first
    assert await found("100%") == [b.number]
    assert await found("%%%") == []  # a wildcard is just a character
    for too_short in ("x", "bu"):
        with pytest.raises(InvalidInput):
            await search.find_orders(store, too_short)
