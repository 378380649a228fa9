"""The lifecycle tables, checked against the rules written out here by hand.

The expected tables are spelled out literally, not derived from domain.ordering.lifecycle, so a
change to the table in the code shows up here as a failing pair.
"""

from __future__ import annotations

import itertools

import pytest

from domain.models import PaymentStatus, Status
from domain.ordering import lifecycle

P, V, K, S, D, C, R = (
    Status.PLACED,
    Status.VERIFIED,
    Status.PACKED,
    Status.SHIPPED,
    Status.DELIVERED,
    Status.CANCELLED,
    Status.REJECTED,
)

# placed → verified → packed → shipped → delivered; cancel until shipped; reject only unverified.
ALLOWED: frozenset[tuple[Status, Status]] = frozenset(
    {
        (P, V),
        (P, R),
        (P, C),
        (V, K),
        (V, C),
        (K, S),
        (K, C),
        (S, D),
    }
)

UNPAID, PROOF, PAID, REFUNDED = (
    PaymentStatus.UNPAID,
    PaymentStatus.PROOF_SUBMITTED,
    PaymentStatus.PAID,
    PaymentStatus.REFUNDED,
)
PAYMENT_ALLOWED: frozenset[tuple[PaymentStatus, PaymentStatus]] = frozenset(
    {
        (UNPAID, PROOF),
        (UNPAID, PAID),  # COD collected, or staff saw the transfer without a receipt
        (PROOF, PROOF),  # a clearer receipt replaces the first
        (PROOF, PAID),
        (PROOF, UNPAID),  # receipt refused
        (PAID, REFUNDED),
    }
)

ALL_PAIRS = list(itertools.product(Status, Status))
ALL_PAYMENT_PAIRS = list(itertools.product(PaymentStatus, PaymentStatus))


def _id(pair: tuple[str, str]) -> str:
    return f"{pair[0]}->{pair[1]}"


def test_statuses_are_the_ones_the_issue_names() -> None:
    assert {s.value for s in Status} == {
        "placed",
        "verified",
        "packed",
        "shipped",
        "delivered",
        "cancelled",
        "rejected",
    }
    assert {s.value for s in PaymentStatus} == {"unpaid", "proof_submitted", "paid", "refunded"}


def test_table_has_a_row_for_every_status() -> None:
    assert set(lifecycle.TRANSITIONS) == set(Status)
    assert set(lifecycle.PAYMENT_TRANSITIONS) == set(PaymentStatus)


@pytest.mark.parametrize("pair", ALL_PAIRS, ids=[_id(p) for p in ALL_PAIRS])
def test_fulfilment_transition(pair: tuple[Status, Status]) -> None:
    current, wanted = pair
    expected = pair in ALLOWED
    assert lifecycle.can_transition(current, wanted) is expected
    assert (wanted in lifecycle.next_statuses(current)) is expected


def test_the_allowed_set_is_exactly_the_table() -> None:
    in_code = {(a, b) for a, nexts in lifecycle.TRANSITIONS.items() for b in nexts}
    assert in_code == ALLOWED
    assert len(ALL_PAIRS) - len(ALLOWED) == 41  # forbidden pairs tested above


@pytest.mark.parametrize("pair", ALL_PAYMENT_PAIRS, ids=[_id(p) for p in ALL_PAYMENT_PAIRS])
def test_payment_transition(pair: tuple[PaymentStatus, PaymentStatus]) -> None:
    current, wanted = pair
    assert lifecycle.can_change_payment(current, wanted) is (pair in PAYMENT_ALLOWED)


def test_no_fulfilment_status_follows_itself() -> None:
    assert not any(lifecycle.can_transition(s, s) for s in Status)


def test_terminal_statuses() -> None:
    assert {D, C, R} == lifecycle.TERMINAL
    for status in lifecycle.TERMINAL:
        assert lifecycle.next_statuses(status) == frozenset()


def test_every_status_is_reachable_from_placed() -> None:
    seen, todo = {P}, [P]
    while todo:
        for nxt in lifecycle.next_statuses(todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == set(Status)


def test_customer_may_cancel_until_packed() -> None:
    assert {P, V} == lifecycle.CUSTOMER_CANCELLABLE
    for status in Status:
        may = status in lifecycle.CUSTOMER_CANCELLABLE
        # Whatever the customer may do, the table allows too.
        assert not may or lifecycle.can_transition(status, C)
    assert K not in lifecycle.CUSTOMER_CANCELLABLE  # packed: only staff may still cancel
    assert lifecycle.can_transition(K, C)


def test_statuses_holding_stock() -> None:
    assert {P, V, K} == lifecycle.HOLDS_RESERVATION
    # Once shipped the stock has left the shelf, so there is nothing left to release.
    assert not lifecycle.can_transition(S, C)
    assert not lifecycle.can_transition(S, R)


def test_refunded_is_final_and_refund_needs_payment() -> None:
    assert lifecycle.PAYMENT_TRANSITIONS[REFUNDED] == frozenset()
    assert [p for p in PaymentStatus if lifecycle.can_change_payment(p, REFUNDED)] == [PAID]
