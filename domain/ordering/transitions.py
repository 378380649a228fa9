"""The one door of the lifecycle: compare-and-set, the event, stock, the card and the notice.

Every change of an order's status or payment status goes through here, inside the caller's
write transaction, so the change and all it triggers are written together or not at all:
- `apply_transition`: the status (compare-and-set on the status read), its timeline event,
  the stock it moves (domain/catalog/stock.py), the staff card's redraw and the customer's
  notice;
- `set_payment_status`, `mark_delivered` (a delivered COD order is paid by then);
- `already_done` / `expect`: who got there first, for "already verified by X at HH:MM";
- the outbox helpers that queue the card and the customer's messages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain import outbox
from domain.actors import Actor
from domain.aftersales.refund_due import open_refund
from domain.catalog import stock
from domain.clock import from_db
from domain.errors import AlreadyDone, NotFound, StaleAction, TransitionNotAllowed
from domain.models import (
    CALLED_OFF,
    STORED_EVENT_KINDS,
    EventKind,
    Order,
    PaymentMethod,
    PaymentStatus,
    Status,
)
from domain.ordering import lifecycle, timeline
from domain.ordering.staff_actions import allowed_actions
from domain.outbox import Kind
from domain.store import Connection
from domain.store import orders as order_rows


async def record_event(
    db: Connection,
    order_id: int,
    now: datetime,
    actor: Actor,
    kind: EventKind,
    from_status: str | None,
    to_status: str | None,
    note: str | None,
) -> None:
    """One entry on the order's timeline. Its audience is AUDIENCE[kind] (ordering/timeline.py)."""
    if kind not in STORED_EVENT_KINDS:
        raise ValueError(f"not a stored event kind: {kind!r}")
    await order_rows.add_event(
        db, order_id, now, actor.id, actor.name, kind, from_status, to_status, note
    )


# ---------------------------------------------------------------- who got there first


async def already_done(
    db: Connection, order: Order, to: Status, **context: Any
) -> AlreadyDone | None:
    """Who last moved `order` to `to`, and when, as the error to raise; None if nobody did.

    `context` goes into the error as is (e.g. `current`, the status the order is in now)."""
    row = await order_rows.last_status_event(db, order.id, to)
    if row is None:
        return None
    return AlreadyDone(
        number=order.number,
        status=to,
        actor_name=row["actor_name"],
        at=from_db(row["at"]),
        **context,
    )


async def expect(db: Connection, order: Order, to: Status) -> None:
    """Raise what a person must hear when `order` cannot go to `to` now.

    Someone got there first (now or earlier, even if the order moved on since): AlreadyDone
    naming them and when. Otherwise TransitionNotAllowed with what can be done instead.
    """
    if order.status == to or not lifecycle.can_transition(order.status, to):
        done = await already_done(db, order, to, current=order.status)
        if done is not None:
            raise done
        raise TransitionNotAllowed(
            number=order.number,
            status=order.status,
            wanted=to,
            allowed=[str(a) for a in allowed_actions(order.status)],
        )


async def _lost_race(db: Connection, order: Order, to: Status) -> AlreadyDone:
    done = await already_done(db, order, to)
    return done or AlreadyDone(number=order.number, status=to, actor_name="?", at=None)


# ---------------------------------------------------------------- the door


async def apply_transition(
    db: Connection,
    order: Order,
    to: Status,
    actor: Actor,
    now: datetime,
    *,
    note: str | None = None,
    notify_customer: bool = True,
) -> None:
    """Compare-and-set `order.status → to` inside the caller's transaction.

    Writes the event, moves stock (released on cancel/reject, taken off the shelf on
    shipment), refreshes the staff card and, unless told not to, queues the customer's notice.
    Raises AlreadyDone if someone already made this very change, StaleAction if the order
    moved elsewhere meanwhile, TransitionNotAllowed if the table forbids it.
    """
    status = await order_rows.status(db, order.id)
    if status is None:
        raise NotFound(number=order.number)
    current = Status(status)
    if current != order.status:
        if current == to:
            raise await _lost_race(db, order, to)
        raise StaleAction(number=order.number, status=current)
    if not lifecycle.can_transition(current, to):
        if current == to:
            raise await _lost_race(db, order, to)
        raise TransitionNotAllowed(
            number=order.number,
            status=current,
            wanted=to,
            allowed=sorted(lifecycle.next_statuses(current)),
        )
    if not await order_rows.cas_status(db, order.id, current, to, now):
        raise StaleAction(number=order.number, status=current)
    lines = await order_rows.line_quantities(db, order.id)
    if to in CALLED_OFF and current in lifecycle.HOLDS_RESERVATION:
        await stock.release(db, lines)
    elif to == Status.SHIPPED:
        await stock.take_off_shelf(db, lines)
    # Released stock re-arms a low-stock alert; the alert itself is raised at placement.
    await stock.check_levels(db, [x["sku"] for x in lines], now)
    await record_event(db, order.id, now, actor, EventKind.STATUS, current, to, note)
    await queue_card(db, order.id, now)
    if notify_customer:
        # Only a text the customer may read goes with the notice (a reason, not a staff note).
        told = timeline.note_for(timeline.Audience.CUSTOMER, EventKind.STATUS, to, note)
        await queue_status_notice(db, order, current, to, now, told)
    if to in CALLED_OFF:
        # After the status notice: the customer reads "cancelled" before "refund due".
        await _refund_if_paid(db, order, actor, now)


