"""Placing, reading, cancelling and paying for orders on a real store, and 200 checkouts at once."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any

import pytest

from domain import outbox as outbox_module
from domain.actors import Actor
from domain.catalog.catalog_import import import_catalog
from domain.clock import FrozenClock
from domain.errors import (
    EmptyCart,
    InvalidInput,
    NotFound,
    OffSale,
    OutOfStock,
    StaleAction,
    TransitionNotAllowed,
)
from domain.models import (
    CheckoutDetails,
    Order,
    PaymentMethod,
    PaymentStatus,
    ShippingOption,
    Status,
)
from domain.ordering.cart import add_to_cart, get_cart
from domain.ordering.order_reads import customer_order, customer_orders, load_order, track
from domain.ordering.orders import cancel_by_customer, place_order, submit_payment_proof
from domain.ordering.transitions import apply_transition
from domain.store import Store
from messages import Messages
from tests.conftest import START, CustomerFactory, make_customer

SHIP = ShippingOption(code="reg", name="JNE REG (2–3 hari)", fee=15_000)
STAFF = Actor(777, "Rina")
SITI, BUDI = 1001, 1002
NUMBER = re.compile(r"^[A-HJ-NP-Z2-9]{6}$")


def details(
    name: str = "Siti Rahayu",
    method: PaymentMethod = PaymentMethod.TRANSFER,
    note: str | None = None,
) -> CheckoutDetails:
    return CheckoutDetails(
        name=name,
        phone="+6281234567890",
        address="Jl. Melati No. 12, RT 03/RW 05, Jakarta Pusat 10510",
        shipping_code=SHIP.code,
        payment_method=method,
        note=note,
    )


async def fill_cart(store: Store, user_id: int, items: dict[str, int]) -> None:
    await make_customer(store, user_id)
    for sku, qty in items.items():
        await add_to_cart(store, user_id, sku, qty)


async def buy(store: Store, user_id: int, items: dict[str, int], **kwargs: Any) -> Order:
    await fill_cart(store, user_id, items)
    return await place_order(store, user_id, details(**kwargs), SHIP)


async def snapshot(store: Store) -> dict[str, Any]:
    """Everything checkout may write, to show that a failed one wrote nothing."""

    async def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await store.fetchall(sql)]

    return {
        "orders": await rows("SELECT * FROM orders ORDER BY id"),
        "lines": await rows("SELECT * FROM order_lines ORDER BY order_id, sku"),
        "events": await rows("SELECT * FROM order_events ORDER BY id"),
        "outbox": await rows("SELECT * FROM outbox ORDER BY id"),
        "products": await rows("SELECT sku, stock, reserved FROM products ORDER BY sku"),
        "carts": await rows("SELECT * FROM cart_items ORDER BY user_id, sku"),
        "customers": await rows("SELECT * FROM customers ORDER BY user_id"),
    }


async def stock_of(store: Store, sku: str) -> tuple[int, int]:
    row = await store.fetchone("SELECT stock, reserved FROM products WHERE sku = ?", (sku,))
    assert row is not None
    return row["stock"], row["reserved"]


async def outbox_rows(store: Store, order_id: int) -> list[tuple[str, str, int | None, str]]:
    rows = await store.fetchall(
        "SELECT audience, kind, chat_id, payload FROM outbox WHERE order_id = ? ORDER BY id",
        (order_id,),
    )
    return [(r["audience"], r["kind"], r["chat_id"], r["payload"]) for r in rows]


async def move(store: Store, order: Order, *path: Status) -> Order:
    """Staff move the order along, as the staff workflow would."""
    for to in path:
        async with store.transaction() as db:
            await apply_transition(db, order, to, STAFF, store.now())
            order = await load_order(db, order.id)
    return order


# ---------------------------------------------------------------- customers


async def test_first_language_comes_from_telegram(customer: CustomerFactory) -> None:
    assert (await customer(1, language_code="en-GB")).language == "en"
    assert (await customer(2, language_code="id")).language == "id"
    assert (await customer(3, language_code="jv")).language == "id"  # Javanese: shop default
    assert (await customer(4, language_code=None)).language == "id"
    again = await customer(1, first_name="Budi <b>", language_code="id")
    assert (again.language, again.first_name) == ("en", "Budi <b>")  # a choice is kept


# ---------------------------------------------------------------- placing


async def test_place_order_happy_path(seeded_store: Store, clock: FrozenClock) -> None:
    store = seeded_store
    await fill_cart(store, SITI, {"KOPI-GAYO": 2})
    clock.advance(minutes=1)
    await add_to_cart(store, SITI, "TEH-MELATI", 1)
    clock.advance(minutes=10)

    order = await place_order(store, SITI, details(note="<b>Pagar hijau</b> 🏠"), SHIP)

    assert NUMBER.match(order.number)
    assert order.user_id == SITI
    assert (order.status, order.payment_status) == (Status.PLACED, PaymentStatus.UNPAID)
    assert order.payment_method == PaymentMethod.TRANSFER
    assert [(x.sku, x.name, x.unit_price, x.quantity) for x in order.lines] == [
        ("KOPI-GAYO", "Kopi Arabika Gayo 250 g", 85_000, 2),
        ("TEH-MELATI", "Teh Melati Tubruk 100 g", 18_000, 1),
    ]
    assert (order.subtotal, order.shipping_fee, order.total) == (188_000, 15_000, 203_000)
    assert (order.shipping_code, order.shipping_name) == ("reg", "JNE REG (2–3 hari)")
    assert order.note == "<b>Pagar hijau</b> 🏠"
    assert order.created_at == START.replace(minute=11)
    # Stock reserved, not yet taken off the shelf.
    assert await stock_of(store, "KOPI-GAYO") == (40, 2)
    assert await stock_of(store, "TEH-MELATI") == (10, 1)
    assert await stock_of(store, "BATIK-M") == (3, 0)
    # Cart emptied; delivery details remembered for next time.
    assert (await get_cart(store, SITI)).is_empty
    saved = await store.fetchone(
        "SELECT name, phone, address FROM customers WHERE user_id = ?", (SITI,)
    )
    assert saved is not None and tuple(saved) == (
        "Siti Rahayu",
        "+6281234567890",
        "Jl. Melati No. 12, RT 03/RW 05, Jakarta Pusat 10510",
    )
    # One event, by the customer.
    (event,) = order.events
    assert (event.kind, event.from_status, event.to_status) == ("status", None, "placed")
    assert (event.actor_id, event.actor_name, event.at) == (SITI, "Siti Rahayu", order.created_at)
    # The staff card and the customer's confirmation are queued in the same transaction.
    queued = await outbox_rows(store, order.id)
    assert sorted(queued) == [
        ("customer", "order_placed", SITI, "{}"),
        ("staff", "order_card", None, "{}"),
    ]
    # Read back, it is the same order.
    assert await customer_order(store, SITI, order.number) == order


async def test_prices_and_names_are_snapshotted(seeded_store: Store) -> None:
    order = await buy(seeded_store, SITI, {"KOPI-GAYO": 1})
    await import_catalog(
        seeded_store,
        "sku,name,category,price,stock\nKOPI-GAYO,Kopi Gayo (kemasan baru),Kopi & Teh,99000,40\n",
    )
    again = await customer_order(seeded_store, SITI, order.number)
    assert [(x.name, x.unit_price) for x in again.lines] == [("Kopi Arabika Gayo 250 g", 85_000)]
    assert again.total == 85_000 + SHIP.fee


async def test_order_numbers_are_unique(seeded_store: Store) -> None:
    numbers = set()
    for user in range(2000, 2020):
        numbers.add((await buy(seeded_store, user, {"KOPI-GAYO": 1})).number)
    assert len(numbers) == 20
    assert all(NUMBER.match(n) for n in numbers)


async def test_placing_is_one_transaction(
    seeded_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure at the very last step (queueing the staff card) leaves no trace at all."""
    await fill_cart(seeded_store, SITI, {"KOPI-GAYO": 2, "BATIK-M": 1})
    before = await snapshot(seeded_store)

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(outbox_module, "enqueue", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        await place_order(seeded_store, SITI, details(), SHIP)
    assert await snapshot(seeded_store) == before
    monkeypatch.undo()
    order = await place_order(seeded_store, SITI, details(), SHIP)  # and it works afterwards
    assert order.item_count == 3


async def test_out_of_stock_names_the_item_and_writes_nothing(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store = seeded_store
    await fill_cart(store, SITI, {"KOPI-GAYO": 1})  # reserved first, then rolled back
    clock.advance(minutes=1)
    await add_to_cart(store, SITI, "BATIK-M", 3)
    await buy(store, BUDI, {"BATIK-M": 2}, name="Budi")  # meanwhile, Budi buys two
    before = await snapshot(store)

    with pytest.raises(OutOfStock) as excinfo:
        await place_order(store, SITI, details(), SHIP)

    assert excinfo.value.context == {
        "sku": "BATIK-M",
        "name": "Kemeja Batik Parang ukuran M",
        "available": 1,
        "requested": 3,
    }
    assert await snapshot(store) == before
    assert await stock_of(store, "KOPI-GAYO") == (40, 0)
    assert [(x.sku, x.quantity) for x in (await get_cart(store, SITI)).lines] == [
        ("KOPI-GAYO", 1),
        ("BATIK-M", 3),
    ]
    text = Messages().error("id", excinfo.value.code, **excinfo.value.context)
    assert "<b>Kemeja Batik Parang ukuran M</b>" in text
    assert "tersisa 1, Anda memesan 3" in text


async def test_product_withdrawn_after_adding_is_refused_as_off_sale(seeded_store: Store) -> None:
    await fill_cart(seeded_store, SITI, {"TEH-MELATI": 2})
    await import_catalog(
        seeded_store,
        "sku,name,category,price,stock,active\nTEH-MELATI,Teh Melati,Kopi & Teh,18000,10,no\n",
    )
    before = await snapshot(seeded_store)
    with pytest.raises(OffSale) as excinfo:
        await place_order(seeded_store, SITI, details(), SHIP)
    assert excinfo.value.context == {"sku": "TEH-MELATI", "name": "Teh Melati"}
    assert await snapshot(seeded_store) == before


async def test_empty_cart_places_nothing(seeded_store: Store) -> None:
    await make_customer(seeded_store, SITI)
    before = await snapshot(seeded_store)
    with pytest.raises(EmptyCart):
        await place_order(seeded_store, SITI, details(), SHIP)
    assert await snapshot(seeded_store) == before


async def test_shipping_must_match_the_choice(seeded_store: Store) -> None:
    await fill_cart(seeded_store, SITI, {"KOPI-GAYO": 1})
    before = await snapshot(seeded_store)
    other = ShippingOption(code="yes", name="JNE YES", fee=28_000)
    with pytest.raises(InvalidInput) as excinfo:
        await place_order(seeded_store, SITI, details(), other)
    assert excinfo.value.code == "shipping_invalid"
    assert await snapshot(seeded_store) == before


# ---------------------------------------------------------------- cancelling


@pytest.mark.parametrize("path", [(), (Status.VERIFIED,)], ids=["placed", "verified"])
async def test_customer_cancel_releases_stock(
    seeded_store: Store, clock: FrozenClock, path: tuple[Status, ...]
) -> None:
    order = await move(seeded_store, await buy(seeded_store, SITI, {"BATIK-M": 2}), *path)
    assert await stock_of(seeded_store, "BATIK-M") == (3, 2)
    clock.advance(minutes=30)

    cancelled = await cancel_by_customer(seeded_store, SITI, order.number.lower(), "Siti")

    assert cancelled.status == Status.CANCELLED
    assert await stock_of(seeded_store, "BATIK-M") == (3, 0)
    last = cancelled.events[-1]
    assert (last.kind, last.from_status, last.to_status) == ("status", order.status, "cancelled")
    assert (last.actor_id, last.actor_name, last.at) == (SITI, "Siti", clock())
    queued = await outbox_rows(seeded_store, order.id)
    assert sum(kind == "order_card" for _, kind, _, _ in queued) == 2 + len(path)
    # They did it themselves: no status notice, but the confirmation of their own
    # cancellation, queued with it (staff moves before were notified).
    assert not [q for q in queued if q[0] == "customer" and '"to": "cancelled"' in q[3]]
    customer_kinds = [kind for audience, kind, _, _ in queued if audience == "customer"]
    assert customer_kinds == ["order_placed", *["status_changed"] * len(path), "order_cancelled"]
    with pytest.raises(TransitionNotAllowed):  # twice is refused
        await cancel_by_customer(seeded_store, SITI, order.number, "Siti")
    assert await stock_of(seeded_store, "BATIK-M") == (3, 0)  # released once only


@pytest.mark.parametrize(
    "path",
    [
        (Status.VERIFIED, Status.PACKED),
        (Status.VERIFIED, Status.PACKED, Status.SHIPPED),
        (Status.REJECTED,),
    ],
    ids=["packed", "shipped", "rejected"],
)
async def test_customer_cannot_cancel_from_packed_on(
    seeded_store: Store, path: tuple[Status, ...]
) -> None:
    order = await move(seeded_store, await buy(seeded_store, SITI, {"BATIK-M": 2}), *path)
    before = await snapshot(seeded_store)
    with pytest.raises(TransitionNotAllowed) as excinfo:
        await cancel_by_customer(seeded_store, SITI, order.number, "Siti")
    assert excinfo.value.context["status"] == path[-1]
    assert await snapshot(seeded_store) == before
    text = Messages().error("en", excinfo.value.code, **excinfo.value.context)
    assert order.number in text and "can no longer be cancelled" in text


# ---------------------------------------------------------------- other customers' orders


async def test_someone_elses_order_answers_like_a_missing_one(seeded_store: Store) -> None:
    store = seeded_store
    siti = await buy(store, SITI, {"BATIK-M": 1})
    async with store.transaction() as db:
        await db.execute(
            "UPDATE orders SET courier = 'JNE', tracking_number = 'JNE0123456789' WHERE id = ?",
            (siti.id,),
        )
    await make_customer(store, BUDI)
    before = await snapshot(store)
    missing = "ZZZZZZ" if siti.number != "ZZZZZZ" else "YYYYYY"

    def shape(exc: NotFound, typed: str) -> tuple[type, str, str]:
        return type(exc), exc.code, str(exc).replace(typed, "<typed>")

    async def refusal(call: Any, typed: str) -> tuple[type, str, str]:
        with pytest.raises(NotFound) as excinfo:
            await call(typed)
        assert excinfo.value.context == {"number": typed}
        return shape(excinfo.value, typed)

    for call in (
        lambda n: customer_order(store, BUDI, n),
        lambda n: track(store, BUDI, n),
        lambda n: cancel_by_customer(store, BUDI, n, "Budi"),
        lambda n: submit_payment_proof(store, BUDI, "AgAC-budi", "Budi", number=n),
    ):
        assert await refusal(call, siti.number) == await refusal(call, missing)
    assert await refusal(lambda n: track(store, BUDI, n), "JNE0123456789") == await refusal(
        lambda n: track(store, BUDI, n), "JNE9999999999"
    )
    assert await customer_orders(store, BUDI) == ([], 0)
    assert await snapshot(store) == before  # Siti's order untouched
    # Siti herself finds it by number (as typed on a phone) and by tracking number.
    assert (await customer_order(store, SITI, f" #{siti.number.lower()} ")).id == siti.id
    assert (await track(store, SITI, "JNE0123456789")).id == siti.id
    assert (await track(store, SITI, siti.number)).id == siti.id


@pytest.mark.parametrize("query", ["", "   ", "X" * 41, "<b>K7Q3MX</b>", "' OR 1=1 --"])
async def test_track_garbage_is_not_found(seeded_store: Store, query: str) -> None:
    await buy(seeded_store, SITI, {"KOPI-GAYO": 1})
    with pytest.raises(NotFound):
        await track(seeded_store, SITI, query)


async def test_customer_orders_newest_first(seeded_store: Store, clock: FrozenClock) -> None:
    first = await buy(seeded_store, SITI, {"KOPI-GAYO": 1})
    clock.advance(hours=1)
    second = await buy(seeded_store, SITI, {"TEH-MELATI": 1})
    await buy(seeded_store, BUDI, {"TEH-MELATI": 1}, name="Budi")
    orders, total = await customer_orders(seeded_store, SITI)
    assert total == 2
    assert [o.number for o in orders] == [second.number, first.number]
    page, total = await customer_orders(seeded_store, SITI, limit=1, offset=1)
    assert ([o.number for o in page], total) == ([first.number], 2)


# ---------------------------------------------------------------- payment proof


async def test_payment_proof_is_kept_with_the_order(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await buy(seeded_store, SITI, {"KOPI-GAYO": 1})
    clock.advance(minutes=20)

    proved = await submit_payment_proof(seeded_store, SITI, "AgACAgUAAxkBAAIB-1", "Siti")

    assert proved.id == order.id
    assert proved.payment_status == PaymentStatus.PROOF_SUBMITTED
    assert proved.payment_proof_file_id == "AgACAgUAAxkBAAIB-1"
    assert proved.status == Status.PLACED
    last = proved.events[-1]
    assert (last.kind, last.from_status, last.to_status) == ("payment", "unpaid", "proof_submitted")
    assert (last.actor_id, last.at) == (SITI, clock())
    queued = await outbox_rows(seeded_store, order.id)
    assert ("staff", "payment_proof", None, '{"file_id": "AgACAgUAAxkBAAIB-1"}') in queued
    assert sum(kind == "order_card" for _, kind, _, _ in queued) == 2

    # A clearer photo replaces the first.
    again = await submit_payment_proof(seeded_store, SITI, "AgAC-2", "Siti", number=order.number)
    assert again.payment_proof_file_id == "AgAC-2"
    assert (again.events[-1].from_status, again.events[-1].to_status) == (
        "proof_submitted",
        "proof_submitted",
    )


async def test_payment_proof_goes_to_the_newest_open_transfer_order(
    seeded_store: Store, clock: FrozenClock
) -> None:
    older = await buy(seeded_store, SITI, {"KOPI-GAYO": 1})
    clock.advance(hours=1)
    newer = await buy(seeded_store, SITI, {"TEH-MELATI": 1})
    clock.advance(hours=1)
    await buy(seeded_store, SITI, {"TEH-MELATI": 1}, method=PaymentMethod.COD)
    assert (await submit_payment_proof(seeded_store, SITI, "f1", "Siti")).id == newer.id
    await cancel_by_customer(seeded_store, SITI, newer.number, "Siti")
    # Proof already sent for `newer`, now cancelled: the next open one is the older order.
    assert (await submit_payment_proof(seeded_store, SITI, "f2", "Siti")).id == older.id


async def test_payment_proof_refused_where_it_does_not_fit(seeded_store: Store) -> None:
    cod = await buy(seeded_store, SITI, {"KOPI-GAYO": 1}, method=PaymentMethod.COD)
    before = await snapshot(seeded_store)
    with pytest.raises(NotFound):  # no open transfer order at all
        await submit_payment_proof(seeded_store, SITI, "f1", "Siti")
    with pytest.raises(StaleAction):  # named, but it is COD
        await submit_payment_proof(seeded_store, SITI, "f1", "Siti", number=cod.number)
    assert await snapshot(seeded_store) == before

    transfer = await buy(seeded_store, SITI, {"TEH-MELATI": 1})
    await cancel_by_customer(seeded_store, SITI, transfer.number, "Siti")
    before = await snapshot(seeded_store)
    with pytest.raises(StaleAction):  # named, but cancelled
        await submit_payment_proof(seeded_store, SITI, "f1", "Siti", number=transfer.number)
    with pytest.raises(NotFound):
        await submit_payment_proof(seeded_store, SITI, "f1", "Siti")
    assert await snapshot(seeded_store) == before


# ---------------------------------------------------------------- concurrency


CHECKOUTS = 200
STOCK = 50
STORES = 4


async def test_200_concurrent_checkouts_sell_exactly_the_stock(
    db_location: Path | str, clock: FrozenClock
) -> None:
    """200 customers, each with the last-but-many unit of a 50-piece promo in their cart, press
    "Place order" at once, through 4 Store objects (4 write connections) on one file: exactly
    50 orders, the other 150 told "out of stock", never a unit oversold."""
    path = db_location
    stores = [await Store(path, clock=clock).open() for _ in range(STORES)]
    try:
        setup = stores[0]
        await import_catalog(
            setup, f"sku,name,category,price,stock\nPROMO,Tumbler Promo,Promo,49000,{STOCK}\n"
        )
        users = list(range(50_001, 50_001 + CHECKOUTS))
        for user in users:
            await fill_cart(setup, user, {"PROMO": 1})

        samples: list[int] = []
        finished = asyncio.Event()

        async def watch() -> None:
            while not finished.is_set():
                row = await setup.fetchone(
                    "SELECT stock - reserved AS left FROM products WHERE sku = 'PROMO'"
                )
                assert row is not None
                samples.append(row["left"])

        watcher = asyncio.create_task(watch())
        started = time.perf_counter()
        results = await asyncio.gather(
            *(
                place_order(stores[i % STORES], user, details(name=f"Pembeli {user}"), SHIP)
                for i, user in enumerate(users)
            ),
            return_exceptions=True,
        )
        elapsed = time.perf_counter() - started
        finished.set()
        await watcher

        placed = [r for r in results if isinstance(r, Order)]
        refused = [r for r in results if isinstance(r, OutOfStock)]
        other = [r for r in results if not isinstance(r, Order | OutOfStock)]
        assert other == []
        assert (len(placed), len(refused)) == (STOCK, CHECKOUTS - STOCK)
        for exc in refused:
            assert exc.context == {
                "sku": "PROMO",
                "name": "Tumbler Promo",
                "available": 0,
                "requested": 1,
            }

        assert await stock_of(setup, "PROMO") == (STOCK, STOCK)
        assert samples and min(samples) >= 0
        assert samples[-1] == 0

        counts = await setup.fetchone(
            "SELECT COUNT(*) AS orders, COUNT(DISTINCT number) AS numbers,"
            " COUNT(DISTINCT user_id) AS buyers FROM orders"
        )
        assert counts is not None and tuple(counts) == (STOCK, STOCK, STOCK)
        sold = await setup.fetchone("SELECT SUM(quantity) AS n FROM order_lines")
        assert sold is not None and sold["n"] == STOCK
        cards = await setup.fetchone("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'order_card'")
        assert cards is not None and cards["n"] == STOCK
        events = await setup.fetchone("SELECT COUNT(*) AS n FROM order_events")
        assert events is not None and events["n"] == STOCK

        winners = {o.user_id for o in placed}
        carts = await setup.fetchall("SELECT user_id, quantity FROM cart_items")
        assert {r["user_id"] for r in carts} == set(users) - winners  # losers keep their cart
        assert all(r["quantity"] == 1 for r in carts)
        assert {o.total for o in placed} == {49_000 + SHIP.fee}

        print(
            f"\n{CHECKOUTS} concurrent checkouts over {STORES} stores: {elapsed:.2f} s,"
            f" {len(samples)} stock samples"
        )
    finally:
        for store in stores:
            await store.close()
