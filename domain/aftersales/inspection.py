"""Inspecting what came back, per line and quantity: resellable units go back on the shelf,
damaged ones are written off (their own stock movement, never back on hand).

Stock is never restored twice: each call claims units with a compare-and-set on what is still
uninspected (complaint_lines CHECK resellable + damaged <= quantity) inside BEGIN IMMEDIATE,
and only the units it claimed move. Two staff pressing at once: the second finds nothing left
and hears who did it (AlreadyDone).
"""

from __future__ import annotations

from domain.actors import Actor
from domain.aftersales.models import Complaint, ComplaintStatus, RefundStatus
from domain.aftersales.moves import (
    complaint_already_done,
    move_complaint,
    queue_complaint_card,
    queue_refund_staff,
)
from domain.aftersales.records import load_complaint, refund_from_row
from domain.aftersales.resolution import resolve_if_done
from domain.aftersales.timeline import EventKind, record
from domain.catalog import stock
from domain.clock import from_db
from domain.errors import AlreadyDone, InvalidInput, StaleAction
from domain.store import Store
from domain.store import complaints as complaint_rows
from domain.store import refunds as refund_rows

INSPECTABLE = frozenset({ComplaintStatus.APPROVED, ComplaintStatus.RETURN_IN_TRANSIT})


async def inspect(
    store: Store,
    complaint_id: int,
    sku: str,
    resellable: int,
    damaged: int,
    actor: Actor,
    *,
    expected_left: int | None = None,
) -> Complaint:
    """Judge `resellable` + `damaged` units of the complaint's line `sku`.

    When every unit is judged the complaint is INSPECTED (the customer hears it) and resolved
    if nothing else is owed. Raises InvalidInput (`inspection_quantity_invalid`,
    `complaint_line_unknown`), StaleAction (no return expected), AlreadyDone (those units were
    judged already, e.g. by a colleague at the same moment). `expected_left`: the units the
    presser saw uninspected on the line; another count means someone judged some meanwhile
    (AlreadyDone), so a repeated "1 resellable" press never claims a second unit."""
    if resellable < 0 or damaged < 0 or resellable + damaged == 0:
        raise InvalidInput("inspection_quantity_invalid")
    now = store.now()
    async with store.transaction() as db:
        complaint = await load_complaint(db, complaint_id)
        line = next((x for x in complaint.lines if x.sku == sku), None)
        if line is None:
            raise InvalidInput("complaint_line_unknown", sku=sku[:40])
        if complaint.status not in INSPECTABLE or not complaint.expects_return:
            done = await complaint_already_done(db, complaint, ComplaintStatus.INSPECTED)
            if done is not None:
                raise done
            raise StaleAction(number=complaint.order_number, status=complaint.status)
        overtaken = expected_left is not None and expected_left != line.uninspected
        if overtaken or resellable + damaged > line.uninspected:
            if line.uninspected == 0 or overtaken:
                last = await complaint_rows.last_event(db, complaint.id, EventKind.INSPECTION)
                raise AlreadyDone(
                    number=complaint.order_number, status="inspected",
                    actor_name=last["actor_name"] if last else "?",
                    at=from_db(last["at"]) if last else None, complaint_id=complaint.id, sku=sku,
                )
            raise InvalidInput(
                "inspection_quantity_invalid", sku=sku, max=line.uninspected
            )
        if not await complaint_rows.inspect_line(db, complaint.id, sku, resellable, damaged):
            raise AlreadyDone(  # cannot happen under BEGIN IMMEDIATE; the CAS says so anyway
                number=complaint.order_number, status="inspected", actor_name="?", at=None,
                complaint_id=complaint.id, sku=sku,
            )
        if resellable:
            await stock.return_to_shelf(db, sku, resellable, actor, now, complaint.order_id)
        if damaged:
            await stock.write_off(db, sku, damaged, actor, now, complaint.order_id)
        await record(
            db, order_id=complaint.order_id, now=now, actor=actor, kind=EventKind.INSPECTION,
            complaint_id=complaint.id,
            note=f"{sku}: {resellable} resellable, {damaged} damaged",
        )
        complaint = await load_complaint(db, complaint.id)
        if complaint.uninspected == 0:
            await move_complaint(db, complaint, ComplaintStatus.INSPECTED, actor, now)
            # A refund whose bank details came before the goods could not be paid until now:
            # staff get its "ready to transfer" message again, with the button that works now.
            row = await refund_rows.for_complaint(db, complaint.id)
            if row is not None and row["status"] == RefundStatus.READY:
                refund = refund_from_row(row)
                await queue_refund_staff(db, refund, "inspected", now)
            await resolve_if_done(db, complaint.id, actor, now)
        else:
            await queue_complaint_card(db, complaint, now)
        return await load_complaint(db, complaint.id)
