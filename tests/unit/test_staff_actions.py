"""Which staff actions a card offers in each status: exactly those the lifecycle allows."""

from __future__ import annotations

import pytest

from domain.models import Status
from domain.ordering import lifecycle
from domain.ordering.staff_actions import INVOICEABLE, TARGET, Action, allowed_actions

EXPECTED = {
    Status.PLACED: (Action.VERIFY, Action.REJECT, Action.CANCEL, Action.NOTE),
    Status.VERIFIED: (Action.PACK, Action.INVOICE, Action.CANCEL, Action.NOTE),
    Status.PACKED: (Action.SHIP, Action.INVOICE, Action.CANCEL, Action.NOTE),
    Status.SHIPPED: (Action.DELIVER, Action.INVOICE, Action.NOTE),
    Status.DELIVERED: (Action.INVOICE, Action.NOTE),
    Status.CANCELLED: (Action.NOTE,),
    Status.REJECTED: (Action.NOTE,),
}


@pytest.mark.parametrize("status", list(Status))
def test_actions_per_status(status: Status) -> None:
    assert allowed_actions(status) == EXPECTED[status]


@pytest.mark.parametrize("status", list(Status))
def test_every_offered_transition_is_one_the_lifecycle_allows(status: Status) -> None:
    offered = {TARGET[a] for a in allowed_actions(status) if a in TARGET}
    assert offered == set(lifecycle.next_statuses(status))


def test_no_invoice_before_verification_or_after_refusal() -> None:
    assert Status.PLACED not in INVOICEABLE
    assert Status.CANCELLED not in INVOICEABLE
    assert Status.REJECTED not in INVOICEABLE


def test_customers_cannot_cancel_a_packed_order_but_staff_can() -> None:
    assert Status.PACKED not in lifecycle.CUSTOMER_CANCELLABLE
    assert Action.CANCEL in allowed_actions(Status.PACKED)
    assert Action.CANCEL not in allowed_actions(Status.SHIPPED)
