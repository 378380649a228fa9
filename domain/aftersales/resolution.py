"""When a complaint is done: everything its solution promised has happened."""

from __future__ import annotations

from datetime import datetime

from domain.actors import Actor
from domain.aftersales.models import (
    REFUNDED,
    SHIPS_AGAIN,
    ComplaintStatus,
    RefundStatus,
    ShipmentStatus,
)
from domain.aftersales.moves import move_complaint
from domain.aftersales.records import load_complaint, refund_of_complaint, shipment_of_complaint
from domain.store import Connection


async def resolve_if_done(db: Connection, complaint_id: int, actor: Actor, now: datetime) -> bool:
    """Resolve the complaint (inside the caller's transaction) when the return is inspected
    (if one was expected), the refund paid (if one is owed) and the follow-up parcel shipped
    (if one goes out). Whether it was resolved now."""
    complaint = await load_complaint(db, complaint_id)
    if complaint.status not in (ComplaintStatus.APPROVED, ComplaintStatus.INSPECTED):
        return False
    if complaint.expects_return and complaint.status != ComplaintStatus.INSPECTED:
        return False
    if complaint.solution in REFUNDED:
        refund = await refund_of_complaint(db, complaint.id)
        if refund is None or refund.status not in (RefundStatus.PAID, RefundStatus.CANCELLED):
            return False
    if complaint.solution in SHIPS_AGAIN:
        shipment = await shipment_of_complaint(db, complaint.id)
        if shipment is None or shipment.status not in (
            ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED
        ):
            return False
    await move_complaint(db, complaint, ComplaintStatus.RESOLVED, actor, now)
    return True
