"""A refused cash-on-delivery parcel (COD ditolak, return to sender): nothing is owed, the
goods come back through the same per-line inspection as a return, both shipping legs are the
shop's cost, and the customer's refusal count goes up (COD may stop being offered to them)."""

from __future__ import annotations

from domain.actors import Actor
from domain.aftersales.models import (
    Complaint,
    ComplaintReason,
    ComplaintStatus,
    Solution,
)
from domain.aftersales.moves import queue_complaint_card, queue_complaint_notice
from domain.aftersales.records import load_complaint
from domain.aftersales.timeline import EventKind, record
from domain.errors import InvalidInput
from domain.fulfilment.desk import staff_text
from domain.models import PaymentMethod, Status
from domain.ordering.order_reads import normalize_number, order_by_number
from domain.ordering.transitions import already_done, return_to_sender
from domain.store import Store
from domain.store import complaints as complaint_rows
from domain.store import customers as customer_rows
from domain.validation import MAX_PRICE

OUTBOUND, RETURN = "outbound_shipping", "return_shipping"


def cod_offered(refusals: int, max_refusals: int | None) -> bool:
    """Whether COD is still offered to a customer with `refusals` refused parcels;
    `max_refusals` is COD_MAX_REFUSALS (None or 0: off, always offered)."""
    return not max_refusals or refusals < max_refusals


async def refusals_of(store: Store, user_id: int) -> int:
    """The customer's refused COD parcels (shown on their next order's card)."""
    return await customer_rows.cod_refusals(store.reader, user_id)


async def cod_allowed(store: Store, user_id: int, max_refusals: int | None) -> bool:
    return cod_offered(await refusals_of(store, user_id), max_refusals)


async def mark_returned_to_sender(
    store: Store,
    order_number: str,
    actor: Actor,
    *,
    return_cost: int | None = None,
    note: str | None = None,
) -> Complaint:
    """Staff mark a shipped COD order "returned to sender": the order is cancelled (no refund:
    nothing was paid), a return-to-sender record (a complaint with reason cod_refused, status
    return_in_transit, every order line) waits for inspection (inspection.inspect), both
    shipping legs are recorded as shop costs (outbound: the order's shipping fee; return:
    `return_cost`, else the same fee), and the customer's refusal count goes up.
    Raises NotFound, InvalidInput (`rts_not_cod`, `rts_cost_invalid`), AlreadyDone,
    TransitionNotAllowed (not shipped)."""
    text = staff_text(note, required=False)
    if return_cost is not None and not 0 <= return_cost <= MAX_PRICE:
        raise InvalidInput("rts_cost_invalid")
    now = store.now()
    async with store.transaction() as db:
        order = await order_by_number(db, normalize_number(order_number))
        if order.payment_method != PaymentMethod.COD:
            raise InvalidInput("rts_not_cod", number=order.number)
        if order.status == Status.CANCELLED:
            done = await already_done(db, order, Status.CANCELLED)
            if done is not None:
                raise done
        # Only staff's own words as the status note: a fixed English one would reach the
        # customer's order timeline in every language.
        await return_to_sender(db, order, actor, now, text)
        complaint_id = await complaint_rows.insert(
            db, order_id=order.id, user_id=order.user_id, reason=ComplaintReason.COD_REFUSED,
            solution_wanted=Solution.RETURN_TO_SENDER, solution=Solution.RETURN_TO_SENDER,
            status=ComplaintStatus.RETURN_IN_TRANSIT, description=None, delivered_at=None,
            window_ends_at=None, now=now,
        )
        if complaint_id is None:  # a complaint on a shipped order cannot be open
            raise InvalidInput("complaint_already_open", number=order.number)
        await complaint_rows.add_lines(
            db, complaint_id, [(x.sku, x.name, x.unit_price, x.quantity) for x in order.lines]
        )
        await record(
            db, order_id=order.id, now=now, actor=actor, kind=EventKind.COMPLAINT,
            complaint_id=complaint_id, to_status=ComplaintStatus.RETURN_IN_TRANSIT,
        )
        legs = ((OUTBOUND, order.shipping_fee), (RETURN, (
            order.shipping_fee if return_cost is None else return_cost
        )))
        for kind, amount in legs:
            await complaint_rows.add_cost(
                db, order_id=order.id, complaint_id=complaint_id, kind=kind, amount=amount,
                actor_id=actor.id, actor_name=actor.name, now=now,
            )
            await record(
                db, order_id=order.id, now=now, actor=actor, kind=EventKind.SHOP_COST,
                complaint_id=complaint_id, to_status=kind, note=str(amount),
            )
        count = await customer_rows.add_cod_refusal(db, order.user_id)
        await record(
            db, order_id=order.id, now=now, actor=actor, kind=EventKind.COD_REFUSAL,
            complaint_id=complaint_id, note=str(count),
        )
        complaint = await load_complaint(db, complaint_id)
        await queue_complaint_card(db, complaint, now)
        await queue_complaint_notice(
            db, complaint, ComplaintStatus.RETURN_IN_TRANSIT, now, {"rts": True}
        )
        return complaint
