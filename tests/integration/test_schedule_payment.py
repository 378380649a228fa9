"""Unpaid transfer orders: first reminder, last reminder, expiry — with a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.actors import SYSTEM, Actor
from domain.clock import FrozenClock, from_db
from domain.models import PaymentMethod, PaymentStatus, Status
from domain.ordering.order_reads import load_order
from domain.ordering.orders import submit_payment_proof
from domain.ordering.transitions import set_payment_status
from domain.store import Store
from tests.integration.schedule_support import (
    STAFF,
    not_before,
    opt_out,
    outbox,
    place,
    policy,
    run,
    stock,
)

WIB = timedelta(hours=7)


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment given in Jakarta time (November 2026), as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - WIB


async def test_first_reminder_fires_when_due_not_before_and_once(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await place(seeded_store, 1001)  # 09:00 WIB
    clock.advance(hours=5, minutes=59)
    await run(seeded_store)
    assert await outbox(seeded_store, "payment_reminder") == []

    clock.advance(minutes=1)  # 15:00 WIB: 6 h after placing
    await run(seeded_store)
    await run(seeded_store)
    rows = await outbox(seeded_store, "payment_reminder")
    assert len(rows) == 1
    assert rows[0]["chat_id"] == 1001 and rows[0]["order_id"] == order.id
    assert not_before(rows[0]) == clock()  # 15:00 is not quiet: goes now
    assert '"expires_at": "2026-11-23T02:00:00+00:00"' in rows[0]["payload"]


async def test_last_reminder_before_expiry_then_expiry_releases_stock(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await place(seeded_store, 1001, items={"BATIK-M": 2})
    assert await stock(seeded_store, "BATIK-M") == (3, 2)
    # The last reminder belongs 2 h before expiry (07:00 WIB, quiet): pulled to 20:45 WIB.
    clock.current = wib(22, 20, 44)
    await run(seeded_store)
    assert await outbox(seeded_store, "payment_last") == []
    clock.current = wib(22, 20, 45)
    await run(seeded_store)
    await run(seeded_store)
    assert len(await outbox(seeded_store, "payment_last")) == 1

    clock.current = wib(23, 8, 59)
    await run(seeded_store)
    assert (await load_order(seeded_store.reader, order.id)).status == Status.PLACED

    clock.current = wib(23, 9, 0)  # 24 h after placing
    report = await run(seeded_store)
    assert report["payment_expired"] == 1
    expired = await load_order(seeded_store.reader, order.id)
    assert expired.status == Status.CANCELLED
    assert expired.events[-1].actor_name == SYSTEM.name and expired.events[-1].actor_id is None
    assert await stock(seeded_store, "BATIK-M") == (3, 0)  # released in the same transaction
    [told] = await outbox(seeded_store, "payment_expired")
    assert told["chat_id"] == 1001 and not_before(told) == clock()
    [staff] = await outbox(seeded_store, "payment_expired_staff")
    assert staff["audience"] == "staff" and str(order.id) in staff["payload"]
    # No generic status notice on top of the expiry message.
    assert await outbox(seeded_store, "status_changed") == []

    await run(seeded_store)
    assert len(await outbox(seeded_store, "payment_expired")) == 1
    assert len(await outbox(seeded_store, "payment_expired_staff")) == 1


async def test_after_an_outage_each_due_thing_happens_once(
    seeded_store: Store, clock: FrozenClock
) -> None:
    fresh = await place(seeded_store, 1001)  # 09:00 WIB day 22
    clock.current = wib(23, 7, 0)
    late = await place(seeded_store, 1002)  # 07:00 WIB day 23
    # The bot was down from 09:00 day 22 until 14:00 day 23.
    clock.current = wib(23, 14, 0)
    await run(seeded_store)
    await run(seeded_store)
    # The old order expired (its reminders are pointless now, so none went out)...
    assert (await load_order(seeded_store.reader, fresh.id)).status == Status.CANCELLED
    assert [r["order_id"] for r in await outbox(seeded_store, "payment_expired")] == [fresh.id]
    # ...and the newer one got its first reminder exactly once.
    reminders = await outbox(seeded_store, "payment_reminder")
    assert [r["order_id"] for r in reminders] == [late.id]
    assert await outbox(seeded_store, "payment_last") == []


async def test_a_backlog_is_spread_over_runs(seeded_store: Store, clock: FrozenClock) -> None:
    orders = [await place(seeded_store, 2000 + i) for i in range(5)]
    clock.advance(days=2)
    small = policy(batch=2)
    assert (await run(seeded_store, small))["payment_expired"] == 2
    assert (await run(seeded_store, small))["payment_expired"] == 2
    assert (await run(seeded_store, small))["payment_expired"] == 1
    assert (await run(seeded_store, small))["payment_expired"] == 0
    for order in orders:
        assert (await load_order(seeded_store.reader, order.id)).status == Status.CANCELLED
    # One staff message per run, not one per order.
    assert len(await outbox(seeded_store, "payment_expired_staff")) == 3
    assert len(await outbox(seeded_store, "payment_expired")) == 5


async def test_quiet_hours_hold_customer_messages_not_staff_ones(
    seeded_store: Store, clock: FrozenClock
) -> None:
    clock.current = wib(22, 17, 0)
    first = await place(seeded_store, 1001)
    clock.current = wib(22, 23, 0)  # first reminder due, in quiet hours
    await run(seeded_store)
    [reminder] = await outbox(seeded_store, "payment_reminder")
    assert reminder["order_id"] == first.id
    assert not_before(reminder) == wib(23, 8, 0)  # held until the morning

    clock.current = wib(23, 17, 0)  # expiry of `first`, at 17:00: not quiet
    await run(seeded_store)
    clock.current = wib(22, 23, 30)
    late = await place(seeded_store, 1002)
    clock.current = wib(23, 23, 30)  # its expiry falls in quiet hours
    await run(seeded_store)
    [_, told] = await outbox(seeded_store, "payment_expired")
    assert told["order_id"] == late.id
    assert not_before(told) == wib(24, 8, 0)  # the customer hears in the morning
    staff = (await outbox(seeded_store, "payment_expired_staff"))[-1]
    assert not_before(staff) == clock()  # the staff group at once
    cards = [r for r in await outbox(seeded_store, "order_card") if r["order_id"] == late.id]
    assert not_before(cards[-1]) == clock()


async def test_opted_out_customers_get_no_reminders_but_the_expiry_notice(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await place(seeded_store, 1001)
    await opt_out(seeded_store, 1001)
    clock.advance(hours=23)
    await run(seeded_store)
    assert await outbox(seeded_store, "payment_reminder") == []
    assert await outbox(seeded_store, "payment_last") == []
    log = await seeded_store.fetchall("SELECT kind, outcome FROM schedule_log ORDER BY kind")
    assert [(r["kind"], r["outcome"]) for r in log] == [
        ("pay_first", "superseded"),
        ("pay_last", "opted_out"),
    ]
    clock.advance(hours=1)
    await run(seeded_store)
    assert [r["order_id"] for r in await outbox(seeded_store, "payment_expired")] == [order.id]


async def test_blocked_customers_are_skipped_and_the_job_carries_on(
    seeded_store: Store, clock: FrozenClock
) -> None:
    await place(seeded_store, 1001)
    other = await place(seeded_store, 1002)
    async with seeded_store.transaction() as db:
        await db.execute("UPDATE customers SET reachable = 0 WHERE user_id = 1001")
    clock.advance(hours=6)
    await run(seeded_store)
    assert [r["order_id"] for r in await outbox(seeded_store, "payment_reminder")] == [other.id]


async def test_receipts_cod_and_paid_orders_are_not_chased(
    seeded_store: Store, clock: FrozenClock
) -> None:
    with_receipt = await place(seeded_store, 1001)
    await submit_payment_proof(seeded_store, 1001, "photo-1", "Budi")
    cod = await place(seeded_store, 1002, method=PaymentMethod.COD)
    clock.advance(days=2)
    await run(seeded_store)
    assert await outbox(seeded_store, "payment_reminder") == []
    for order in (with_receipt, cod):
        assert (await load_order(seeded_store.reader, order.id)).status == Status.PLACED


async def test_a_refused_receipt_restarts_the_payment_clock(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await place(seeded_store, 1001)  # 09:00 WIB
    clock.advance(hours=1)
    await submit_payment_proof(seeded_store, 1001, "photo-1", "Budi")
    clock.advance(hours=19)  # 05:00 WIB next day: staff turn the receipt down
    async with seeded_store.transaction() as db:
        current = await load_order(db, order.id)
        await set_payment_status(
            db, current, PaymentStatus.UNPAID, Actor(STAFF.id, STAFF.name), clock()
        )
    clock.advance(hours=5)  # 25 h after placing, 5 h after the refusal
    await run(seeded_store)
    assert (await load_order(seeded_store.reader, order.id)).status == Status.PLACED
    clock.advance(hours=1)  # 6 h after the refusal: a first reminder of the new clock
    await run(seeded_store)
    [reminder] = await outbox(seeded_store, "payment_reminder")
    expires = from_db(reminder["payload"].split('"expires_at": "')[1].split('"')[0])
    assert expires == clock() - timedelta(hours=6) + timedelta(hours=24)
