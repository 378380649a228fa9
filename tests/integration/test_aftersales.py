"""After-sales on a real store: complaints from opening to resolution, stock restored exactly
once, credit notes gap-free, a cancelled paid order refunded, a refused COD parcel, and a
replacement that holds stock without overselling."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from domain.aftersales import cod, complaints, credit_notes, inspection, reads, refunds, shipments
from domain.aftersales.models import (
    ComplaintReason,
    ComplaintStatus,
    RefundStatus,
    ShipmentStatus,
    Solution,
)
from domain.aftersales.windows import ReturnPolicy
from domain.catalog import stock
from domain.clock import FrozenClock
from domain.errors import (
    AlreadyDone,
    InvalidInput,
    OutOfStock,
    StaleAction,
    TransitionNotAllowed,
)
from domain.fulfilment.couriers import DEFAULT_COURIERS, CourierBook
from domain.models import PaymentMethod, PaymentStatus, Status
from domain.ordering.timeline import Audience
from domain.store import Store
from tests.conftest import seed_catalog
from tests.integration.aftersales_support import (
    PHOTO,
    VIDEO,
    complain,
    delivered,
    kinds,
    movements,
    stock_row,
)
from tests.integration.staff_support import DEWI, ISSUER, SARI, flow, placed, shipped
from tests.integration.test_checkout import buy

COURIERS = CourierBook(DEFAULT_COURIERS)


async def test_damaged_return_and_refund_from_complaint_to_resolution(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store = seeded_store
    order = await delivered(store)
    assert await stock_row(store, "KOPI-GAYO") == (38, 0)
    clock.advance(hours=5)
    c = await complain(store, order)
    assert c.status == ComplaintStatus.OPEN and c.lines[0].quantity == 2
    # Staff want more; the customer's next video reopens it; the same file twice adds nothing.
    await complaints.ask_evidence(store, c.id, SARI, "Mohon video unboxing")
    _, added = await complaints.add_evidence(store, order.user_id, "Siti", c.id, VIDEO)
    _, again = await complaints.add_evidence(store, order.user_id, "Siti", c.id, VIDEO)
    assert (added, again) == (True, False)
    assert (await reads.complaint(store, c.id)).status == ComplaintStatus.OPEN
    approved = await complaints.approve(store, c.id, SARI, Solution.RETURN_REFUND)
    with pytest.raises(AlreadyDone) as done:
        await complaints.approve(store, c.id, DEWI, Solution.RETURN_REFUND)
    assert done.value.context["actor_name"] == "Sari"
    view = await reads.complaint_view(store, c.id, Audience.STAFF)
    assert view.refund is not None
    # Damaged is the shop's fault: the lines and the shipping fee.
    assert view.refund.amount == 2 * 85_000 + 15_000 == order.total
    assert view.refund.status == RefundStatus.AWAITING_DETAILS
    assert approved.status == ComplaintStatus.APPROVED
    await complaints.record_return_shipment(
        store, COURIERS, c.id, "jnt", "JP 9876 5432 10", SARI, user_id=order.user_id
    )
    refund = await refunds.give_bank_details(
        store, order.user_id, "Siti", view.refund.id, "bca", "123-456-7890", "Siti Rahayu"
    )
    assert refund.status == RefundStatus.READY and refund.bank is not None
    with pytest.raises(InvalidInput) as early:
        await refunds.mark_paid(store, refund.id, SARI, "proof-1", ISSUER)
    assert early.value.code == "refund_before_inspection"
    await inspection.inspect(store, c.id, "KOPI-GAYO", 1, 1, DEWI)
    assert await stock_row(store, "KOPI-GAYO") == (39, 0)  # one back, one written off
    assert [m for m in await movements(store, "KOPI-GAYO") if m[0] != "restock"] == [
        ("return", 1, 1),
        ("write_off", 0, 1),
    ]
    paid = await refunds.mark_paid(store, refund.id, SARI, "proof-1", ISSUER)
    assert paid.credit_note.number == "CN/2026/11/0001"
    assert paid.credit_note.content.invoice_number == order.invoice_number
    final = await reads.complaint(store, c.id)
    assert final.status == ComplaintStatus.RESOLVED
    customer = await kinds(store, order.id, "customer")
    assert customer.count("complaint_status") == 7  # open, evidence, open, approved, return,
    # inspected, resolved
    assert {"refund_due", "refund_paid", "credit_note"} <= set(customer)
    # Staff notes and costs never reach the customer's view.
    await complaints.note(store, c.id, SARI, "STAFF-ONLY pelanggan langganan")
    seen = await reads.complaint_view(store, c.id, Audience.CUSTOMER)
    assert all("STAFF-ONLY" not in (e.note or "") for e in seen.events)
    staff = await reads.complaint_view(store, c.id, Audience.STAFF)
    assert any("STAFF-ONLY" in (e.note or "") for e in staff.events)
    # The invoice never changes: the order keeps its number and payment.
    assert (await flow(store).invoice(order.number, SARI)).resent


async def test_the_window_and_the_rules_of_opening(seeded_store: Store, clock: FrozenClock) -> None:
    store = seeded_store
    order = await delivered(store)
    with pytest.raises(InvalidInput) as mind:
        await complain(store, order, ComplaintReason.CHANGE_OF_MIND)
    assert mind.value.code == "complaint_reason_not_allowed"
    with pytest.raises(InvalidInput) as too_many:
        await complain(store, order, lines={"KOPI-GAYO": 3})
    assert too_many.value.code == "complaint_quantity_invalid"
    with pytest.raises(InvalidInput) as no_photo:
        await complaints.open_complaint(
            store, ReturnPolicy(), order.user_id, "Siti", order.number,
            "damaged", "refund_only", [complaints.ClaimLine("KOPI-GAYO", 1)], [],
        )
    assert no_photo.value.code == "evidence_required"
    clock.advance(hours=48, seconds=1)
    with pytest.raises(InvalidInput) as late:
        await complain(store, order)
    assert late.value.code == "complaint_window_closed"
    allowing = ReturnPolicy(change_of_mind=True)
    c = await complain(store, order, ComplaintReason.CHANGE_OF_MIND, policy=allowing,
                       lines={"KOPI-GAYO": 1})
    with pytest.raises(InvalidInput) as second:
        await complain(store, order, ComplaintReason.CHANGE_OF_MIND, policy=allowing)
    assert second.value.code == "complaint_already_open"
    await complaints.reject(store, c.id, SARI, "Segel sudah dibuka")
    with pytest.raises(TransitionNotAllowed):
        await complaints.approve(store, c.id, SARI, Solution.RETURN_REFUND)
    # Rejected: its units may be claimed again (one unit was left anyway).
    again = await complain(store, order, ComplaintReason.CHANGE_OF_MIND, policy=allowing)
    assert again.status == ComplaintStatus.OPEN


@pytest.mark.parametrize("rounds", range(3))
async def test_two_staff_inspecting_the_same_line_restock_once(
    db_location: Path | str, clock: FrozenClock, rounds: int
) -> None:
    path = db_location
    one, two = Store(path, clock), Store(path, clock)
    await one.open()
    await two.open()
    try:
        await seed_catalog(one)
        order = await delivered(one)
        c = await complain(one, order)
        await complaints.approve(one, c.id, SARI, Solution.RETURN_REFUND)
        before = await stock_row(one, "KOPI-GAYO")
        results = await asyncio.gather(
            inspection.inspect(one, c.id, "KOPI-GAYO", 2, 0, SARI),
            inspection.inspect(two, c.id, "KOPI-GAYO", 2, 0, DEWI),
            inspection.inspect(one, c.id, "KOPI-GAYO", 2, 0, SARI),
            return_exceptions=True,
        )
        wins = [r for r in results if not isinstance(r, BaseException)]
        losses = [r for r in results if isinstance(r, BaseException)]
        assert len(wins) == 1 and len(losses) == 2
        assert all(isinstance(x, AlreadyDone) for x in losses), losses
        winner = "Dewi" if results[1] is wins[0] else "Sari"
        assert {x.context["actor_name"] for x in losses} == {winner}  # who did it is named
        after = await stock_row(one, "KOPI-GAYO")
        assert after == (before[0] + 2, before[1])
        returns = [m for m in await movements(one, "KOPI-GAYO") if m[0] == "return"]
        assert returns == [("return", 2, 2)]
        assert (await reads.complaint(one, c.id)).status == ComplaintStatus.INSPECTED
    finally:
        await one.close()
        await two.close()


async def _refund_ready(store: Store, user_id: int) -> int:
    """A paid order, cancelled: its refund with bank details, ready to pay."""
    order = await placed(store, user_id, {"TEH-MELATI": 1})
    await flow(store).verify(order.number, SARI)
    await flow(store).cancel(order.number, SARI, "Stok rusak")
    [refund] = await reads.refunds_of_order(store, order.id)
    await refunds.give_bank_details(store, user_id, "Budi", refund.id, "BRI",
                                    "1234 5678 9012 345", "Budi Santoso")
    return refund.id


async def test_credit_note_numbers_are_gap_free_under_concurrency(
    db_location: Path | str, clock: FrozenClock
) -> None:
    path = db_location
    one, two = Store(path, clock), Store(path, clock)
    await one.open()
    await two.open()
    try:
        await seed_catalog(one)
        ids = [await _refund_ready(one, 2000 + n) for n in range(8)]
        calls = [
            refunds.mark_paid(one if n % 2 else two, rid, SARI, f"proof-{rid}", ISSUER)
            for n, rid in enumerate(ids)
        ]
        # Each refund pressed twice: the repeats lose, and take no number.
        calls += [refunds.mark_paid(two, rid, DEWI, "again", ISSUER) for rid in ids[:3]]
        results = await asyncio.gather(*calls, return_exceptions=True)
        paid = [r for r in results if isinstance(r, refunds.Paid)]
        assert len(paid) == 8
        assert all(isinstance(r, AlreadyDone) for r in results if not isinstance(r, refunds.Paid))
        numbers = sorted(p.credit_note.number for p in paid)
        assert numbers == [f"CN/2026/11/{n:04d}" for n in range(1, 9)]
        notes = await credit_notes.of_period(one, "2026-11")
        assert [n.content.number for n in notes] == numbers
    finally:
        await one.close()
        await two.close()


async def test_a_cancelled_paid_order_owes_a_refund(seeded_store: Store) -> None:
    store = seeded_store
    order = await placed(store, 1001)
    await flow(store).verify(order.number, SARI)  # paid
    cancelled = (await flow(store).cancel(order.number, SARI, "Stok habis")).order
    assert cancelled.payment_status == PaymentStatus.PAID and cancelled.refund_due
    [refund] = await reads.refunds_of_order(store, order.id)
    assert (refund.status, refund.amount, refund.complaint_id) == (
        RefundStatus.AWAITING_DETAILS, order.total, None,
    )
    assert "refund_due" in await kinds(store, order.id, "customer")
    assert "refund_staff" in await kinds(store, order.id, "staff")
    with pytest.raises(InvalidInput) as no_details:
        await refunds.mark_paid(store, refund.id, SARI, "proof", ISSUER)
    assert no_details.value.code == "refund_details_missing"
    with pytest.raises(InvalidInput):
        await refunds.reuse_bank_details(store, 1001, "Siti", refund.id)
    await refunds.give_bank_details(store, 1001, "Siti", refund.id, "DANA", "+62 812 3456 7890",
                                    "Siti Rahayu")
    await refunds.set_amount(store, refund.id, order.total - 5_000, SARI)
    with pytest.raises(InvalidInput) as too_much:
        await refunds.set_amount(store, refund.id, order.total + 1, SARI)
    assert too_much.value.code == "refund_amount_too_large"
    paid = await refunds.mark_paid(store, refund.id, SARI, "proof-9", ISSUER)
    assert paid.refund.status == RefundStatus.PAID and paid.refund.amount == order.total - 5_000
    assert paid.credit_note.content.reason == "cancelled"
    after = (await flow(store).precheck(order.number))
    assert after.payment_status == PaymentStatus.REFUNDED and not after.refund_due
    with pytest.raises(AlreadyDone):
        await refunds.mark_paid(store, refund.id, DEWI, "proof-9", ISSUER)
    # Reused next time.
    assert await refunds.last_bank_details(store, 1001) is not None
    # An unpaid order cancelled owes nothing.
    unpaid = await placed(store, 1002, receipt=False)
    await flow(store).cancel(unpaid.number, SARI, "Tidak jadi")
    assert await reads.refunds_of_order(store, unpaid.id) == []


async def test_a_refused_cod_parcel_comes_back_through_inspection(seeded_store: Store) -> None:
    store = seeded_store
    f = flow(store)
    order = await placed(store, 1001, method=PaymentMethod.COD)
    await shipped(store, f, order, "JP1234567890")
    assert await stock_row(store, "KOPI-GAYO") == (38, 0)
    c = await cod.mark_returned_to_sender(store, order.number, SARI, return_cost=20_000)
    assert (c.reason, c.solution, c.status) == (
        ComplaintReason.COD_REFUSED, Solution.RETURN_TO_SENDER, ComplaintStatus.RETURN_IN_TRANSIT,
    )
    again = await f.precheck(order.number)
    assert again.status == Status.CANCELLED and again.payment_status == PaymentStatus.UNPAID
    with pytest.raises(AlreadyDone):
        await cod.mark_returned_to_sender(store, order.number, DEWI)
    assert await reads.refunds_of_order(store, order.id) == []
    costs = await store.fetchall(
        "SELECT kind, amount FROM shop_costs WHERE order_id = ? ORDER BY id", (order.id,)
    )
    assert [(r["kind"], r["amount"]) for r in costs] == [
        ("outbound_shipping", 15_000), ("return_shipping", 20_000),
    ]
    assert await cod.refusals_of(store, 1001) == 1
    assert not await cod.cod_allowed(store, 1001, 1) and await cod.cod_allowed(store, 1001, 2)
    assert await cod.cod_allowed(store, 1001, None)
    await inspection.inspect(store, c.id, "KOPI-GAYO", 2, 0, DEWI)
    assert await stock_row(store, "KOPI-GAYO") == (40, 0)
    assert (await reads.complaint(store, c.id)).status == ComplaintStatus.RESOLVED
    with pytest.raises((AlreadyDone, StaleAction)):
        await inspection.inspect(store, c.id, "KOPI-GAYO", 1, 0, SARI)
    assert await stock_row(store, "KOPI-GAYO") == (40, 0)
    staff_view = await reads.order_timeline(store, order.id, Audience.STAFF)
    customer_view = await reads.order_timeline(store, order.id, Audience.CUSTOMER)
    assert {"shop_cost", "cod_refusal"} <= {e.kind for e in staff_view}
    assert not {"shop_cost", "cod_refusal"} & {e.kind for e in customer_view}
    # A transfer order cannot be "returned to sender".
    other = await delivered(store, 1002)
    with pytest.raises(InvalidInput):
        await cod.mark_returned_to_sender(store, other.number, SARI)


async def test_a_replacement_holds_stock_without_overselling(
    db_location: Path | str, clock: FrozenClock
) -> None:
    path = db_location
    one, two = Store(path, clock), Store(path, clock)
    await one.open()
    await two.open()
    try:
        await seed_catalog(one)
        order = await delivered(one, 1001, {"BATIK-M": 2})
        assert await stock_row(one, "BATIK-M") == (1, 0)
        c = await complain(one, order, ComplaintReason.WRONG_ITEM, Solution.REPLACEMENT,
                           {"BATIK-M": 2})
        with pytest.raises(OutOfStock):
            await complaints.approve(one, c.id, SARI, Solution.REPLACEMENT)
        assert (await reads.complaint(one, c.id)).status == ComplaintStatus.OPEN
        assert await stock_row(one, "BATIK-M") == (1, 0)
        await stock.restock(one, "BATIK-M", 1, SARI)
        results = await asyncio.gather(
            complaints.approve(one, c.id, SARI, Solution.REPLACEMENT),
            complaints.approve(two, c.id, DEWI, Solution.REPLACEMENT),
            return_exceptions=True,
        )
        assert sum(isinstance(r, AlreadyDone) for r in results) == 1
        assert await stock_row(one, "BATIK-M") == (2, 2)  # held once, nothing left to sell
        with pytest.raises(InvalidInput) as sold_out:  # the cart already sees none left
            await buy(one, 1002, {"BATIK-M": 1})
        assert sold_out.value.code == "quantity_over_stock"
        parcel = await shipments.ship_follow_up(one, COURIERS, c.id, "sicepat", "004123456789",
                                                DEWI)
        assert parcel.status == ShipmentStatus.SHIPPED and parcel.tracking_number
        again = await shipments.ship_follow_up(one, COURIERS, c.id, "sicepat", "004123456789",
                                               DEWI)
        assert again == parcel
        assert await reads.follow_up_by_tracking(one, 1001, "0041 2345 6789") == parcel
        assert await reads.follow_up_by_tracking(one, 1002, "004123456789") is None
        assert await stock_row(one, "BATIK-M") == (0, 0)
        assert "follow_up_shipped" in await kinds(one, order.id, "customer")
        # The wrong item still has to come back: resolved only after the inspection.
        assert (await reads.complaint(one, c.id)).status == ComplaintStatus.APPROVED
        await inspection.inspect(one, c.id, "BATIK-M", 2, 0, SARI)
        assert (await reads.complaint(one, c.id)).status == ComplaintStatus.RESOLVED
        assert await stock_row(one, "BATIK-M") == (2, 0)
    finally:
        await one.close()
        await two.close()


async def test_lists_and_what_waits(seeded_store: Store, clock: FrozenClock) -> None:
    store = seeded_store
    first = await complain(store, await delivered(store, 1001))
    clock.advance(hours=1)
    second = await complain(store, await delivered(store, 1002))
    assert [c.id for c in await reads.returns(store)] == [first.id, second.id]
    assert await reads.returns(store, reads.parse_status("REJECTED")) == []
    with pytest.raises(InvalidInput):
        reads.parse_status("lost")
    assert await reads.waiting_for_staff(store) == []
    clock.advance(hours=24)
    assert [c.id for c in await reads.waiting_for_staff(store)] == [first.id, second.id]
    await complaints.approve(store, first.id, SARI, Solution.RETURN_REFUND)
    clock.advance(hours=25)
    assert [c.id for c in await reads.owing_return_shipment(store)] == [first.id]
    assert len(await reads.owing_bank_details(store)) == 1
    assert len(await reads.refunds_overdue(store)) == 0
    clock.advance(hours=24)
    assert len(await reads.refunds_overdue(store)) == 1
    assert [c.id for c in await reads.open_complaints_of(store, 1001)] == [first.id]
    assert [r.complaint_id for r in await reads.open_refunds_of(store, 1001)] == [first.id]
    assert await reads.open_refunds_of(store, 1002) == []
    found = await reads.complaint_for_order(store, first.order_id)
    assert found is not None and found.id == first.id
    assert PHOTO.file_id in [
        e.file_id for e in (await reads.complaint_view(store, first.id, Audience.STAFF)).evidence
    ]


async def test_a_parcel_never_received_is_resent_without_a_return(seeded_store: Store) -> None:
    store = seeded_store
    order = await delivered(store, 1001, {"TEH-MELATI": 1})
    c = await complaints.open_complaint(  # no evidence: nothing to photograph
        store, ReturnPolicy(), 1001, "Siti", order.number, ComplaintReason.NOT_RECEIVED,
        Solution.REPLACEMENT, [complaints.ClaimLine("TEH-MELATI", 1)], [],
    )
    approved = await complaints.approve(store, c.id, SARI, Solution.REPLACEMENT)
    assert not approved.expects_return
    with pytest.raises(StaleAction):
        await complaints.record_return_shipment(store, COURIERS, c.id, "jne", "CGK1234567890",
                                                SARI)
    await shipments.ship_follow_up(store, COURIERS, c.id, "jne", "CGK1234567890", DEWI)
    assert (await reads.complaint(store, c.id)).status == ComplaintStatus.RESOLVED
    assert await stock_row(store, "TEH-MELATI") == (8, 0)  # one sent, one resent
