"""Helpers for the staff workflow tests: an OrderDesk on a store, orders at a stage."""

from __future__ import annotations

from typing import Any

from domain.actors import Actor
from domain.fulfilment.couriers import DEFAULT_COURIERS, CourierBook
from domain.fulfilment.desk import InvoiceAt, OrderDesk, Policy
from domain.fulfilment.invoices import Issuer
from domain.models import Order, PaymentMethod
from domain.ordering.orders import submit_payment_proof
from domain.store import Store
from tests.integration.test_checkout import buy

SARI = Actor(501, "Sari")
DEWI = Actor(502, "Dewi")
ISSUER = Issuer(
    shop_name="Toko Kopi Nusantara",
    shop_address="Jl. Kemang Raya No. 10, Jakarta Selatan",
    tax_id="01.234.567.8-012.000",
    bank_name="BCA",
    bank_number="1234567890",
    bank_holder="Toko Kopi",
    timezone="Asia/Jakarta",
)


def flow(store: Store, invoice_at: InvoiceAt = "shipment") -> OrderDesk:
    return OrderDesk(store, Policy(CourierBook(DEFAULT_COURIERS), invoice_at, ISSUER))


async def placed(
    store: Store,
    user_id: int = 1001,
    items: dict[str, int] | None = None,
    *,
    receipt: bool = True,
    method: PaymentMethod = PaymentMethod.TRANSFER,
    **kwargs: Any,
) -> Order:
    """A placed order (2 × KOPI-GAYO by default), its transfer receipt sent unless told not."""
    order = await buy(store, user_id, items or {"KOPI-GAYO": 2}, method=method, **kwargs)
    if receipt and method == PaymentMethod.TRANSFER:
        order = await submit_payment_proof(store, user_id, f"photo-{order.number}", "Budi")
    return order


async def shipped(store: Store, f: OrderDesk, order: Order, resi: str) -> Order:
    await f.verify(order.number, SARI)
    await f.pack(order.number, DEWI)
    return (await f.ship(order.number, DEWI, "jnt", resi)).order


async def outbox_kinds(store: Store, order_id: int) -> list[tuple[str, str]]:
    rows = await store.fetchall(
        "SELECT audience, kind FROM outbox WHERE order_id = ? ORDER BY id", (order_id,)
    )
    return [(r["audience"], r["kind"]) for r in rows]
