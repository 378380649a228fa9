"""Helpers for the after-sales tests: a delivered order, a complaint on it."""

from __future__ import annotations

from domain.aftersales import complaints
from domain.aftersales.models import (
    ClaimLine,
    Complaint,
    ComplaintReason,
    EvidenceKind,
    NewEvidence,
    Solution,
)
from domain.aftersales.windows import ReturnPolicy
from domain.models import Order, PaymentMethod
from domain.store import Store
from tests.integration.staff_support import DEWI, flow, placed, shipped

POLICY = ReturnPolicy()
PHOTO = NewEvidence("file-photo-1", "uniq-photo-1", EvidenceKind.PHOTO)
VIDEO = NewEvidence("file-video-1", "uniq-video-1", EvidenceKind.VIDEO)


async def delivered(
    store: Store,
    user_id: int = 1001,
    items: dict[str, int] | None = None,
    method: PaymentMethod = PaymentMethod.TRANSFER,
    resi: str | None = None,
) -> Order:
    f = flow(store)
    order = await placed(store, user_id, items, method=method)
    await shipped(store, f, order, resi or f"JP{user_id:010d}")
    return (await f.deliver(order.number, DEWI)).order


async def complain(
    store: Store,
    order: Order,
    reason: ComplaintReason = ComplaintReason.DAMAGED,
    solution: Solution = Solution.RETURN_REFUND,
    lines: dict[str, int] | None = None,
    policy: ReturnPolicy = POLICY,
) -> Complaint:
    claim = [ClaimLine(sku, q) for sku, q in (lines or {"KOPI-GAYO": 2}).items()]
    return await complaints.open_complaint(
        store, policy, order.user_id, "Siti", order.number, reason, solution, claim, [PHOTO]
    )


async def stock_row(store: Store, sku: str) -> tuple[int, int]:
    row = await store.fetchone("SELECT stock, reserved FROM products WHERE sku = ?", (sku,))
    assert row is not None
    return row["stock"], row["reserved"]


async def movements(store: Store, sku: str) -> list[tuple[str, int, int | None]]:
    rows = await store.fetchall(
        "SELECT reason, delta, quantity FROM stock_movements WHERE sku = ? ORDER BY id", (sku,)
    )
    return [(r["reason"], r["delta"], r["quantity"]) for r in rows]


async def kinds(store: Store, order_id: int, audience: str) -> list[str]:
    rows = await store.fetchall(
        "SELECT kind FROM outbox WHERE order_id = ? AND audience = ? ORDER BY id",
        (order_id, audience),
    )
    return [r["kind"] for r in rows]
