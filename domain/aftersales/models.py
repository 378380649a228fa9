"""After-sales models: complaint reasons and solutions, complaint and refund statuses, and the
read models the services return. Money is integer rupiah; times are aware UTC datetimes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ComplaintReason(StrEnum):
    NOT_RECEIVED = "not_received"
    INCOMPLETE = "incomplete"  # incomplete or empty parcel
    WRONG_ITEM = "wrong_item"
    DAMAGED = "damaged"  # damaged or defective
    NOT_AS_DESCRIBED = "not_as_described"
    CHANGE_OF_MIND = "change_of_mind"  # only when the shop allows it
    COD_REFUSED = "cod_refused"  # staff's return-to-sender record, never the customer's choice


# Reasons a customer may pick (COD_REFUSED is staff's).
CUSTOMER_REASONS: tuple[ComplaintReason, ...] = tuple(
    r for r in ComplaintReason if r is not ComplaintReason.COD_REFUSED
)
# The shop's fault: the refund proposed includes the shipping fee.
SHOP_FAULT: frozenset[ComplaintReason] = frozenset(
    {
        ComplaintReason.NOT_RECEIVED,
        ComplaintReason.INCOMPLETE,
        ComplaintReason.WRONG_ITEM,
        ComplaintReason.DAMAGED,
        ComplaintReason.NOT_AS_DESCRIBED,
    }
)


class Solution(StrEnum):
    REFUND_ONLY = "refund_only"
    RETURN_REFUND = "return_refund"
    REPLACEMENT = "replacement"
    MISSING_PART = "missing_part"
    RETURN_TO_SENDER = "return_to_sender"  # a refused COD parcel: nothing owed


CUSTOMER_SOLUTIONS: tuple[Solution, ...] = (
    Solution.REFUND_ONLY,
    Solution.RETURN_REFUND,
    Solution.REPLACEMENT,
    Solution.MISSING_PART,
)
# The goods come back and are inspected per line.
RETURN_EXPECTED: frozenset[Solution] = frozenset(
    {Solution.RETURN_REFUND, Solution.REPLACEMENT, Solution.RETURN_TO_SENDER}
)
# Money goes back to the customer.
REFUNDED: frozenset[Solution] = frozenset({Solution.REFUND_ONLY, Solution.RETURN_REFUND})
# A follow-up parcel goes out.
SHIPS_AGAIN: frozenset[Solution] = frozenset({Solution.REPLACEMENT, Solution.MISSING_PART})


class ComplaintStatus(StrEnum):
    OPEN = "open"  # waiting for staff
    NEEDS_EVIDENCE = "needs_evidence"  # staff asked the customer for more
    APPROVED = "approved"  # a solution chosen; a return, refund or parcel follows
    RETURN_IN_TRANSIT = "return_in_transit"  # the goods are on their way back
    INSPECTED = "inspected"  # every returned unit judged resellable or damaged
    RESOLVED = "resolved"
    REJECTED = "rejected"


class RefundStatus(StrEnum):
    AWAITING_DETAILS = "awaiting_details"  # due; the customer's bank details are missing
    READY = "ready"  # details given: staff may transfer
    PAID = "paid"  # transferred, proof kept, credit note issued
    CANCELLED = "cancelled"


class EvidenceKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"


class ShipmentStatus(StrEnum):
    RESERVED = "reserved"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """A line the customer claims: `quantity` of the order line `sku`."""

    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class ComplaintLine:
    sku: str
    name: str
    unit_price: int
    quantity: int
    resellable: int = 0
    damaged: int = 0

    @property
    def uninspected(self) -> int:
        return self.quantity - self.resellable - self.damaged

    @property
    def amount(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class Evidence:
    id: int
    file_id: str
    file_unique_id: str
    kind: EvidenceKind
    added_at: datetime


@dataclass(frozen=True, slots=True)
class AftersalesEvent:
    at: datetime
    actor_id: int | None
    actor_name: str
    kind: str  # an EventKind of domain/aftersales/timeline.py
    from_status: str | None
    to_status: str | None
    note: str | None
    complaint_id: int | None = None
    refund_id: int | None = None


@dataclass(frozen=True, slots=True)
class Complaint:
    id: int
    order_id: int
    order_number: str
    user_id: int
    reason: ComplaintReason
    solution_wanted: Solution
    solution: Solution | None
    status: ComplaintStatus
    description: str | None
    staff_reason: str | None
    delivered_at: datetime | None
    window_ends_at: datetime | None
    return_courier: str | None
    return_tracking: str | None
    return_shipped_at: datetime | None
    card_message_id: int | None
    created_at: datetime
    status_changed_at: datetime
    closed_at: datetime | None
    lines: tuple[ComplaintLine, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status not in (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED)

    @property
    def uninspected(self) -> int:
        return sum(x.uninspected for x in self.lines)

    @property
    def expects_return(self) -> bool:
        """The goods come back for inspection (a parcel never received has nothing to send)."""
        return self.solution in RETURN_EXPECTED and self.reason is not ComplaintReason.NOT_RECEIVED


@dataclass(frozen=True, slots=True)
class BankDetails:
    bank_name: str
    account_number: str
    account_holder: str

    @property
    def masked_number(self) -> str:
        """For messages and events: only the last 4 digits."""
        return "•" * max(len(self.account_number) - 4, 0) + self.account_number[-4:]


@dataclass(frozen=True, slots=True)
class Refund:
    id: int
    order_id: int
    order_number: str
    complaint_id: int | None
    user_id: int
    amount_proposed: int
    amount: int
    status: RefundStatus
    bank: BankDetails | None
    proof_file_id: str | None
    paid_by_name: str | None
    paid_at: datetime | None
    credit_note_number: str | None
    created_at: datetime
    status_changed_at: datetime


@dataclass(frozen=True, slots=True)
class FollowUpShipment:
    id: int
    order_id: int
    complaint_id: int
    status: ShipmentStatus
    courier: str | None
    tracking_number: str | None
    created_at: datetime
    shipped_at: datetime | None


@dataclass(frozen=True, slots=True)
class ComplaintView:
    """A complaint with everything about it, its timeline filtered for one audience."""

    complaint: Complaint
    evidence: tuple[Evidence, ...]
    events: tuple[AftersalesEvent, ...]
    refund: Refund | None = None
    shipment: FollowUpShipment | None = None
    extra: dict[str, object] = field(default_factory=dict)


# What a customer may ask for, and staff may approve, for each reason.
SOLUTIONS_FOR: dict[ComplaintReason, tuple[Solution, ...]] = {
    ComplaintReason.NOT_RECEIVED: (Solution.REFUND_ONLY, Solution.REPLACEMENT),
    ComplaintReason.INCOMPLETE: (Solution.MISSING_PART, Solution.REFUND_ONLY),
    ComplaintReason.WRONG_ITEM: (
        Solution.REPLACEMENT, Solution.RETURN_REFUND, Solution.REFUND_ONLY,
    ),
    ComplaintReason.DAMAGED: (Solution.REFUND_ONLY, Solution.RETURN_REFUND, Solution.REPLACEMENT),
    ComplaintReason.NOT_AS_DESCRIBED: (
        Solution.RETURN_REFUND, Solution.REFUND_ONLY, Solution.REPLACEMENT,
    ),
    ComplaintReason.CHANGE_OF_MIND: (Solution.RETURN_REFUND,),
    ComplaintReason.COD_REFUSED: (Solution.RETURN_TO_SENDER,),
}
# Nothing to photograph when the parcel never came: evidence optional only then.
EVIDENCE_OPTIONAL: frozenset[ComplaintReason] = frozenset({ComplaintReason.NOT_RECEIVED})
MAX_EVIDENCE = 10  # per complaint


@dataclass(frozen=True, slots=True)
class NewEvidence:
    """A photo or video as the customer sent it (Telegram ids)."""

    file_id: str
    file_unique_id: str
    kind: EvidenceKind
