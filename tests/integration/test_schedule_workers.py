"""Two workers run the scheduled follow-up at the same moments on one database: every due
item is taken once (by compare-and-set in the transaction that queues its message), so each
message is queued exactly once whichever worker gets there first."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from domain import customers
from domain.clock import FrozenClock, to_db
from domain.models import PaymentMethod, Status
from domain.ordering import cart
from domain.schedule.passes import run_due
from domain.schedule.quiet_hours import QuietHours
from domain.store import Store
from domain.store import delivery_checks as check_rows
from tests.conftest import START, seed_catalog
from tests.integration.schedule_support import move, place, policy

POLICY = policy(
    quiet=QuietHours.off(),
    payment_last_before=timedelta(hours=1),
    delivery_check_after=timedelta(hours=20),
    auto_deliver_after=timedelta(hours=22),
    survey_after=timedelta(hours=20),
)
COD = PaymentMethod.COD


async def seed(store: Store, clock: FrozenClock) -> dict[str, list[int]]:
    """Something due for every pass at START + 25 h; the orders' ids by what is due."""
    await seed_catalog(store)
    due: dict[str, list[int]] = {k: [] for k in "ABCDEFGH"}
    for i in range(6):  # A: unpaid for 25 h → expired
        due["A"].append((await place(store, 1100 + i)).id)
    for i in range(5):  # carts untouched for 25 h
        await customers.ensure_customer(
            store, 1200 + i, first_name="K", username=None, language_code="id",
            default_language="id",
        )
        await cart.add_to_cart(store, 1200 + i, "TEH-MELATI", 1)
    for i in range(4):  # E: asked 25 h ago, no answer → delivered by the system
        order = await move(store, await place(store, 1300 + i, method=COD), Status.SHIPPED)
        async with store.transaction() as db:
            await check_rows.add(db, order.id, order.user_id, clock(), True)
        due["E"].append(order.id)
    for i in range(4):  # F: answered "not yet" 25 h ago → asked again
        order = await move(store, await place(store, 1400 + i, method=COD), Status.SHIPPED)
        async with store.transaction() as db:
            await check_rows.add(db, order.id, order.user_id, clock(), True)
            await check_rows.close(db, order.id, "not_yet", clock())
        due["F"].append(order.id)
    clock.advance(hours=1)
    for i in range(4):  # D: shipped 24 h ago → asked
        order = await move(store, await place(store, 1500 + i, method=COD), Status.SHIPPED)
        due["D"].append(order.id)
    for i in range(4):  # G: delivered 24 h ago → survey
        order = await move(store, await place(store, 1600 + i, method=COD), Status.DELIVERED)
        due["G"].append(order.id)
    for i in range(3):  # H: verified 24 h ago → the staff nudge (packing)
        order = await move(store, await place(store, 1700 + i, method=COD), Status.VERIFIED)
        due["H"].append(order.id)
    clock.advance(hours=1)
    for i in range(6):  # B: 23 h unpaid → the last reminder
        due["B"].append((await place(store, 1800 + i)).id)
    clock.advance(hours=16)
    for i in range(6):  # C: 7 h unpaid → the first reminder
        due["C"].append((await place(store, 1900 + i)).id)
    clock.advance(hours=7)
    assert clock() == START + timedelta(hours=25)
    return due


@pytest.mark.parametrize("rounds", range(2))
async def test_two_workers_queue_every_scheduled_message_once(
    db_location: Path | str, clock: FrozenClock, rounds: int
) -> None:
    one, two = Store(db_location, clock), Store(db_location, clock)
    await one.open()
    await two.open()
    try:
        due = await seed(one, clock)
        since = to_db(clock())
        for _ in range(4):  # the same moment on both, several runs in a row
            reports = await asyncio.gather(run_due(one, POLICY), run_due(two, POLICY))
            clock.advance(seconds=20)
        rows = await one.fetchall(
            "SELECT kind, order_id, chat_id FROM outbox WHERE created_at >= ? ORDER BY id",
            (since,),
        )
        queued = Counter((r["kind"], r["order_id"], r["chat_id"]) for r in rows)
        assert [k for k, n in queued.items() if n > 1] == []  # nothing twice
        kinds = Counter(r["kind"] for r in rows)
        assert kinds == {
            "payment_expired": 6,
            "payment_expired_staff": 1,
            "payment_last": 6,
            "payment_reminder": 6,
            "cart_reminder": 5,
            "auto_delivered": 4,
            "delivery_check": 8,
            "survey": 4,
            "staff_nudge": 1,
            "daily_digest": 1,
            "order_card": 10,  # the expired and the delivered orders' cards, redrawn once
        }
        by_kind = {
            kind: {r["order_id"] for r in rows if r["kind"] == kind}
            for kind in ("payment_expired", "payment_last", "payment_reminder", "survey")
        }
        assert by_kind["payment_expired"] == set(due["A"])
        assert by_kind["payment_last"] == set(due["B"])
        assert by_kind["payment_reminder"] == set(due["C"])
        assert by_kind["survey"] == set(due["G"])
        assert len(reports) == 2
        # The state moved once too: one cancellation per expired order, one more question.
        cancels = await one.fetchall(
            "SELECT order_id, COUNT(*) AS n FROM order_events WHERE kind = 'status'"
            " AND to_status = 'cancelled' GROUP BY order_id"
        )
        assert {r["order_id"]: r["n"] for r in cancels} == {i: 1 for i in due["A"]}
        asks = await one.fetchall(
            "SELECT asks FROM delivery_checks WHERE order_id IN (?, ?, ?, ?)", due["F"]
        )
        assert [r["asks"] for r in asks] == [2, 2, 2, 2]
    finally:
        await one.close()
        await two.close()
