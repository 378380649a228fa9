"""After-sales reads: a complaint and its view for one audience, `/returns` lists, what waits
for a nudge or the digest. All on the read connection."""

from __future__ import annotations

from datetime import timedelta

from domain.aftersales.models import (
    AftersalesEvent,
    Complaint,
    ComplaintStatus,
    ComplaintView,
    FollowUpShipment,
    Refund,
    RefundStatus,
)
from domain.aftersales.records import (
    complaint_from_row,
    event_from_row,
    evidence_from_row,
    load_complaint,
    refund_from_row,
    refund_of_complaint,
    shipment_from_row,
    shipment_of_complaint,
)
from domain.aftersales.timeline import for_audience
from domain.errors import InvalidInput
from domain.fulfilment.couriers import normalize_tracking
from domain.models import Order
from domain.ordering.timeline import Audience
from domain.store import Store
from domain.store import complaints as complaint_rows
from domain.store import refunds as refund_rows

OPEN_STATUSES: tuple[ComplaintStatus, ...] = (
    ComplaintStatus.OPEN,
    ComplaintStatus.NEEDS_EVIDENCE,
    ComplaintStatus.APPROVED,
    ComplaintStatus.RETURN_IN_TRANSIT,
    ComplaintStatus.INSPECTED,
)
STAFF_NUDGE_AFTER = timedelta(hours=24)  # a complaint waiting for staff
REFUND_DIGEST_AFTER = timedelta(hours=48)  # a refund due, in the daily digest
CUSTOMER_REMINDER_AFTER = timedelta(hours=24)  # a return shipment or bank details owed
LIST_LIMIT = 30


def parse_status(raw: str | None) -> ComplaintStatus | None:
    """`/returns [status]`: a status by value (any case); None without one;
    InvalidInput `complaint_status_unknown` (with the statuses) otherwise."""
    text = (raw or "").strip().lower()
    if not text:
        return None
    try:
        return ComplaintStatus(text)
    except ValueError:
        raise InvalidInput(
            "complaint_status_unknown", statuses=", ".join(s.value for s in ComplaintStatus)
        ) from None


async def complaint(store: Store, complaint_id: int) -> Complaint:
    """Raises NotFound."""
    return await load_complaint(store.reader, complaint_id)


async def complaint_for_order(store: Store, order_id: int) -> Complaint | None:
    """The order's open complaint, else its newest, else None (`/return <no>`, `/orders`)."""
    row = await complaint_rows.latest_for_order(store.reader, order_id)
    if row is None:
        return None
    return complaint_from_row(row, await complaint_rows.lines(store.reader, row["id"]))


async def complaint_view(store: Store, complaint_id: int, audience: Audience) -> ComplaintView:
    """The complaint with its evidence, refund, follow-up parcel and the order's after-sales
    timeline as `audience` may read it (staff notes and costs never reach a customer)."""
    db = store.reader
    found = await load_complaint(db, complaint_id)
    events = [
        event_from_row(r) for r in await complaint_rows.events_of_order(db, found.order_id)
    ]
    return ComplaintView(
        complaint=found,
        evidence=tuple(evidence_from_row(r) for r in await complaint_rows.evidence(db, found.id)),
        events=for_audience((e for e in events if e.complaint_id == found.id), audience),
        refund=await refund_of_complaint(db, found.id),
        shipment=await shipment_of_complaint(db, found.id),
    )


async def order_timeline(
    store: Store, order_id: int, audience: Audience
) -> tuple[AftersalesEvent, ...]:
    """Every after-sales entry of the order as `audience` may read it, oldest first (for
    `/order` and the customer's `/orders`, beside the order's own events)."""
    rows = await complaint_rows.events_of_order(store.reader, order_id)
    return for_audience((event_from_row(r) for r in rows), audience)


async def refunds_of_order(store: Store, order_id: int) -> list[Refund]:
    return [refund_from_row(r) for r in await refund_rows.of_order(store.reader, order_id)]