async def _refund_if_paid(db: Connection, order: Order, actor: Actor, now: datetime) -> None:
    """A paid order called off owes the customer their money: a refund opens (waiting for
    their bank details) and goes through the after-sales refund steps."""
    if await order_rows.payment_status(db, order.id) == PaymentStatus.PAID:
        await open_refund(
            db, order_id=order.id, user_id=order.user_id, amount=order.total, actor=actor,
            now=now,
        )


async def return_to_sender(
    db: Connection, order: Order, actor: Actor, now: datetime, note: str | None = None
) -> None:
    """A shipped parcel came back (a refused COD parcel): shipped → cancelled, the one move
    outside TRANSITIONS, so /cancel can never do it. No stock moves here: it comes back through
    the per-line inspection (domain/aftersales/inspection.py). Compare-and-set, event, card."""
    status = await order_rows.status(db, order.id)
    if status is None:
        raise NotFound(number=order.number)
    if status != lifecycle.RETURN_TO_SENDER_FROM:
        if status == Status.CANCELLED:
            raise await _lost_race(db, order, Status.CANCELLED)
        raise TransitionNotAllowed(
            number=order.number, status=status, wanted=Status.CANCELLED, allowed=[]
        )
    if not await order_rows.cas_status(db, order.id, Status.SHIPPED, Status.CANCELLED, now):
        raise StaleAction(number=order.number, status=status)
    await record_event(
        db, order.id, now, actor, EventKind.STATUS, Status.SHIPPED, Status.CANCELLED, note
    )
    await queue_card(db, order.id, now)


async def set_payment_status(
    db: Connection,
    order: Order,
    to: PaymentStatus,
    actor: Actor,
    now: datetime,
    *,
    note: str | None = None,
) -> None:
    status = await order_rows.payment_status(db, order.id)
    if status is None:
        raise NotFound(number=order.number)
    current = PaymentStatus(status)
    if not lifecycle.can_change_payment(current, to):
        raise TransitionNotAllowed(
            number=order.number,
            status=current,
            wanted=to,
            allowed=sorted(lifecycle.PAYMENT_TRANSITIONS[current]),
        )
    # Inside the caller's BEGIN IMMEDIATE nobody wrote since the read above: this cannot lose.
    await order_rows.cas_payment_status(db, order.id, current, to, now)
    await record_event(db, order.id, now, actor, EventKind.PAYMENT, current, to, note)


async def mark_delivered(
    db: Connection,
    order: Order,
    actor: Actor,
    now: datetime,
    *,
    notify_customer: bool = True,
) -> None:
    """Delivered, inside the caller's transaction; cash on delivery is paid by then."""
    await apply_transition(db, order, Status.DELIVERED, actor, now,
                           notify_customer=notify_customer)
    if order.payment_method == PaymentMethod.COD and order.payment_status != PaymentStatus.PAID:
        await set_payment_status(db, order, PaymentStatus.PAID, actor, now, note="COD")


# ---------------------------------------------------------------- what it queues


async def queue_card(db: Connection, order_id: int, now: datetime) -> None:
    """Redraw the order's card in the staff group (inside the caller's transaction)."""
    await queue_staff_message(db, order_id, Kind.ORDER_CARD, now)


async def queue_staff_message(
    db: Connection,
    order_id: int,
    kind: Kind,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    """A message about the order to the staff group (inside the caller's transaction)."""
    await outbox.enqueue(
        db, audience="staff", kind=kind, order_id=order_id, now=now, payload=payload
    )


async def queue_status_notice(
    db: Connection,
    order: Order,
    from_status: Status,
    to: Status,
    now: datetime,
    note: str | None = None,
) -> None:
    """Tell the customer their order moved on (inside the caller's transaction)."""
    await queue_customer_message(
        db, order, Kind.STATUS_CHANGED, now, {"from": from_status, "to": to, "note": note}
    )


async def queue_customer_message(
    db: Connection,
    order: Order,
    kind: Kind,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    """A message about `order` to its customer (inside the caller's transaction)."""
    await outbox.enqueue(
        db, audience="customer", chat_id=order.user_id, kind=kind, order_id=order.id,
        now=now, payload=payload,
    )
