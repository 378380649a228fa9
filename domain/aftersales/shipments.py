"""Follow-up shipments: the replacement or missing part of an approved complaint, with its own
courier and tracking number. Its stock was held at approval; it leaves the shelf here."""

from __future__ import annotations

from domain import outbox
from domain.actors import Actor
from domain.aftersales.models import FollowUpShipment, ShipmentStatus
from domain.aftersales.moves import queue_complaint_card
from domain.aftersales.records import load_complaint, shipment_from_row, shipment_of_complaint
from domain.aftersales.resolution import resolve_if_done
from domain.aftersales.timeline import EventKind, record
from domain.catalog import stock
from domain.errors import InvalidInput, NotFound, StaleAction
from domain.fulfilment.couriers import CourierBook, validate_tracking
from domain.outbox import Kind
from domain.store import Store
from domain.store import complaints as complaint_rows


async def ship_follow_up(
    store: Store,
    couriers: CourierBook,
    complaint_id: int,
    courier_name: str,
    tracking: str | None,
    actor: Actor,
) -> FollowUpShipment:
    """Hand the follow-up parcel to the courier: reserved → shipped, its held stock leaves the
    shelf (movement "replacement"), the customer gets the tracking (FOLLOW_UP_SHIPPED), the
    complaint resolves if nothing else is owed. Again with other values: a correction (the
    customer hears the corrected number); with the same: nothing. Raises InvalidInput
    (`courier_unknown`, `tracking_missing`, `tracking_invalid`), StaleAction (no parcel due)."""
    courier = couriers.find(courier_name)
    raw = (tracking or "").strip()
    if courier.tracking_required and not raw:
        raise InvalidInput("tracking_missing", courier=courier.name, example=courier.example)
    resi = validate_tracking(courier, raw) if raw else None
    now = store.now()
    async with store.transaction() as db:
        complaint = await load_complaint(db, complaint_id)
        shipment = await shipment_of_complaint(db, complaint.id)
        if shipment is None or shipment.status == ShipmentStatus.CANCELLED:
            raise StaleAction(number=complaint.order_number, status=complaint.status)
        payload = {"shipment_id": shipment.id, "courier": courier.name, "tracking": resi}
        if shipment.status != ShipmentStatus.RESERVED:
            if (shipment.courier, shipment.tracking_number) == (courier.name, resi):
                return shipment
            await complaint_rows.correct_shipment(db, shipment.id, courier.name, resi)
            payload["corrected"] = True
        else:
            if not await complaint_rows.ship_shipment(db, shipment.id, courier.name, resi, now):
                raise StaleAction(number=complaint.order_number, status=shipment.status)
            lines = [{"sku": x.sku, "quantity": x.quantity} for x in complaint.lines]
            await stock.ship_replacement(db, lines, actor, now, complaint.order_id)
        await record(
            db, order_id=complaint.order_id, now=now, actor=actor, kind=EventKind.FOLLOW_UP,
            complaint_id=complaint.id, to_status=ShipmentStatus.SHIPPED,
            note=f"{courier.name} {resi or '-'}",
        )
        await outbox.enqueue(
            db, audience="customer", chat_id=complaint.user_id, kind=Kind.FOLLOW_UP_SHIPPED,
            order_id=complaint.order_id, now=now, payload=payload,
        )
        await queue_complaint_card(db, complaint, now)
        await resolve_if_done(db, complaint.id, actor, now)
        row = await complaint_rows.shipment_for_complaint(db, complaint.id)
        assert row is not None
        return shipment_from_row(row)


async def follow_ups_of_order(store: Store, order_id: int) -> list[FollowUpShipment]:
    """The order's follow-up parcels, oldest first (for /track and the order's view)."""
    return [shipment_from_row(r) for r in await complaint_rows.shipments_of_order(
        store.reader, order_id
    )]


async def follow_up_of(store: Store, complaint_id: int) -> FollowUpShipment:
    found = await shipment_of_complaint(store.reader, complaint_id)
    if found is None:
        raise NotFound(number=str(complaint_id))
    return found
