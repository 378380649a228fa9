"""The one door of the complaint and refund lifecycles, inside the caller's transaction:
compare-and-set on the status read, the timeline entry, the staff card's redraw and the
customer's notice. `AlreadyDone` names who got there first (a repeated press is harmless)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain import outbox
from domain.actors import Actor
from domain.aftersales import lifecycle
from domain.aftersales.models import (
    Complaint,
    ComplaintReason,
    ComplaintStatus,
    Refund,
    RefundStatus,
)
from domain.aftersales.timeline import EventKind, record
from domain.clock import from_db
from domain.errors import AlreadyDone, NotFound, StaleAction, TransitionNotAllowed
from domain.outbox import Kind
from domain.store import Connection
from domain.store import complaints as complaint_rows
from domain.store import refunds as refund_rows


async def complaint_already_done(
    db: Connection, complaint: Complaint, to: ComplaintStatus
) -> AlreadyDone | None:
    row = await complaint_rows.last_event_to(db, complaint.id, EventKind.COMPLAINT, to)
    if row is None:
        return None
    return AlreadyDone(
        number=complaint.order_number, status=to, actor_name=row["actor_name"],
        at=from_db(row["at"]), complaint_id=complaint.id,
    )


async def move_complaint(
    db: Connection,
    complaint: Complaint,
    to: ComplaintStatus,
    actor: Actor,
    now: datetime,
    *,
    note: str | None = None,
    notify: bool = True,
    payload: dict[str, Any] | None = None,
) -> None:
    """`complaint.status → to`; raises AlreadyDone (someone made this very change),
    StaleAction (it moved elsewhere meanwhile) or TransitionNotAllowed. `note` goes on the
    timeline as a staff note; what the customer reads goes in `payload`."""
    row = await complaint_rows.by_id(db, complaint.id)
    if row is None:
        raise NotFound(number=complaint.order_number)
    current = ComplaintStatus(row["status"])
    if current != complaint.status:
        if current == to:
            done = await complaint_already_done(db, complaint, to)
            raise done or AlreadyDone(number=complaint.order_number, status=to, actor_name="?",
                                      at=None, complaint_id=complaint.id)
        raise StaleAction(number=complaint.order_number, status=current)
    if not lifecycle.can_move(current, to):
        done = await complaint_already_done(db, complaint, to)
        if done is not None:
            raise done
        raise TransitionNotAllowed(
            number=complaint.order_number, status=current, wanted=to,
            allowed=sorted(lifecycle.COMPLAINT_TRANSITIONS[current]),
        )
    if current != to and not await complaint_rows.cas_status(db, complaint.id, current, to, now):
        raise StaleAction(number=complaint.order_number, status=current)
    await record(
        db, order_id=complaint.order_id, now=now, actor=actor, kind=EventKind.COMPLAINT,
        complaint_id=complaint.id, from_status=current, to_status=to,
    )
    if note:
        await record(
            db, order_id=complaint.order_id, now=now, actor=actor, kind=EventKind.STAFF_NOTE,
            complaint_id=complaint.id, note=note,
        )
    await queue_complaint_card(db, complaint, now)
    # A refused COD parcel is staff's record, not the customer's complaint: they were told
    # once that it came back and nothing is owed (cod.py); its inspection is not theirs.
    if notify and complaint.reason != ComplaintReason.COD_REFUSED:
        await queue_complaint_notice(db, complaint, to, now, payload)


async def queue_complaint_card(db: Connection, complaint: Complaint, now: datetime) -> None:
    """Redraw the complaint's card in the staff group."""
    await outbox.enqueue(
        db, audience="staff", kind=Kind.COMPLAINT_CARD, order_id=complaint.order_id, now=now,
        payload={"complaint_id": complaint.id},
    )


async def queue_complaint_notice(
    db: Connection,
    complaint: Complaint,
    to: ComplaintStatus,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    """Tell the customer their complaint moved on (COMPLAINT_STATUS: complaint_id, to, …)."""
    await outbox.enqueue(
        db, audience="customer", chat_id=complaint.user_id, kind=Kind.COMPLAINT_STATUS,
        order_id=complaint.order_id, now=now,
        payload={"complaint_id": complaint.id, "to": str(to), **(payload or {})},
    )


async def move_refund(
    db: Connection, refund: Refund, to: RefundStatus, actor: Actor, now: datetime
) -> None:
    """`refund.status → to` (compare-and-set) with its timeline entry."""
    row = await refund_rows.by_id(db, refund.id)
    if row is None:
        raise NotFound(number=refund.order_number)
    current = RefundStatus(row["status"])
    if not lifecycle.can_move_refund(current, to):
        if current == to:
            raise AlreadyDone(
                number=refund.order_number, status=to, actor_name=row["paid_by_name"] or "?",
                at=from_db(row["status_changed_at"]), refund_id=refund.id,
            )
        raise TransitionNotAllowed(
            number=refund.order_number, status=current, wanted=to,
            allowed=sorted(lifecycle.REFUND_TRANSITIONS[current]),
        )
    if current != refund.status and current != to:
        raise StaleAction(number=refund.order_number, status=current)
    if not await refund_rows.cas_status(db, refund.id, current, to, now):
        raise StaleAction(number=refund.order_number, status=current)
    if current != to:
        await record(
            db, order_id=refund.order_id, now=now, actor=actor, kind=EventKind.REFUND,
            complaint_id=refund.complaint_id, refund_id=refund.id, from_status=current,
            to_status=to,
        )


async def queue_refund_staff(
    db: Connection, refund: Refund, event: str, now: datetime, **extra: Any
) -> None:
    await outbox.enqueue(
        db, audience="staff", kind=Kind.REFUND_STAFF, order_id=refund.order_id, now=now,
        payload={"refund_id": refund.id, "amount": refund.amount, "event": event, **extra},
    )
