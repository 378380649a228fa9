"""Opening a refund: the one place a refund comes into being, inside the caller's transaction.

Kept free of domain/ordering's services so that the order lifecycle (a paid order cancelled
or rejected: domain/ordering/transitions.py) and the complaint services can both call it.
"""

from __future__ import annotations

from datetime import datetime

from domain import outbox
from domain.actors import Actor
from domain.aftersales.models import RefundStatus
from domain.aftersales.timeline import EventKind, record
from domain.outbox import Kind
from domain.store import Connection
from domain.store import refunds as refund_rows


async def open_refund(
    db: Connection,
    *,
    order_id: int,
    user_id: int,
    amount: int,
    actor: Actor,
    now: datetime,
    complaint_id: int | None = None,
) -> int | None:
    """A refund of `amount` owed on the order (for the complaint, or for the cancelled order
    when None), waiting for the customer's bank details. Its events, the customer's request
    for bank details (REFUND_DUE) and the staff's notice (REFUND_STAFF) are queued with it.
    Returns its id; None when that refund exists already (a repeat changes nothing)."""
    refund_id = await refund_rows.insert(
        db, order_id=order_id, complaint_id=complaint_id, user_id=user_id, amount=amount, now=now
    )
    if refund_id is None:
        return None
    await record(
        db, order_id=order_id, now=now, actor=actor, kind=EventKind.REFUND,
        complaint_id=complaint_id, refund_id=refund_id, to_status=RefundStatus.AWAITING_DETAILS,
    )
    await record(
        db, order_id=order_id, now=now, actor=actor, kind=EventKind.REFUND_AMOUNT,
        complaint_id=complaint_id, refund_id=refund_id, note=str(amount),
    )
    payload = {"refund_id": refund_id, "amount": amount}
    await outbox.enqueue(
        db, audience="customer", chat_id=user_id, kind=Kind.REFUND_DUE, order_id=order_id,
        now=now, payload=payload,
    )
    await outbox.enqueue(
        db, audience="staff", kind=Kind.REFUND_STAFF, order_id=order_id, now=now,
        payload={**payload, "event": "due"},
    )
    return refund_id
