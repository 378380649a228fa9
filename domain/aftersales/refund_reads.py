"""Refund reads for the refund handlers (issue 9, part C): one refund by id, the customer's
own (someone else's reads exactly like a missing one), and what a refund notice offers."""

from __future__ import annotations

from domain.aftersales.models import RETURN_EXPECTED, ComplaintStatus, Refund, RefundStatus
from domain.aftersales.records import load_complaint, load_refund
from domain.errors import InvalidInput, NotFound, StaleAction
from domain.store import Store


async def refund(store: Store, refund_id: int) -> Refund:
    """Raises NotFound."""
    return await load_refund(store.reader, refund_id)


async def own_refund(store: Store, user_id: int, refund_id: int) -> Refund:
    """The customer's refund; NotFound when missing or someone else's."""
    found = await load_refund(store.reader, refund_id)
    if found.user_id != user_id:
        raise NotFound()
    return found


async def payable(store: Store, refund_id: int) -> Refund:
    """The refund, when staff may record its transfer now (asked before the proof photo is
    asked for; refunds.mark_paid checks again in its transaction): the customer's details
    are in (InvalidInput `refund_details_missing`), a return was inspected
    (`refund_before_inspection`); a paid or cancelled one is StaleAction."""
    found = await load_refund(store.reader, refund_id)
    if found.status in (RefundStatus.PAID, RefundStatus.CANCELLED):
        raise StaleAction(number=found.order_number, status=found.status)
    if found.status == RefundStatus.AWAITING_DETAILS:
        raise InvalidInput("refund_details_missing", number=found.order_number)
    if found.complaint_id is not None:
        complaint = await load_complaint(store.reader, found.complaint_id)
        if complaint.solution in RETURN_EXPECTED and complaint.status not in (
            ComplaintStatus.INSPECTED, ComplaintStatus.RESOLVED
        ):
            raise InvalidInput("refund_before_inspection", number=found.order_number)
    return found
