"""The largest order the rules allow, as models (no store), for the length-budget tests.

Every free text at its maximum (validation.py, catalog import, settings models), the most
lines of the most units at the highest price, and a long timeline: the lifecycle with its
longest notes and many staff notes of the longest length by staff with the longest names.
Two alphabets: plain letters, and emoji outside the BMP (two UTF-16 units each, the unit
Telegram counts), with `<` and `&` mixed in (one visible character, more in HTML).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.models import (
    Cart,
    CartLine,
    CheckoutDetails,
    Order,
    OrderEvent,
    OrderLine,
    PaymentMethod,
    PaymentStatus,
    Product,
    ShippingOption,
    Status,
)
from domain.ordering.cart import MAX_LINES
from domain.validation import ADDRESS_MAX, MAX_PRICE, MAX_QUANTITY, NAME_MAX, NOTE_MAX

T0 = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
PRODUCT_NAME_MAX = 100  # catalog import
DESCRIPTION_MAX = 800  # catalog import
STAFF_NAME_MAX = 64  # handlers/staff/desk.py: Desk.actor
SHIPPING_NAME_MAX = 60  # ShippingOption.name
COURIER_NAME_MAX = 40  # Courier.name
TRACKING_MAX = 30  # couriers.GENERIC_TRACKING
STAFF_NOTES = 60  # "many": nothing limits how many notes staff write


@dataclass(frozen=True)
class Alphabet:
    name: str
    fill: str  # repeated to the length wanted; a letter first where the rules want one

    def text(self, length: int, seed: str = "") -> str:
        body = seed + self.fill * length
        return body[:length]


ASCII = Alphabet("ascii", "Wm Wm WWm ")
WIDE = Alphabet("wide", "🍵<&🙏")
ALPHABETS = (ASCII, WIDE)


def shipping(a: Alphabet) -> ShippingOption:
    return ShippingOption(code="x" * 20, name=a.text(SHIPPING_NAME_MAX), fee=MAX_PRICE)


def lines(a: Alphabet) -> tuple[OrderLine, ...]:
    return tuple(
        OrderLine(
            sku=f"SKU-{i:02d}-" + "X" * 24,
            name=a.text(PRODUCT_NAME_MAX, f"{i:02d} "),
            unit_price=MAX_PRICE,
            quantity=MAX_QUANTITY,
        )
        for i in range(MAX_LINES)
    )


def cart(a: Alphabet) -> Cart:
    return Cart(
        user_id=1001,
        lines=tuple(
            CartLine(
                sku=x.sku,
                name=x.name,
                unit_price=x.unit_price,
                quantity=x.quantity,
                available=MAX_QUANTITY,
            )
            for x in lines(a)
        ),
    )


def details(a: Alphabet, method: PaymentMethod = PaymentMethod.TRANSFER) -> CheckoutDetails:
    return CheckoutDetails(
        name=a.text(NAME_MAX, "S"),
        phone="+6281234567890",
        address=a.text(ADDRESS_MAX, "Jl "),
        shipping_code=shipping(a).code,
        payment_method=method,
        note=a.text(NOTE_MAX),
    )


def product(a: Alphabet) -> Product:
    return Product(
        sku="X" * 32,
        name=a.text(PRODUCT_NAME_MAX),
        category=a.text(40),
        price=MAX_PRICE,
        stock=1_000_000,
        description=a.text(DESCRIPTION_MAX),
        photo="AgACAgUAAxkBAAIBZ2",
    )


def marked(a: Alphabet, marker: str, length: int) -> str:
    """A note of `length` characters that starts with `marker` (to find it again)."""
    return (marker + " " + a.text(length))[:length]


def events(
    a: Alphabet, status: Status, *, notes: int = STAFF_NOTES, marker: str = "STAFF-NOTE"
) -> tuple[OrderEvent, ...]:
    """The timeline of an order that reached `status`, every text at its longest, and
    `notes` staff notes (each starting with `marker`) spread over it."""
    at = iter(T0 + timedelta(minutes=i) for i in range(10_000))
    customer = a.text(NAME_MAX, "S")
    staff = a.text(STAFF_NAME_MAX, "R")
    long_note = a.text(NOTE_MAX)

    def ev(kind: str, frm: str | None, to: str | None, note: str | None = None,
           who: str = staff) -> OrderEvent:
        return OrderEvent(
            at=next(at), actor_id=7, actor_name=who, kind=kind, from_status=frm, to_status=to,
            note=note,
        )

    numbers = iter(range(notes))

    def staff_notes(count: int) -> list[OrderEvent]:
        return [
            ev("note", None, None, marked(a, f"{marker}-{next(numbers)}", NOTE_MAX))
            for _ in range(count)
        ]

    third = notes // 3
    out = [ev("status", None, Status.PLACED, who=customer)]
    out.append(ev("payment", "unpaid", "proof_submitted", who=customer))
    out += staff_notes(third)
    if status in (Status.CANCELLED, Status.REJECTED):
        out += staff_notes(notes - third)
        out.append(ev("status", Status.PLACED, status, long_note))
        return tuple(out)
    if status == Status.PLACED:
        return (*out, *staff_notes(notes - third))
    out.append(ev("payment", "proof_submitted", "paid", marked(a, f"{marker}-paid", NOTE_MAX)))
    out.append(ev("status", Status.PLACED, Status.VERIFIED, marked(a, f"{marker}-vrf", NOTE_MAX)))
    out += staff_notes(third)
    path = [Status.PACKED, Status.SHIPPED, Status.DELIVERED]
    previous: str = Status.VERIFIED
    for step in path[: path.index(status) + 1] if status in path else []:
        out.append(ev("status", previous, step))
        if step == Status.SHIPPED:
            old = f"{a.text(COURIER_NAME_MAX)} {'1' * TRACKING_MAX}"
            new = f"{a.text(COURIER_NAME_MAX)} {'2' * TRACKING_MAX}"
            out.append(ev("note", None, None, f"{old} → {new}"))
        previous = step
    out += staff_notes(notes - 2 * third)
    return tuple(out)


def order(
    a: Alphabet,
    status: Status = Status.DELIVERED,
    *,
    method: PaymentMethod = PaymentMethod.TRANSFER,
    payment: PaymentStatus | None = None,
    notes: int = STAFF_NOTES,
    marker: str = "STAFF-NOTE",
) -> Order:
    ship = shipping(a)
    items = lines(a)
    subtotal = sum(x.amount for x in items)
    shipped = status in (Status.SHIPPED, Status.DELIVERED)
    if payment is None:
        payment = PaymentStatus.UNPAID if status == Status.PLACED else PaymentStatus.PAID
    d = details(a, method)
    return Order(
        id=2_000_000_000,
        number="K7Q3MX",
        user_id=1001,
        status=status,
        payment_status=payment,
        payment_method=method,
        customer_name=d.name,
        phone=d.phone,
        address=d.address,
        shipping_code=ship.code,
        shipping_name=ship.name,
        shipping_fee=ship.fee,
        note=d.note,
        subtotal=subtotal,
        total=subtotal + ship.fee,
        created_at=T0,
        updated_at=T0 + timedelta(days=3),
        payment_proof_file_id="AgACAgUAAxkBAAIBZ2" if payment != PaymentStatus.UNPAID else None,
        courier=a.text(COURIER_NAME_MAX) if shipped else None,
        tracking_number="2" * TRACKING_MAX if shipped else None,
        invoice_number="INV/2026/11/99999" if shipped else None,
        staff_message_id=555,
        lines=items,
        events=events(a, status, notes=notes, marker=marker),
    )
