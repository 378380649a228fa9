"""After-sales rules without a store: every complaint and refund transition (allowed and
forbidden), the return windows, bank details, proposed refund amounts, COD and audiences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from domain.aftersales import bank, lifecycle
from domain.aftersales.amounts import check_amount, proposed_refund
from domain.aftersales.cod import cod_offered
from domain.aftersales.models import (
    CUSTOMER_REASONS,
    SOLUTIONS_FOR,
    AftersalesEvent,
    BankDetails,
    ComplaintLine,
    ComplaintReason,
    ComplaintStatus,
    RefundStatus,
    Solution,
)
from domain.aftersales.timeline import AUDIENCE, EventKind, for_audience, sees
from domain.aftersales.windows import ReturnPolicy
from domain.errors import InvalidInput
from domain.ordering.timeline import Audience

C, R = ComplaintStatus, RefundStatus
T0 = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)

ALLOWED_COMPLAINT = {
    (C.OPEN, C.APPROVED), (C.OPEN, C.REJECTED), (C.OPEN, C.NEEDS_EVIDENCE),
    (C.NEEDS_EVIDENCE, C.OPEN), (C.NEEDS_EVIDENCE, C.APPROVED), (C.NEEDS_EVIDENCE, C.REJECTED),
    (C.APPROVED, C.RETURN_IN_TRANSIT), (C.APPROVED, C.INSPECTED), (C.APPROVED, C.RESOLVED),
    (C.RETURN_IN_TRANSIT, C.RETURN_IN_TRANSIT), (C.RETURN_IN_TRANSIT, C.INSPECTED),
    (C.INSPECTED, C.RESOLVED),
}
ALLOWED_REFUND = {
    (R.AWAITING_DETAILS, R.READY), (R.AWAITING_DETAILS, R.CANCELLED),
    (R.READY, R.READY), (R.READY, R.PAID), (R.READY, R.CANCELLED),
}


@pytest.mark.parametrize(("current", "wanted"), list(product(C, C)))
def test_every_complaint_transition(current: C, wanted: C) -> None:
    assert lifecycle.can_move(current, wanted) is ((current, wanted) in ALLOWED_COMPLAINT)


@pytest.mark.parametrize(("current", "wanted"), list(product(R, R)))
def test_every_refund_transition(current: R, wanted: R) -> None:
    assert lifecycle.can_move_refund(current, wanted) is ((current, wanted) in ALLOWED_REFUND)


def test_the_tables_cover_every_status_and_end_where_they_should() -> None:
    assert set(lifecycle.COMPLAINT_TRANSITIONS) == set(C)
    assert set(lifecycle.REFUND_TRANSITIONS) == set(R)
    terminal = {s for s, nxt in lifecycle.COMPLAINT_TRANSITIONS.items() if not nxt}
    assert terminal == {C.RESOLVED, C.REJECTED}
    assert {s for s, nxt in lifecycle.REFUND_TRANSITIONS.items() if not nxt} == {R.PAID,
                                                                                R.CANCELLED}


# ---------------------------------------------------------------- windows


def test_the_default_window_is_two_days_and_change_of_mind_is_off() -> None:
    policy = ReturnPolicy()
    assert policy.return_window == timedelta(hours=48)
    assert ComplaintReason.CHANGE_OF_MIND not in policy.reasons_open(T0, T0)
    assert set(policy.reasons_open(T0, T0 + timedelta(hours=48))) == set(CUSTOMER_REASONS) - {
        ComplaintReason.CHANGE_OF_MIND
    }
    assert policy.reasons_open(T0, T0 + timedelta(hours=48, seconds=1)) == []
    assert policy.reasons_open(None, T0) == [] and not policy.may_complain(None, T0)


@pytest.mark.parametrize(
    ("reason", "after", "code"),
    [
        (ComplaintReason.DAMAGED, timedelta(hours=47), None),
        (ComplaintReason.DAMAGED, timedelta(hours=49), "complaint_window_closed"),
        (ComplaintReason.CHANGE_OF_MIND, timedelta(hours=1), "complaint_reason_not_allowed"),
        (ComplaintReason.COD_REFUSED, timedelta(hours=1), "complaint_reason_not_allowed"),
    ],
)
def test_check_the_window(reason: ComplaintReason, after: timedelta, code: str | None) -> None:
    policy = ReturnPolicy()
    if code is None:
        assert policy.check(reason, T0, T0 + after) == T0 + timedelta(hours=48)
    else:
        with pytest.raises(InvalidInput) as err:
            policy.check(reason, T0, T0 + after)
        assert err.value.code == code


def test_change_of_mind_has_its_own_window_when_allowed() -> None:
    policy = ReturnPolicy(return_window=timedelta(hours=24), change_of_mind=True,
                          change_of_mind_window=timedelta(days=7))
    later = T0 + timedelta(days=3)
    assert policy.reasons_open(T0, later) == [ComplaintReason.CHANGE_OF_MIND]
    assert policy.check(ComplaintReason.CHANGE_OF_MIND, T0, later) == T0 + timedelta(days=7)
    with pytest.raises(InvalidInput):
        policy.check(ComplaintReason.CHANGE_OF_MIND, T0, T0 + timedelta(days=8))
    with pytest.raises(InvalidInput) as none:
        policy.check(ComplaintReason.DAMAGED, None, T0)
    assert none.value.code == "complaint_not_delivered"


def test_every_reason_has_solutions_and_change_of_mind_returns_goods() -> None:
    assert set(SOLUTIONS_FOR) == set(ComplaintReason)
    assert SOLUTIONS_FOR[ComplaintReason.CHANGE_OF_MIND] == (Solution.RETURN_REFUND,)
    assert Solution.MISSING_PART in SOLUTIONS_FOR[ComplaintReason.INCOMPLETE]
    customer = {s for r in CUSTOMER_REASONS for s in SOLUTIONS_FOR[r]}
    assert Solution.RETURN_TO_SENDER not in customer


# ---------------------------------------------------------------- bank details


@pytest.mark.parametrize(
    ("name", "number", "holder", "expected"),
    [
        ("bca", "123-456-7890", "Siti Rahayu", BankDetails("BCA", "1234567890", "Siti Rahayu")),
        ("Bank Mandiri", "123 0000 1234 56", "Budi", BankDetails("Mandiri", "1230000123456",
                                                                   "Budi")),
        ("BRI", "0123.0100.1234.567", "A. Yani", BankDetails("BRI", "012301001234567",
                                                              "A. Yani")),
        ("gopay", "+62 812-3456-7890", "Dewi", BankDetails("GoPay", "081234567890", "Dewi")),
        ("DANA", "6281234567890", "Dewi", BankDetails("DANA", "081234567890", "Dewi")),
        ("BPR Lestari", "00112233", "Made Wirawan",
         BankDetails("BPR Lestari", "00112233", "Made Wirawan")),
    ],
)
def test_good_bank_details(name: str, number: str, holder: str, expected: BankDetails) -> None:
    assert bank.validate(name, number, holder) == expected


@pytest.mark.parametrize(
    ("name", "number", "holder", "code"),
    [
        ("BCA", "12345", "Siti", "account_number_length"),  # BCA: 10 digits
        ("BRI", "1234567890", "Siti", "account_number_length"),  # BRI: 15
        ("BCA", "12345abcde", "Siti", "account_number_invalid"),
        ("Bank Kecil", "123", "Siti", "account_number_invalid"),  # generic: 6–20
        ("Bank Kecil", "1" * 21, "Siti", "account_number_invalid"),
        ("OVO", "1234567890", "Siti", "wallet_number_invalid"),
        ("", "1234567890", "Siti", "bank_name_invalid"),
        ("<script>", "1234567890", "Siti", "bank_name_invalid"),
        ("BCA", "1234567890", "", "account_holder_invalid"),
        ("BCA", "1234567890", "S1t1 <b>", "account_holder_invalid"),
    ],
)
def test_bad_bank_details(name: str, number: str, holder: str, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        bank.validate(name, number, holder)
    assert err.value.code == code


def test_a_masked_number_shows_the_last_four() -> None:
    assert BankDetails("BCA", "1234567890", "Siti").masked_number == "••••••7890"


# ---------------------------------------------------------------- amounts


LINES = (ComplaintLine("KOPI", "Kopi", 85_000, 2), ComplaintLine("TEH", "Teh", 18_000, 1))


@pytest.mark.parametrize(
    ("reason", "before", "expected"),
    [
        (ComplaintReason.DAMAGED, 0, 188_000 + 15_000),  # the shop's fault: shipping too
        (ComplaintReason.WRONG_ITEM, 0, 203_000),
        (ComplaintReason.NOT_RECEIVED, 0, 203_000),
        (ComplaintReason.CHANGE_OF_MIND, 0, 188_000),  # the buyer's choice: no shipping
        (ComplaintReason.DAMAGED, 100_000, 103_000),  # never more than is left to refund
        (ComplaintReason.DAMAGED, 203_000, 0),
    ],
)
def test_proposed_refund(reason: ComplaintReason, before: int, expected: int) -> None:
    assert proposed_refund(LINES, reason, 15_000, 203_000, before) == expected


def test_an_edited_amount_stays_within_the_order() -> None:
    assert check_amount(50_000, 203_000) == 50_000
    assert check_amount(0, 203_000) == 0
    for amount, before, code in ((203_001, 0, "refund_amount_too_large"),
                                 (100_000, 150_000, "refund_amount_too_large"),
                                 (-1, 0, "refund_amount_invalid")):
        with pytest.raises(InvalidInput) as err:
            check_amount(amount, 203_000, before)
        assert err.value.code == code


# ---------------------------------------------------------------- COD and audiences


@pytest.mark.parametrize(
    ("refusals", "limit", "offered"),
    [(0, None, True), (5, None, True), (5, 0, True), (1, 2, True), (2, 2, False), (3, 2, False)],
)
def test_cod_offered(refusals: int, limit: int | None, offered: bool) -> None:
    assert cod_offered(refusals, limit) is offered


def test_every_event_kind_has_one_audience_and_staff_notes_stay_internal() -> None:
    assert set(AUDIENCE) == set(EventKind)
    for kind in (EventKind.STAFF_NOTE, EventKind.SHOP_COST, EventKind.COD_REFUSAL):
        assert not sees(Audience.CUSTOMER, kind) and sees(Audience.STAFF, kind)
    assert sees(Audience.CUSTOMER, EventKind.REASON)
    assert not sees(Audience.CUSTOMER, "something_new")  # unknown: staff only
    events = [
        AftersalesEvent(T0, 1, "Sari", k, None, None, "x") for k in ("staff_note", "complaint")
    ]
    assert [e.kind for e in for_audience(events, Audience.CUSTOMER)] == ["complaint"]
    assert len(for_audience(events, Audience.STAFF)) == 2
