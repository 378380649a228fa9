"""Orders: placing one from the cart, the customer's own cancel, the transfer receipt.

Reads are in domain/ordering/order_reads.py, status changes go through
domain/ordering/transitions.py and stock moves in domain/catalog/stock.py.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from domain import outbox
from domain.actors import Actor
from domain.catalog import stock
from domain.errors import EmptyCart, InvalidInput, NotFound, StaleAction, TransitionNotAllowed
from domain.models import (
    CheckoutDetails,
    EventKind,
    Order,
    PaymentMethod,
    PaymentStatus,
    ShippingOption,
    Status,
)
from domain.ordering import lifecycle
from domain.ordering.order_reads import by_checkout_key, customer_order, load_order
from domain.ordering.transitions import (
    apply_transition,
    queue_card,
    queue_customer_message,
    queue_staff_message,
    record_event,
    set_payment_status,
)
from domain.outbox import Kind
from domain.store import Connection, Store
from domain.store import carts as cart_rows
from domain.store import customers as customer_rows
from domain.store import orders as order_rows

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
NUMBER_LENGTH = 6


def new_order_number() -> str:
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


# ---------------------------------------------------------------- placing


def new_checkout_key() -> str:
    """A fresh idempotency key for one checkout draft (stored on the order it places)."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True, slots=True)
class Placement:
    """What Confirm did: `already_placed` when the checkout's key had placed `order` before
    (a repeated Confirm, e.g. after a crash): nothing new was written or queued."""

    order: Order
    already_placed: bool


async def placed_by_checkout_key(store: Store, user_id: int, checkout_key: str) -> Order | None:
    """The customer's order this checkout placed already, if any."""
    return await by_checkout_key(store.reader, user_id, checkout_key)


async def place_order(
    store: Store,
    user_id: int,
    details: CheckoutDetails,
    shipping: ShippingOption,
    *,
    checkout_key: str | None = None,
) -> Order:
    """Reserve stock, write the order with today's prices, empty the cart: all or nothing.

    With a `checkout_key` that already placed one of this customer's orders, returns that
    order and writes nothing (see place_checkout to tell the two apart).
    Raises OutOfStock naming the first line that ran short (and how many are left), or
    EmptyCart; in both cases nothing is written.
    """
    return (await place_checkout(store, user_id, details, shipping, checkout_key)).order


async def place_checkout(
    store: Store,
    user_id: int,
    details: CheckoutDetails,
    shipping: ShippingOption,
    checkout_key: str | None,
) -> Placement:
    """place_order, saying whether this call placed the order or found it by its key.

    The order, its staff card and the customer's confirmation (with the payment
    instructions) are written in one transaction, so a crash at any point either leaves
    nothing or the order with both messages queued; the key makes a repeated Confirm safe.
    """
    if shipping.code != details.shipping_code:
        raise InvalidInput("shipping_invalid")
    now = store.now()
    async with store.transaction() as db:
        if checkout_key is not None:
            placed = await by_checkout_key(db, user_id, checkout_key)
            if placed is not None:
                return Placement(placed, already_placed=True)
        lines = await cart_rows.lines_to_order(db, user_id)
        if not lines:
            raise EmptyCart()
        await stock.reserve(db, lines)
        subtotal = sum(line["price"] * line["quantity"] for line in lines)
        order_id = await _insert_order(
            db, user_id, details, shipping, subtotal, now, checkout_key
        )
        await order_rows.add_lines(
            db, order_id, [(x["sku"], x["name"], x["price"], x["quantity"]) for x in lines]
        )
        await record_event(
            db,
            order_id,
            now,
            Actor(user_id, details.name),
            EventKind.STATUS,
            None,
            Status.PLACED,
            None,
        )
        await cart_rows.clear(db, user_id)
        await customer_rows.set_delivery_details(
            db, user_id, details.name, details.phone, details.address, now
        )
        await queue_card(db, order_id, now)
        # The confirmation with the payment instructions: promised, so it goes out even if
        # the process dies before the handler could answer.
        await outbox.enqueue(
            db,
            audience="customer",
            chat_id=user_id,
            kind=Kind.ORDER_PLACED,
            order_id=order_id,
            now=now,
            dedupe_key=f"order_placed:{order_id}",
        )
        await stock.check_levels(db, [x["sku"] for x in lines], now)  # after the card
        return Placement(await load_order(db, order_id), already_placed=False)


async def _insert_order(
    db: Connection,
    user_id: int,
    details: CheckoutDetails,
    shipping: ShippingOption,
    subtotal: int,
    now: datetime,
    checkout_key: str | None = None,
) -> int:
    for _ in range(10):
        order_id = await order_rows.insert(
            db,
            number=new_order_number(),
            user_id=user_id,
            status=Status.PLACED,
            payment_status=PaymentStatus.UNPAID,
            payment_method=details.payment_method,
            customer_name=details.name,
            phone=details.phone,
            address=details.address,
            shipping_code=shipping.code,
            shipping_name=shipping.name,
            shipping_fee=shipping.fee,
            note=details.note,
            subtotal=subtotal,
            total=subtotal + shipping.fee,
            now=now,
            checkout_key=checkout_key,
        )
        if order_id is not None:  # None: the number was taken, draw another
            return order_id
    raise RuntimeError("could not find a free order number")  # 32^6 ≈ 10^9: never in practice


async def cancel_by_customer(store: Store, user_id: int, number: str, name: str) -> Order:
    """The customer cancels their own order, allowed until it is packed; stock goes back.

    The confirmation ("cancelled", and what happens to a payment already made) is queued in
    the same transaction, so it is not lost to a crash before the handler answers."""
    order = await customer_order(store, user_id, number)
    if order.status not in lifecycle.CUSTOMER_CANCELLABLE:
        raise TransitionNotAllowed(
            number=order.number, status=order.status, wanted=Status.CANCELLED, allowed=[]
        )
    now = store.now()
    async with store.transaction() as db:
        await apply_transition(
            db, order, Status.CANCELLED, Actor(user_id, name), now, notify_customer=False
        )
        await queue_customer_message(db, order, Kind.ORDER_CANCELLED, now)
        return await load_order(db, order.id)


async def submit_payment_proof(
    store: Store, user_id: int, file_id: str, name: str, number: str | None = None
) -> Order:
    """Keep the transfer receipt with the customer's open transfer order (the newest one
    waiting for payment, or the one named)."""
    if number is not None:
        order = await customer_order(store, user_id, number)
    else:
        order_id = await order_rows.newest_awaiting_transfer(store.reader, user_id)
        if order_id is None:
            raise NotFound(number="")
        order = await load_order(store.reader, order_id)
    if (
        order.payment_method != PaymentMethod.TRANSFER
        or order.payment_status not in (PaymentStatus.UNPAID, PaymentStatus.PROOF_SUBMITTED)
        or order.status not in (Status.PLACED, Status.VERIFIED)
    ):
        raise StaleAction(number=order.number, status=order.status)
    now = store.now()
    async with store.transaction() as db:
        await set_payment_status(
            db, order, PaymentStatus.PROOF_SUBMITTED, Actor(user_id, name), now
        )
        await order_rows.set_payment_proof(db, order.id, file_id)
        await queue_staff_message(db, order.id, Kind.PAYMENT_PROOF, now, {"file_id": file_id})
        await queue_card(db, order.id, now)
        return await load_order(db, order.id)


async def set_staff_message(store: Store, order_id: int, message_id: int) -> None:
    """Remember the staff group card of an order, so later changes edit it in place."""
    async with store.transaction() as db:
        await order_rows.set_staff_message(db, order_id, message_id)
