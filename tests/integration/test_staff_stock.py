"""Stock through the staff workflow: reserved at placement, released on reject and cancel,
committed at shipment; one low-stock alert per drop; restocks record who added how much."""

from __future__ import annotations

import json

import pytest

from domain.catalog import stock
from domain.dedupe import AlreadyProcessed
from domain.errors import InvalidInput
from domain.models import PaymentMethod, Status
from domain.ordering.orders import cancel_by_customer
from domain.store import Store
from tests.integration.staff_support import DEWI, SARI, flow, placed, shipped
from tests.integration.test_checkout import stock_of

# BATIK-M: 3 on hand, threshold 5 (the default); KOPI-GAYO: 40; TEH-MELATI: 10.


async def alerts(store: Store) -> list[dict[str, object]]:
    rows = await store.fetchall("SELECT payload FROM outbox WHERE kind = 'low_stock' ORDER BY id")
    return [json.loads(r["payload"]) for r in rows]


async def test_reserved_at_placement_released_on_reject(seeded_store: Store) -> None:
    store, f = seeded_store, flow(seeded_store)
    order = await placed(store, items={"KOPI-GAYO": 2, "TEH-MELATI": 3})
    assert await stock_of(store, "KOPI-GAYO") == (40, 2)
    assert await stock_of(store, "TEH-MELATI") == (10, 3)
    await f.reject(order.number, SARI, "alamat di luar jangkauan")
    assert await stock_of(store, "KOPI-GAYO") == (40, 0)
    assert await stock_of(store, "TEH-MELATI") == (10, 0)


@pytest.mark.parametrize("path", [(), ("verify",), ("verify", "pack")])
async def test_released_on_staff_cancel_at_every_open_stage(
    seeded_store: Store, path: tuple[str, ...]
) -> None:
    store, f = seeded_store, flow(seeded_store)
    order = await placed(store, items={"KOPI-GAYO": 4})
    for step in path:
        await getattr(f, step)(order.number, SARI)
    assert await stock_of(store, "KOPI-GAYO") == (40, 4)
    result = await f.cancel(order.number, DEWI, "stok <b>rusak</b> 😢")
    assert result.order.status == Status.CANCELLED
    assert await stock_of(store, "KOPI-GAYO") == (40, 0)
    assert result.order.events[-1].note == "stok <b>rusak</b> 😢"


async def test_committed_at_shipment_and_untouched_after(seeded_store: Store) -> None:
    store, f = seeded_store, flow(seeded_store)
    order = await placed(store, items={"KOPI-GAYO": 2})
    await shipped(store, f, order, "JP1234567890")
    assert await stock_of(store, "KOPI-GAYO") == (38, 0)
    await f.deliver(order.number, SARI)
    assert await stock_of(store, "KOPI-GAYO") == (38, 0)


async def test_customer_cancel_and_staff_reject_of_two_orders_release_both(
    seeded_store: Store,
) -> None:
    store, f = seeded_store, flow(seeded_store)
    a = await placed(store, 1001, {"BATIK-M": 1})
    b = await placed(store, 1002, {"BATIK-M": 2})
    assert await stock_of(store, "BATIK-M") == (3, 3)
    await cancel_by_customer(store, 1001, a.number, "Budi")
    await f.reject(b.number, SARI, "ukuran salah")
    assert await stock_of(store, "BATIK-M") == (3, 0)


async def test_one_low_stock_alert_per_drop(seeded_store: Store) -> None:
    store, f = seeded_store, flow(seeded_store)
    # TEH-MELATI: 10 on hand, threshold 5. 4 reserved → 6 available: no alert.
    first = await placed(store, 1001, {"TEH-MELATI": 4})
    assert await alerts(store) == []
    await placed(store, 1002, {"TEH-MELATI": 1})  # 5 available: at the threshold
    assert await alerts(store) == [{"sku": "TEH-MELATI", "available": 5, "threshold": 5}]
    await placed(store, 1003, {"TEH-MELATI": 2})  # lower still: no second alert
    await shipped(store, f, first, "JP1234567890")  # shipping changes nothing available
    assert len(await alerts(store)) == 1
    # Back above the threshold (a release and a restock) re-arms it; the next drop alerts.
    await stock.restock(store, "TEH-MELATI", 10, SARI)
    await placed(store, 1004, {"TEH-MELATI": 10})
    assert [a["available"] for a in await alerts(store)] == [5, 3]


async def test_release_rearms_the_alert(seeded_store: Store) -> None:
    store, f = seeded_store, flow(seeded_store)
    order = await placed(store, 1001, {"TEH-MELATI": 6})  # 4 available: alert
    assert len(await alerts(store)) == 1
    await f.reject(order.number, SARI, "duplikat")  # 10 available: re-armed
    assert await store.fetchone("SELECT * FROM stock_alerts") is None
    await placed(store, 1002, {"TEH-MELATI": 6})
    assert len(await alerts(store)) == 2


async def test_restock_records_who_added_how_much(seeded_store: Store) -> None:
    store = seeded_store
    result = await stock.restock(store, "batik-m", 12, SARI, source=(-100, 7))
    assert (result.before, result.added, result.product.stock) == (3, 12, 15)
    assert result.product.sku == "BATIK-M"  # typed in lower case
    moves = await stock.movements(store, "BATIK-M")
    assert [(m.delta, m.stock_after, m.actor_name) for m in moves] == [(12, 15, "Sari")]
    # The same message again (a redelivered update, an edit): nothing twice.
    with pytest.raises(AlreadyProcessed):
        await stock.restock(store, "BATIK-M", 12, SARI, source=(-100, 7))
    assert await stock_of(store, "BATIK-M") == (15, 0)


@pytest.mark.parametrize("typed", ["0", "-5", "abc", "1.5", "", "10001", "99999999999", "1e3"])
def test_absurd_restock_quantities_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as err:
        stock.parse_restock_quantity(typed)
    assert err.value.code in ("restock_quantity", "restock_too_large")


def test_restock_quantities() -> None:
    assert stock.parse_restock_quantity(" +24 ") == 24
    assert stock.parse_restock_quantity("10000") == 10_000


async def test_unknown_sku(seeded_store: Store) -> None:
    with pytest.raises(InvalidInput) as err:
        await stock.restock(seeded_store, "NOPE", 1, SARI)
    assert err.value.code == "sku_unknown"


def test_only_listed_admins_may_change_stock_when_a_list_is_set() -> None:
    assert stock.may_change_stock(501, [])
    assert stock.may_change_stock(501, [501, 9])
    assert not stock.may_change_stock(502, [501])
    assert not stock.may_change_stock(None, [501])


async def test_stock_levels_scarcest_first(seeded_store: Store) -> None:
    await placed(seeded_store, 1001, {"TEH-MELATI": 6}, method=PaymentMethod.COD)
    items, total = await stock.levels(seeded_store)
    assert total == 3
    assert [p.sku for p in items] == ["BATIK-M", "TEH-MELATI", "KOPI-GAYO"]
    low, n = await stock.levels(seeded_store, low_only=True)
    assert n == 2 and {p.sku for p in low} == {"BATIK-M", "TEH-MELATI"}
