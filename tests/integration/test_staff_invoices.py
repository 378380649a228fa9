"""Invoices on the real store: gap-free monthly numbers under concurrency (several Store
objects on one file), no gap on rollback, the issue stage setting, identical re-sends."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.clock import FrozenClock
from domain.errors import DomainError, InvalidInput
from domain.fulfilment.invoices import allocate_number, invoice_for_order
from domain.models import Status
from domain.store import Store
from tests.conftest import seed_catalog
from tests.integration.staff_support import DEWI, SARI, flow, outbox_kinds, placed, shipped

ORDERS = 100
STORES = 4


async def test_100_concurrent_invoices_from_4_processes_are_numbered_without_gaps(
    db_location: Path | str, clock: FrozenClock
) -> None:
    path = db_location
    stores = [await Store(path, clock).open() for _ in range(STORES)]
    try:
        await seed_catalog(
            stores[0], "sku,name,category,price,stock\nKOPI-GAYO,Kopi,K,85000,1000\n"
        )
        numbers = []
        for i in range(ORDERS):
            order = await placed(stores[0], 2000 + i, {"KOPI-GAYO": 1})
            await flow(stores[0]).verify(order.number, SARI)
            numbers.append(order.number)
        # A few doomed attempts mixed in: an order that may not be invoiced takes no number.
        doomed = [(await placed(stores[0], 3000 + i, {"KOPI-GAYO": 1})).number for i in range(5)]

        async def issue(i: int, number: str) -> str | None:
            try:
                result = await flow(stores[i % STORES]).invoice(number, SARI)
            except DomainError:
                return None
            assert result.invoice is not None
            return result.invoice.number

        started = time.perf_counter()
        issued = await asyncio.gather(
            *(issue(i, n) for i, n in enumerate(numbers + doomed)),
            *(
                issue(i, n)
                for i, n in enumerate(numbers[:20])  # double presses: re-sends
            ),
        )
        elapsed = time.perf_counter() - started
        print(f"\n{ORDERS} invoices (+25 others) over {STORES} stores: {elapsed * 1000:.0f} ms")

        first = issued[:ORDERS]
        assert sorted(first) == [f"INV/2026/11/{i:04d}" for i in range(1, ORDERS + 1)]
        assert issued[ORDERS : ORDERS + 5] == [None] * 5
        assert issued[ORDERS + 5 :] == first[:20]  # a second press re-sends the same number
        counter = await stores[1].fetchone("SELECT last_seq FROM invoice_counters")
        assert counter is not None and counter["last_seq"] == ORDERS
        rows = await stores[2].fetchall(
            "SELECT o.invoice_number, i.number FROM orders o JOIN invoices i ON i.order_id = o.id"
        )
        assert len(rows) == ORDERS and all(r[0] == r[1] for r in rows)
    finally:
        for store in stores:
            await store.close()


async def test_a_rolled_back_issue_gives_its_number_back(seeded_store: Store) -> None:
    store = seeded_store
    with pytest.raises(RuntimeError):
        async with store.transaction() as db:
            assert await allocate_number(db, "2026-11") == (1, "INV/2026/11/0001")
            raise RuntimeError("crash before commit")
    async with store.transaction() as db:
        assert await allocate_number(db, "2026-11") == (1, "INV/2026/11/0001")
        assert await allocate_number(db, "2026-11") == (2, "INV/2026/11/0002")
        assert await allocate_number(db, "2026-12") == (1, "INV/2026/12/0001")


async def test_numbering_restarts_each_month_of_the_shops_clock(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store, f = seeded_store, flow(seeded_store, "verification")
    clock.current = datetime(2026, 11, 30, 16, 50, tzinfo=UTC)  # 23:50 WIB
    a = await placed(store, 1)
    assert (await f.verify(a.number, SARI)).invoice.number == "INV/2026/11/0001"  # type: ignore[union-attr]
    clock.current = datetime(2026, 11, 30, 17, 5, tzinfo=UTC)  # 00:05 WIB, 1 December
    b = await placed(store, 2)
    assert (await f.verify(b.number, SARI)).invoice.number == "INV/2026/12/0001"  # type: ignore[union-attr]


async def test_a_resend_is_the_same_invoice(seeded_store: Store, clock: FrozenClock) -> None:
    store, f = seeded_store, flow(seeded_store, "manual")
    order = await placed(store)
    await f.verify(order.number, SARI)
    first = await f.invoice(order.number, SARI)
    clock.advance(days=3)
    async with store.transaction() as db:  # prices change later: the invoice does not
        await db.execute("UPDATE products SET price = 1 WHERE sku = 'KOPI-GAYO'")
    again = await f.invoice(order.number, DEWI)
    assert first.invoice is not None and again.invoice is not None
    assert again.resent and not first.resent
    assert again.invoice == first.invoice
    assert again.invoice.issued_by == "Sari"
    assert again.invoice.content.lines[0].unit_price == 85_000
    payloads = [
        json.loads(r["payload"])
        for r in await store.fetchall(
            "SELECT payload FROM outbox WHERE kind = 'invoice' ORDER BY id"
        )
    ]
    assert payloads == [
        {"number": "INV/2026/11/0001", "resent": False},
        {"number": "INV/2026/11/0001", "resent": True},
    ]


@pytest.mark.parametrize("stage", ["verification", "shipment", "manual"])
async def test_when_the_invoice_is_issued(seeded_store: Store, stage: str) -> None:
    store = seeded_store
    f = flow(store, stage)  # type: ignore[arg-type]
    order = await placed(store)
    verified = await f.verify(order.number, SARI)
    assert (verified.invoice is not None) == (stage == "verification")
    await f.pack(order.number, DEWI)
    sent = await f.ship(order.number, DEWI, "jnt", "JP1234567890")
    assert (sent.invoice is not None) == (stage == "shipment")
    kinds = await outbox_kinds(store, order.id)
    invoiced = ("customer", "invoice") in kinds and ("staff", "invoice_staff") in kinds
    assert invoiced == (stage != "manual")
    row = await invoice_for_order(store.reader, order.id)
    assert (row is None) == (stage == "manual")
    if row is not None:  # a shipped transfer order is billed as paid
        assert row.content.payment_status == "paid"
        assert row.content.total == order.total


async def test_no_invoice_before_verification_or_for_a_rejected_order(
    seeded_store: Store,
) -> None:
    store, f = seeded_store, flow(seeded_store)
    order = await placed(store)
    with pytest.raises(InvalidInput) as err:
        await f.invoice(order.number, SARI)
    assert err.value.code == "invoice_not_yet"
    await f.reject(order.number, SARI, "stok rusak")
    with pytest.raises(InvalidInput):
        await f.invoice(order.number, SARI)
    assert await store.fetchone("SELECT * FROM invoice_counters") is None


async def test_an_invoice_issued_before_cancellation_can_still_be_sent(
    seeded_store: Store,
) -> None:
    store, f = seeded_store, flow(seeded_store, "verification")
    order = await placed(store)
    issued = (await f.verify(order.number, SARI)).invoice
    await f.cancel(order.number, SARI, "pembeli minta batal")
    again = await f.invoice(order.number, SARI)
    assert again.invoice == issued and again.order.status == Status.CANCELLED


async def test_shipped_order_gets_invoiced_once(seeded_store: Store) -> None:
    store, f = seeded_store, flow(seeded_store)
    order = await placed(store)
    await shipped(store, f, order, "JP1234567890")
    count = await store.fetchone("SELECT COUNT(*) AS n FROM invoices")
    assert count is not None and count["n"] == 1
