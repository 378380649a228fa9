"""Domain models (pydantic v2). Money is integer rupiah; times are aware UTC datetimes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Status(StrEnum):
    PLACED = "placed"
    VERIFIED = "verified"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


# Not yet handed to the courier: its stock is still reserved, a tracking number is to come.
AWAITING_SHIPMENT: frozenset[Status] = frozenset({Status.PLACED, Status.VERIFIED, Status.PACKED})
# Ended without a delivery: turned down by the shop or cancelled.
CALLED_OFF: frozenset[Status] = frozenset({Status.CANCELLED, Status.REJECTED})


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    PROOF_SUBMITTED = "proof_submitted"
    PAID = "paid"
    REFUNDED = "refunded"


class PaymentMethod(StrEnum):
    TRANSFER = "transfer"
    COD = "cod"


class EventKind(StrEnum):
    """What an entry on an order's timeline records; each has one audience (ordering/timeline.py).

    STATUS, PAYMENT and NOTE are what the store keeps (order_events.kind). The text written
    with a status or payment change is an entry of its own kind, because who may read it
    depends on why it was written: a rejection's reason is told to the customer, the note
    given with /verify is not.
    """

    STATUS = "status"  # the order moved on: placed, verified, … cancelled, rejected
    PAYMENT = "payment"  # the payment moved on: receipt sent, paid, refunded
    NOTE = "note"  # staff's own note (/note), a corrected shipment
    REASON = "reason"  # the text with a rejection or cancellation
    STATUS_NOTE = "status_note"  # the text with any other status change (/verify <no> <note>)
    PAYMENT_NOTE = "payment_note"  # the text with a payment change (the /verify note, "COD")


# The kinds order_events.kind may hold (its CHECK constraint), i.e. what record_event writes.
STORED_EVENT_KINDS: frozenset[EventKind] = frozenset(
    {EventKind.STATUS, EventKind.PAYMENT, EventKind.NOTE}
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ShippingOption(_Frozen):
    code: str = Field(pattern=r"^[a-z0-9_]{1,20}$")
    name: str = Field(min_length=1, max_length=60)
    fee: int = Field(ge=0)


class Product(_Frozen):
    sku: str
    name: str
    category: str
    price: int
    stock: int
    reserved: int = 0
    description: str = ""
    photo: str | None = None
    active: bool = True
    low_stock_threshold: int = 5

    @property
    def available(self) -> int:
        return max(self.stock - self.reserved, 0)


class Customer(_Frozen):
    user_id: int
    first_name: str = ""
    username: str | None = None
    language: str = "id"
    name: str | None = None
    phone: str | None = None
    address: str | None = None
    reachable: bool = True


class CartLine(_Frozen):
    sku: str
    name: str
    unit_price: int
    quantity: int
    available: int
    active: bool = True

    @property
    def amount(self) -> int:
        return self.unit_price * self.quantity


class Cart(_Frozen):
    user_id: int
    lines: tuple[CartLine, ...] = ()

    @property
    def subtotal(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.lines


class OrderLine(_Frozen):
    sku: str
    name: str
    unit_price: int
    quantity: int

    @property
    def amount(self) -> int:
        return self.unit_price * self.quantity


class OrderEvent(_Frozen):
    at: datetime
    actor_id: int | None
    actor_name: str
    kind: EventKind  # one of STORED_EVENT_KINDS
    from_status: str | None
    to_status: str | None
    note: str | None = None


class Order(_Frozen):
    id: int
    number: str
    user_id: int
    status: Status
    payment_status: PaymentStatus
    payment_method: PaymentMethod
    customer_name: str
    phone: str
    address: str
    shipping_code: str
    shipping_name: str
    shipping_fee: int
    note: str | None
    subtotal: int
    total: int
    created_at: datetime
    updated_at: datetime
    payment_proof_file_id: str | None = None
    courier: str | None = None
    tracking_number: str | None = None
    invoice_number: str | None = None
    staff_message_id: int | None = None
    lines: tuple[OrderLine, ...] = ()
    events: tuple[OrderEvent, ...] = ()

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def awaiting_shipment(self) -> bool:
        return self.status in AWAITING_SHIPMENT

    @property
    def refund_due(self) -> bool:
        """Paid, and it will not be delivered: the shop owes the customer their money."""
        return self.payment_status == PaymentStatus.PAID and self.status in CALLED_OFF

    @property
    def refund_may_be_due(self) -> bool:
        """Called off after the customer paid or sent a receipt not checked yet: they hear
        that a payment made will be refunded (staff act on `refund_due`, once it is checked)."""
        return self.status in CALLED_OFF and self.payment_status in (
            PaymentStatus.PROOF_SUBMITTED,
            PaymentStatus.PAID,
        )

    @property
    def shipped_at(self) -> datetime | None:
        """When it was (last) handed to the courier, from its timeline."""
        return next(
            (
                e.at
                for e in reversed(self.events)
                if e.kind == EventKind.STATUS and e.to_status == Status.SHIPPED
            ),
            None,
        )

    @property
    def called_off(self) -> bool:
        """Cancelled or rejected: nothing more will be done for it."""
        return self.status in CALLED_OFF


class CheckoutDetails(_Frozen):
    """What the customer gave in the checkout conversation, already validated."""

    name: str
    phone: str
    address: str
    shipping_code: str
    payment_method: PaymentMethod
    note: str | None = None
