"""Complaint use cases: the customer opens one and adds evidence; staff approve (with the
solution), reject or ask for more evidence; the return's courier and tracking are recorded.

Each runs in one write transaction (Store.transaction(), BEGIN IMMEDIATE): the status's
compare-and-set, its timeline entries, what it triggers (a refund opened, replacement stock
held) and the outbox notices are written together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain import outbox
from domain.actors import Actor
from domain.aftersales import amounts, lifecycle
from domain.aftersales.models import (
    CUSTOMER_REASONS,
    EVIDENCE_OPTIONAL,
    MAX_EVIDENCE,
    REFUNDED,
    SHIPS_AGAIN,
    SOLUTIONS_FOR,
    ClaimLine,
    Complaint,
    ComplaintReason,
    ComplaintStatus,
    EvidenceKind,
    NewEvidence,
    ShipmentStatus,
    Solution,
)
from domain.aftersales.moves import move_complaint, queue_complaint_card
from domain.aftersales.records import load_complaint
from domain.aftersales.refund_due import open_refund
from domain.aftersales.timeline import EventKind, record
from domain.aftersales.windows import ReturnPolicy
from domain.catalog import stock
from domain.errors import InvalidInput, NotFound, StaleAction
from domain.fulfilment.couriers import CourierBook, validate_tracking
from domain.fulfilment.desk import staff_text
from domain.models import EventKind as OrderEventKind
from domain.models import Order, Status
from domain.ordering.order_reads import customer_order, load_order
from domain.outbox import Kind
from domain.store import Connection, Store
from domain.store import complaints as complaint_rows
from domain.store import refunds as refund_rows
from domain.validation import clean_text


def delivered_at(order: Order) -> datetime | None:
    """When the order (last) arrived, from its timeline."""
    return next(
        (
            e.at
            for e in reversed(order.events)
            if e.kind == OrderEventKind.STATUS and e.to_status == Status.DELIVERED
        ),
        None,
    )


def _claim(order: Order, lines: Sequence[ClaimLine], before: dict[str, int]) -> list[tuple]:
    """(sku, name, unit_price, quantity) of each claimed line, checked against the order."""
    if not lines:
        raise InvalidInput("complaint_no_lines")
    ordered = {x.sku: x for x in order.lines}
    seen: set[str] = set()
    out = []
    for line in lines:
        item = ordered.get(line.sku)
        if item is None or line.sku in seen:
            raise InvalidInput("complaint_line_unknown", sku=line.sku[:40])
        seen.add(line.sku)
        left = item.quantity - before.get(line.sku, 0)
        if not 1 <= line.quantity <= left:
            raise InvalidInput("complaint_quantity_invalid", sku=line.sku, max=max(left, 0))
        out.append((item.sku, item.name, item.unit_price, line.quantity))
    return out


def _evidence(items: Sequence[NewEvidence]) -> list[NewEvidence]:
    unique = {e.file_unique_id: e for e in items}
    if len(unique) > MAX_EVIDENCE:
        raise InvalidInput("evidence_too_many", max=MAX_EVIDENCE)
    for e in unique.values():
        EvidenceKind(e.kind)
        if not e.file_id or not e.file_unique_id:
            raise InvalidInput("evidence_invalid")
    return list(unique.values())


async def _attach(
    db: Connection, complaint: Complaint, item: NewEvidence, actor: Actor, now: datetime
) -> bool:
    added = await complaint_rows.add_evidence(
        db, complaint.id, item.file_id, item.file_unique_id, item.kind, actor.id, now
    )
    if added:
        await record(
            db, order_id=complaint.order_id, now=now, actor=actor, kind=EventKind.EVIDENCE,
            complaint_id=complaint.id, note=str(item.kind),
        )
        await outbox.enqueue(
            db, audience="staff", kind=Kind.COMPLAINT_EVIDENCE, order_id=complaint.order_id,
            now=now,
            payload={"complaint_id": complaint.id, "file_id": item.file_id, "kind": item.kind},
        )
    return added


# ---------------------------------------------------------------- the customer


async def open_complaint(
    store: Store,
    policy: ReturnPolicy,
    user_id: int,
    name: str,
    order_number: str,
    reason: ComplaintReason | str,
    solution: Solution | str,
    lines: Sequence[ClaimLine],
    evidence: Sequence[NewEvidence],
    description: str | None = None,
) -> Complaint:
    """The customer's complaint on their delivered order, within the policy's window.

    One open complaint per order (a second while one is open: `complaint_already_open`); a
    later one may claim only units no earlier, not rejected complaint claimed. Evidence (a photo
    or video) is required except for "not received". Raises NotFound (not their order),
    InvalidInput (`complaint_not_delivered`, `complaint_reason_not_allowed`,
    `complaint_window_closed`, `complaint_solution_not_allowed`, `complaint_no_lines`,
    `complaint_line_unknown`, `complaint_quantity_invalid`, `evidence_required`,
    `evidence_too_many`, `note_too_long`, `complaint_already_open`).
    """
    reason = ComplaintReason(reason)
    solution = Solution(solution)
    if reason not in CUSTOMER_REASONS:
        raise InvalidInput("complaint_reason_not_allowed", reason=str(reason))
    if solution not in SOLUTIONS_FOR[reason]:
        raise InvalidInput("complaint_solution_not_allowed", reason=reason, solution=solution)
    files = _evidence(evidence)
    if not files and reason not in EVIDENCE_OPTIONAL:
        raise InvalidInput("evidence_required")
    text = staff_text(description, required=False)
    order = await customer_order(store, user_id, order_number)
    now = store.now()
    async with store.transaction() as db:
        order = await load_order(db, order.id)
        if order.status != Status.DELIVERED:
            raise InvalidInput("complaint_not_delivered", number=order.number)
        arrived = delivered_at(order)
        ends = policy.check(reason, arrived, now)
        if await complaint_rows.open_for_order(db, order.id) is not None:
            raise InvalidInput("complaint_already_open", number=order.number)
        claimed = _claim(order, lines, await complaint_rows.claimed_before(db, order.id))
        complaint_id = await complaint_rows.insert(
            db, order_id=order.id, user_id=user_id, reason=reason, solution_wanted=solution,
            status=ComplaintStatus.OPEN, description=text, delivered_at=arrived,
            window_ends_at=ends, now=now,
        )
        if complaint_id is None:
            raise InvalidInput("complaint_already_open", number=order.number)
        await complaint_rows.add_lines(db, complaint_id, claimed)
        actor = Actor(user_id, name)
        complaint = await load_complaint(db, complaint_id)
        await record(
            db, order_id=order.id, now=now, actor=actor, kind=EventKind.COMPLAINT,
            complaint_id=complaint_id, to_status=ComplaintStatus.OPEN,
        )
        await queue_complaint_card(db, complaint, now)  # the card first, evidence under it
        for item in files:
            await _attach(db, complaint, item, actor, now)
        await outbox.enqueue(
            db, audience="customer", chat_id=user_id, kind=Kind.COMPLAINT_STATUS,
            order_id=order.id, now=now,
            payload={"complaint_id": complaint_id, "to": str(ComplaintStatus.OPEN)},
            dedupe_key=f"complaint_opened:{complaint_id}",
        )
        return complaint


async def add_evidence(
    store: Store, user_id: int, name: str, complaint_id: int, item: NewEvidence
) -> tuple[Complaint, bool]:
    """One more photo or video while staff have not decided; (complaint, added). The same file
    again adds nothing. Evidence after staff asked for more reopens the complaint (they hear
    it). Raises NotFound, StaleAction (decided already), InvalidInput (`evidence_too_many`)."""
    _evidence([item])
    now = store.now()
    async with store.transaction() as db:
        complaint = await load_complaint(db, complaint_id)
        if complaint.user_id != user_id:
            raise NotFound(number=str(complaint_id))
        if complaint.status not in lifecycle.EVIDENCE_OPEN:
            raise StaleAction(number=complaint.order_number, status=complaint.status)
        if await complaint_rows.evidence_count(db, complaint.id) >= MAX_EVIDENCE:
            raise InvalidInput("evidence_too_many", max=MAX_EVIDENCE)
        actor = Actor(user_id, name)
        added = await _attach(db, complaint, item, actor, now)
        if added and complaint.status == ComplaintStatus.NEEDS_EVIDENCE:
            await move_complaint(db, complaint, ComplaintStatus.OPEN, actor, now)
        elif added:
            await queue_complaint_card(db, complaint, now)
        return await load_complaint(db, complaint.id), added


async def record_return_shipment(
    store: Store,
    couriers: CourierBook,
    complaint_id: int,
    courier_name: str,
    tracking: str,
    actor: Actor,
    *,
    user_id: int | None = None,
) -> Complaint:
    """The return parcel's courier and tracking number (checked like the order's own); given
    by the customer (`user_id`: must be theirs) or by staff. Again with other values: a
    correction. Raises InvalidInput (`courier_unknown`, `tracking_invalid`), StaleAction (no
    return expected now), NotFound."""
    courier = couriers.find(courier_name)
    resi = validate_tracking(courier, tracking)
    now = store.now()
    async with store.transaction() as db:
        complaint = await load_complaint(db, complaint_id)
        if user_id is not None and complaint.user_id != user_id:
            raise NotFound(number=str(complaint_id))
        if not complaint.expects_return or complaint.status not in (
            ComplaintStatus.APPROVED,
            ComplaintStatus.RETURN_IN_TRANSIT,
        ):
            raise StaleAction(number=complaint.order_number, status=complaint.status)
        if (complaint.return_courier, complaint.return_tracking) == (courier.name, resi):
            return complaint  # the same again: nothing to do
        await complaint_rows.set_return_shipment(db, complaint.id, courier.name, resi, now)
        await record(
            db, order_id=complaint.order_id, now=now, actor=actor,
            kind=EventKind.RETURN_SHIPMENT, complaint_id=complaint.id,
            note=f"{courier.name} {resi}",
        )
        await move_complaint(
            db, complaint, ComplaintStatus.RETURN_IN_TRANSIT, actor, now,
            payload={"courier": courier.name, "tracking": resi},
        )
        return await load_complaint(db, complaint.id)


# ---------------------------------------------------------------- staff decisions


async def approve(
    store: Store,
    complaint_id: int,
    actor: Actor,
    solution: Solution | str,
    *,
    refund_amount: int | None = None,
) -> Complaint:
    """Approve with a solution allowed for the reason (it may differ from the customer's wish).

    - refund_only / return_refund: a refund opens (proposed amount, or `refund_amount`), the
      customer is asked for bank details (REFUND_DUE);
    - replacement / missing_part: the claimed lines' stock is held now (OutOfStock/OffSale if
      short: nothing is approved) for a follow-up parcel (shipments.ship_follow_up);
    - return_refund / replacement: the customer is told to send the goods back.
    Raises AlreadyDone, StaleAction, TransitionNotAllowed, InvalidInput
    (`complaint_solution_not_allowed`, `refund_amount_invalid`, `refund_amount_too_large`)."""
    solution = Solution(solution)
    now = store.now()
    async with store.transaction() as db:
        complaint = await load_complaint(db, complaint_id)
        if solution not in SOLUTIONS_FOR[complaint.reason]:
            raise InvalidInput(
                "complaint_solution_not_allowed", reason=complaint.reason, solution=solution
            )
        await move_complaint(
            db, complaint, ComplaintStatus.APPROVED, actor, now,
            payload={"solution": str(solution)},
        )
        await complaint_rows.set_solution(db, complaint.id, solution)
        await record(
            db, order_id=complaint.order_id, now=now, actor=actor, kind=EventKind.SOLUTION,
            complaint_id=complaint.id, to_status=solution,
        )
        if solution in REFUNDED:
            order = await load_order(db, complaint.order_id)
            before = await refund_rows.paid_total(db, order.id)
            if refund_amount is None:
                amount = amounts.proposed_refund(
                    complaint.lines, complaint.reason, order.shipping_fee, order.total, before
                )
            else:
                amount = amounts.check_amount(refund_amount, order.total, before)
            await open_refund(
                db, order_id=order.id, user_id=complaint.user_id, amount=amount, actor=actor,
                now=now, complaint_id=complaint.id,
            )
        if solution in SHIPS_AGAIN:
            lines = [
                {"sku": x.sku, "name": x.name, "quantity": x.quantity} for x in complaint.lines
            ]
            await stock.reserve_replacement(db, lines)
            await complaint_rows.add_shipment(db, complaint.order_id, complaint.id, now)
            await record(
                db, order_id=complaint.order_id, now=now, actor=actor, kind=EventKind.FOLLOW_UP,
                complaint_id=complaint.id, to_status=ShipmentStatus.RESERVED,
            )
            await stock.check_levels(db, [x.sku for x in complaint.lines], now)
        return await load_complaint(db, complaint.id)


async def reject(store: Store, complaint_id: int, actor: Actor, reason: str) -> Complaint:
    """Turn the complaint down; the customer hears `reason` (required)."""
    text = staff_text(reason, required=True)
    return await _decide(store, complaint_id, actor, ComplaintStatus.REJECTED, text)


async def ask_evidence(store: Store, complaint_id: int, actor: Actor, what: str) -> Complaint:
    """Ask the customer for more evidence; they hear `what` (required) and may add more."""
    text = staff_text(what, required=True)
    return await _decide(store, complaint_id, actor, ComplaintStatus.NEEDS_EVIDENCE, text)


async def _decide(
    store: Store, complaint_id: int, actor: Actor, to: ComplaintStatus, text: str | None
) -> Complaint:
    now = store.now()
    async with store.transaction() as db:
        complaint = await load_complaint(db, complaint_id)
        await move_complaint(db, complaint, to, actor, now, payload={"note": text})
        await complaint_rows.set_staff_reason(db, complaint.id, text)
        await record(
            db, order_id=complaint.order_id, now=now, actor=actor, kind=EventKind.REASON,
            complaint_id=complaint.id, to_status=to, note=text,
        )
        return await load_complaint(db, complaint.id)


async def note(store: Store, complaint_id: int, actor: Actor, text: str) -> Complaint:
    """Staff's own note on the complaint (never shown to the customer)."""
    body = staff_text(text, required=True)
    now = store.now()
    async with store.transaction() as db:
        complaint = await load_complaint(db, complaint_id)
        await record(
            db, order_id=complaint.order_id, now=now, actor=actor, kind=EventKind.STAFF_NOTE,
            complaint_id=complaint.id, note=clean_text(body or ""),
        )
        await queue_complaint_card(db, complaint, now)
        return complaint


async def set_card_message(store: Store, complaint_id: int, message_id: int) -> None:
    """Remember the complaint's card in the staff group, so later changes edit it in place."""
    async with store.transaction() as db:
        await complaint_rows.set_card_message(db, complaint_id, message_id)
