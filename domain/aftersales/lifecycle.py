"""Complaint and refund lifecycles as data: which status may follow which."""

from __future__ import annotations

from domain.aftersales.models import ComplaintStatus as C
from domain.aftersales.models import RefundStatus as R

COMPLAINT_TRANSITIONS: dict[C, frozenset[C]] = {
    C.OPEN: frozenset({C.APPROVED, C.REJECTED, C.NEEDS_EVIDENCE}),
    # More evidence reopens it; staff may also decide without waiting.
    C.NEEDS_EVIDENCE: frozenset({C.OPEN, C.APPROVED, C.REJECTED}),
    # A return on its way; or resolved directly (refund paid, part shipped).
    C.APPROVED: frozenset({C.RETURN_IN_TRANSIT, C.INSPECTED, C.RESOLVED}),
    C.RETURN_IN_TRANSIT: frozenset({C.RETURN_IN_TRANSIT, C.INSPECTED}),  # tracking corrected
    C.INSPECTED: frozenset({C.RESOLVED}),
    C.RESOLVED: frozenset(),
    C.REJECTED: frozenset(),
}

REFUND_TRANSITIONS: dict[R, frozenset[R]] = {
    R.AWAITING_DETAILS: frozenset({R.READY, R.CANCELLED}),
    R.READY: frozenset({R.READY, R.PAID, R.CANCELLED}),  # details given again: still ready
    R.PAID: frozenset(),
    R.CANCELLED: frozenset(),
}

# The customer may add evidence while staff have not decided.
EVIDENCE_OPEN: frozenset[C] = frozenset({C.OPEN, C.NEEDS_EVIDENCE})
# Staff may decide (approve, reject, ask for more).
UNDECIDED: frozenset[C] = frozenset({C.OPEN, C.NEEDS_EVIDENCE})
# The refund's amount may still be edited and bank details given.
REFUND_EDITABLE: frozenset[R] = frozenset({R.AWAITING_DETAILS, R.READY})


def can_move(current: C, wanted: C) -> bool:
    return wanted in COMPLAINT_TRANSITIONS[current]


def can_move_refund(current: R, wanted: R) -> bool:
    return wanted in REFUND_TRANSITIONS[current]
