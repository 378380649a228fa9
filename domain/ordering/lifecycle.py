"""The order lifecycle as data: which status may follow which (after django-oscar's pipeline)."""

from __future__ import annotations

from domain.models import AWAITING_SHIPMENT, PaymentStatus, Status

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PLACED: frozenset({Status.VERIFIED, Status.REJECTED, Status.CANCELLED}),
    Status.VERIFIED: frozenset({Status.PACKED, Status.CANCELLED}),
    Status.PACKED: frozenset({Status.SHIPPED, Status.CANCELLED}),
    Status.SHIPPED: frozenset({Status.DELIVERED}),
    Status.DELIVERED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.REJECTED: frozenset(),
}

PAYMENT_TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    PaymentStatus.UNPAID: frozenset({PaymentStatus.PROOF_SUBMITTED, PaymentStatus.PAID}),
    # A customer may send a clearer receipt; staff may accept it.
    PaymentStatus.PROOF_SUBMITTED: frozenset(
        {PaymentStatus.PROOF_SUBMITTED, PaymentStatus.PAID, PaymentStatus.UNPAID}
    ),
    PaymentStatus.PAID: frozenset({PaymentStatus.REFUNDED}),
    PaymentStatus.REFUNDED: frozenset(),
}

# The customer may cancel on their own until the parcel is packed.
CUSTOMER_CANCELLABLE: frozenset[Status] = frozenset({Status.PLACED, Status.VERIFIED})

# Statuses holding reserved stock: it leaves the shelf with the parcel.
HOLDS_RESERVATION: frozenset[Status] = AWAITING_SHIPMENT

# A refused COD parcel back at the shop (return to sender): shipped → cancelled, done only by
# transitions.return_to_sender, never through the table above.
RETURN_TO_SENDER_FROM: Status = Status.SHIPPED

TERMINAL: frozenset[Status] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)


def can_transition(current: Status, wanted: Status) -> bool:
    return wanted in TRANSITIONS[current]


def can_change_payment(current: PaymentStatus, wanted: PaymentStatus) -> bool:
    return wanted in PAYMENT_TRANSITIONS[current]


def next_statuses(current: Status) -> frozenset[Status]:
    return TRANSITIONS[current]