async def returns(
    store: Store, status: ComplaintStatus | None = None, limit: int = LIST_LIMIT
) -> list[Complaint]:
    """`/returns [status]`: complaints in `status` (default: every open one), the longest
    waiting first."""
    statuses = (status,) if status is not None else OPEN_STATUSES
    rows = await complaint_rows.by_status(store.reader, statuses, limit)
    return [complaint_from_row(r, await complaint_rows.lines(store.reader, r["id"])) for r in rows]


# ---------------------------------------------------------------- the customer's own


async def open_complaints_of(store: Store, user_id: int) -> list[Complaint]:
    """The customer's open complaints, the newest first (what a photo, video or tracking
    number they send in chat may be for)."""
    rows = await complaint_rows.open_of_customer(store.reader, user_id)
    return [complaint_from_row(r, await complaint_rows.lines(store.reader, r["id"])) for r in rows]


async def claimable(store: Store, order: Order) -> dict[str, int]:
    """Units of each order line a new complaint may still claim (ordered, less what earlier
    not-rejected complaints claimed): what the customer's line picker offers."""
    before = await complaint_rows.claimed_before(store.reader, order.id)
    return {x.sku: max(x.quantity - before.get(x.sku, 0), 0) for x in order.lines}


async def open_refunds_of(store: Store, user_id: int) -> list[Refund]:
    """The customer's refunds still to pay, the newest first (what bank details are for)."""
    return [refund_from_row(r) for r in await refund_rows.open_of_customer(store.reader, user_id)]


async def follow_up_by_tracking(
    store: Store, user_id: int, tracking: str
) -> FollowUpShipment | None:
    """`/track <resi>` for a follow-up parcel of the customer's (normalised like orders')."""
    row = await complaint_rows.shipment_by_tracking(
        store.reader, user_id, normalize_tracking(tracking)
    )
    return shipment_from_row(row) if row else None


# ---------------------------------------------------------------- what waits


async def waiting_for_staff(
    store: Store, older_than: timedelta = STAFF_NUDGE_AFTER, limit: int = LIST_LIMIT
) -> list[Complaint]:
    """Complaints waiting for a staff decision (open) for longer than `older_than`."""
    before = store.now() - older_than
    rows = await complaint_rows.waiting_since(
        store.reader, (ComplaintStatus.OPEN,), before, limit
    )
    return [complaint_from_row(r, []) for r in rows]


async def owing_return_shipment(
    store: Store, older_than: timedelta = CUSTOMER_REMINDER_AFTER, limit: int = LIST_LIMIT
) -> list[Complaint]:
    """Approved complaints whose goods should come back but no return tracking was given,
    for longer than `older_than` (a reminder to the customer)."""
    before = store.now() - older_than
    rows = await complaint_rows.waiting_since(
        store.reader, (ComplaintStatus.APPROVED,), before, limit
    )
    found = [complaint_from_row(r, []) for r in rows]
    return [c for c in found if c.expects_return and c.return_tracking is None]


async def refunds_waiting(
    store: Store,
    statuses: tuple[RefundStatus, ...],
    older_than: timedelta,
    limit: int = LIST_LIMIT,
) -> list[Refund]:
    before = store.now() - older_than
    rows = await refund_rows.by_status(store.reader, [str(s) for s in statuses], before, limit)
    return [refund_from_row(r) for r in rows]


async def owing_bank_details(
    store: Store, older_than: timedelta = CUSTOMER_REMINDER_AFTER, limit: int = LIST_LIMIT
) -> list[Refund]:
    """Refunds waiting for the customer's bank details (a reminder to the customer)."""
    return await refunds_waiting(store, (RefundStatus.AWAITING_DETAILS,), older_than, limit)


async def refunds_overdue(
    store: Store, older_than: timedelta = REFUND_DIGEST_AFTER, limit: int = LIST_LIMIT
) -> list[Refund]:
    """Refunds due (details or not) for longer than `older_than`: the daily digest's list."""
    return await refunds_waiting(
        store, (RefundStatus.AWAITING_DETAILS, RefundStatus.READY), older_than, limit
    )
