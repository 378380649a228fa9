"""What an interrupted press is read as (handlers/interrupted): every kind of button is the
customer's or the staff's, and the kinds a view is re-read from carry what names it."""

from __future__ import annotations

import dataclasses

from handlers import callbacks as cb
from handlers.interrupted import customer, staff


def fields(kind: type[cb.Callback]) -> set[str]:
    return {f.name for f in dataclasses.fields(kind)}  # type: ignore[arg-type]


def test_every_button_is_the_customers_or_the_staffs() -> None:
    staff_kinds = {c for c in cb.ALL if c.prefix in customer.STAFF_PREFIXES}
    assert set(customer.CUSTOMER_KINDS) | staff_kinds == set(cb.ALL)
    assert not set(customer.CUSTOMER_KINDS) & staff_kinds
    assert set(staff.ORDER_KINDS) <= staff_kinds


def test_the_kinds_an_order_is_re_read_from_carry_its_number() -> None:
    for kind in (*staff.ORDER_KINDS, *customer.ORDER_KINDS):
        assert "number" in fields(kind), kind.__name__


def test_the_customer_groups_are_customer_kinds_and_do_not_overlap() -> None:
    groups = [
        customer.CHECKOUT_KINDS, customer.COMPLAINT_KINDS, customer.REFUND_KINDS,
        customer.ORDER_KINDS, customer.CART_KINDS,
    ]
    every = [k for g in groups for k in g]
    assert len(every) == len(set(every))
    assert set(every) <= set(customer.CUSTOMER_KINDS)


def test_malformed_data_is_no_kind_at_all() -> None:
    for data in ("st:v:zz!!", "st:v:", "st:zz:K7Q3MX", "o:view:<b>", "x" * 80, "st:v:K7Q3MX:1"):
        for kinds in (staff.ORDER_KINDS, customer.CUSTOMER_KINDS):
            try:
                cb.unpack(data, *kinds)
            except cb.BadCallback:
                continue
            raise AssertionError(f"{data!r} parsed")
