"""Rules asked of an order in several places (templates of both languages, the domain), each
one property of the model: spelled out here status by status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.models import (
    EventKind,
    Order,
    OrderEvent,
    PaymentMethod,
    PaymentStatus,
    Status,
)
from domain.ordering import lifecycle

T0 = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


def order(
    status: Status,
    payment: PaymentStatus = PaymentStatus.UNPAID,
    events: tuple[OrderEvent, ...] = (),
) -> Order:
    return Order(
        id=1,
        number="K7Q3MX",
        user_id=1001,
        status=status,
        payment_status=payment,
        payment_method=PaymentMethod.TRANSFER,
        customer_name="Budi",
        phone="+6281234567890",
        address="Jl. Merdeka 1",
        shipping_code="reg",
        shipping_name="JNE REG",
        shipping_fee=15_000,
        note=None,
        subtotal=100_000,
        total=115_000,
        created_at=T0,
        updated_at=T0,
        events=events,
    )


def status_event(to: Status, at: datetime, kind: EventKind = EventKind.STATUS) -> OrderEvent:
    return OrderEvent(
        at=at, actor_id=7, actor_name="Sari", kind=kind, from_status=None, to_status=to
    )


@pytest.mark.parametrize("status", list(Status))
def test_awaiting_shipment_until_the_parcel_leaves(status: Status) -> None:
    expected = status in {Status.PLACED, Status.VERIFIED, Status.PACKED}
    assert order(status).awaiting_shipment is expected
    # Reserved stock is held exactly as long (it leaves the shelf with the parcel).
    assert (status in lifecycle.HOLDS_RESERVATION) is expected


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("payment", list(PaymentStatus))
def test_refund_due_only_when_paid_and_called_off(status: Status, payment: PaymentStatus) -> None:
    called_off = status in {Status.CANCELLED, Status.REJECTED}
    o = order(status, payment)
    assert o.refund_due is (called_off and payment == PaymentStatus.PAID)
    # The customer is told "if you already paid" on a receipt not checked yet as well.
    assert o.refund_may_be_due is (
        called_off and payment in {PaymentStatus.PAID, PaymentStatus.PROOF_SUBMITTED}
    )


def test_shipped_at_is_the_last_shipment_on_the_timeline() -> None:
    assert order(Status.PACKED).shipped_at is None
    first, again = T0 + timedelta(days=1), T0 + timedelta(days=2)
    events = (
        status_event(Status.PLACED, T0),
        status_event(Status.SHIPPED, first),
        status_event(Status.SHIPPED, again, EventKind.NOTE),  # a note is not a shipment
        status_event(Status.DELIVERED, again),
    )
    assert order(Status.DELIVERED, events=events).shipped_at == first
