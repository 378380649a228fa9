"""The after-sales timeline: what each entry records, who may read it, and writing one.

Entries live beside the order's own events (aftersales_events, keyed by order) so `/order` and
the customer's `/orders` can show the whole story. Staff notes and internal costs never reach
customers: `for_audience` keeps only what AUDIENCE allows (an unknown kind is staff only).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from domain.actors import Actor
from domain.aftersales.models import AftersalesEvent
from domain.ordering.timeline import Audience
from domain.store import Connection
from domain.store import complaints as complaint_rows


class EventKind(StrEnum):
    COMPLAINT = "complaint"  # the complaint's status moved (from → to)
    EVIDENCE = "evidence"  # a photo or video added (note: its kind)
    REASON = "reason"  # why rejected, or what evidence is missing: told to the customer
    SOLUTION = "solution"  # the solution staff approved (to_status: the solution)
    RETURN_SHIPMENT = "return_shipment"  # courier and tracking of the return (note)
    INSPECTION = "inspection"  # units judged: note "SKU: n resellable, m damaged"
    REFUND = "refund"  # the refund's status moved
    REFUND_AMOUNT = "refund_amount"  # the amount set or edited (note: the amount)
    BANK_DETAILS = "bank_details"  # details given (note: bank and masked number)
    FOLLOW_UP = "follow_up"  # a follow-up parcel reserved / shipped (note: courier, tracking)
    STAFF_NOTE = "staff_note"  # staff's own words on a complaint
    SHOP_COST = "shop_cost"  # a shipping leg the shop pays (note: leg and amount)
    COD_REFUSAL = "cod_refusal"  # the customer's refusal count went up (note: the count)


AUDIENCE: dict[EventKind, Audience] = {
    EventKind.COMPLAINT: Audience.BOTH,
    EventKind.EVIDENCE: Audience.BOTH,
    EventKind.REASON: Audience.BOTH,
    EventKind.SOLUTION: Audience.BOTH,
    EventKind.RETURN_SHIPMENT: Audience.BOTH,
    EventKind.INSPECTION: Audience.BOTH,
    EventKind.REFUND: Audience.BOTH,
    EventKind.REFUND_AMOUNT: Audience.BOTH,
    EventKind.BANK_DETAILS: Audience.BOTH,
    EventKind.FOLLOW_UP: Audience.BOTH,
    EventKind.STAFF_NOTE: Audience.STAFF,
    EventKind.SHOP_COST: Audience.STAFF,
    EventKind.COD_REFUSAL: Audience.STAFF,
}


def sees(audience: Audience, kind: str) -> bool:
    try:
        allowed = AUDIENCE[EventKind(kind)]
    except ValueError:
        allowed = Audience.STAFF
    return allowed is Audience.BOTH or allowed is audience


def for_audience(
    events: Iterable[AftersalesEvent], audience: Audience
) -> tuple[AftersalesEvent, ...]:
    return tuple(e for e in events if sees(audience, e.kind))


async def record(
    db: Connection,
    *,
    order_id: int,
    now: datetime,
    actor: Actor,
    kind: EventKind,
    complaint_id: int | None = None,
    refund_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
) -> None:
    await complaint_rows.add_event(
        db,
        order_id=order_id,
        complaint_id=complaint_id,
        refund_id=refund_id,
        now=now,
        actor_id=actor.id,
        actor_name=actor.name,
        kind=EventKind(kind),
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
