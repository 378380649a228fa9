"""What a refund proposes: the claimed lines, plus the shipping fee when the shop was at fault,
never more than the order's total minus what was refunded on it already."""

from __future__ import annotations

from collections.abc import Iterable

from domain.aftersales.models import SHOP_FAULT, ComplaintLine, ComplaintReason
from domain.errors import InvalidInput
from domain.validation import MAX_PRICE


def proposed_refund(
    lines: Iterable[ComplaintLine],
    reason: ComplaintReason,
    shipping_fee: int,
    order_total: int,
    refunded_before: int = 0,
) -> int:
    amount = sum(x.unit_price * x.quantity for x in lines)
    if reason in SHOP_FAULT:
        amount += shipping_fee
    return max(0, min(amount, order_total - refunded_before))


def check_amount(amount: int, order_total: int, refunded_before: int = 0) -> int:
    """An edited amount: a whole rupiah figure, not above what the order may still refund."""
    ceiling = max(order_total - refunded_before, 0)
    if amount < 0 or amount > MAX_PRICE:
        raise InvalidInput("refund_amount_invalid", max=ceiling)
    if amount > ceiling:
        raise InvalidInput("refund_amount_too_large", max=ceiling)
    return amount
